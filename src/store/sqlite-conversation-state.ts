// What the inbox reads from `conversations` instead of the messages: values kept up to date in the
// transaction of every write, and their definition from the messages, which `wabox db check` holds them to.
import type Database from 'better-sqlite3';
import type { ConversationDrift, KeptConversationField } from './store.js';

/**
 * Each kept column and its value recomputed from the messages of the conversation `c` (correlated
 * subqueries, each an index range of one contact). An answer is an outbound message sent by a person
 * (no automatic-reply reason) that did not fail; awaiting_since is the oldest inbound message after the
 * latest answer (resolved or not: the views hide it for resolved conversations).
 *
 * An answer ends a wait when an inbound message came after the answer before it (or there was none) and
 * not after it; the wait starts at the oldest such message. response_at is the latest answer that ended
 * a wait, response_awaited_since the start of that wait: the first response of the latest wait.
 */
const ANSWER = (m: string) =>
  `${m}.wa_id = c.wa_id AND ${m}.direction = 'out' AND ${m}.reason IS NULL AND ${m}.status <> 'failed'`;
const LAST_ANSWER = `(SELECT max(m.timestamp) FROM messages m WHERE ${ANSWER('m')})`;
/** The inbound messages of the wait that an answer at `at` ended: after the answer before it, up to it. */
const WAIT_OF = (at: string) => `m.wa_id = c.wa_id AND m.direction = 'in' AND m.timestamp <= ${at}
    AND m.timestamp > coalesce((SELECT max(p.timestamp) FROM messages p WHERE ${ANSWER('p')} AND p.timestamp < ${at}), -1)`;
const RESPONSE_AT = `(SELECT max(a.timestamp) FROM messages a
    WHERE ${ANSWER('a')} AND EXISTS (SELECT 1 FROM messages m WHERE ${WAIT_OF('a.timestamp')}))`;
/** The SQL of each kept value; PostgreSQL has no `+column` (SQLite's way to keep an index out). */
export function expectedSql(dialect: 'sqlite' | 'postgres'): Record<KeptConversationField, string> {
  return dialect === 'sqlite' ? EXPECTED : POSTGRES_EXPECTED;
}

const EXPECTED: Record<KeptConversationField, string> = {
  // +m.status: the contact's messages (their index), not every unread message of the store
  unread: `(SELECT count(*) FROM messages m WHERE m.wa_id = c.wa_id AND m.direction = 'in' AND +m.status = 'received')`,
  last_inbound_at: `(SELECT max(m.timestamp) FROM messages m WHERE m.wa_id = c.wa_id AND m.direction = 'in')`,
  last_outbound_at: `(SELECT max(m.timestamp) FROM messages m WHERE m.wa_id = c.wa_id AND m.direction = 'out')`,
  last_message_at: '(SELECT max(m.timestamp) FROM messages m WHERE m.wa_id = c.wa_id)',
  last_seq:
    '(SELECT m.seq FROM messages m WHERE m.wa_id = c.wa_id ORDER BY m.timestamp DESC, m.seq DESC LIMIT 1)',
  last_answer_at: LAST_ANSWER,
  awaiting_since: `(SELECT min(m.timestamp) FROM messages m
    WHERE m.wa_id = c.wa_id AND m.direction = 'in' AND m.timestamp > coalesce(${LAST_ANSWER}, -1))`,
  response_at: RESPONSE_AT,
  response_awaited_since: `(SELECT min(m.timestamp) FROM messages m WHERE ${WAIT_OF(RESPONSE_AT)})`,
};

const POSTGRES_EXPECTED = { ...EXPECTED, unread: EXPECTED.unread.replace('+m.status', 'm.status') };

export const KEPT_FIELDS = Object.keys(EXPECTED) as KeptConversationField[];

/** Sets the kept values `fields` (default all) of the conversations matching `where` (on `c`) to their recomputed value. */
export function recomputeSql(
  where: string,
  fields: readonly KeptConversationField[] = KEPT_FIELDS,
  dialect: 'sqlite' | 'postgres' = 'sqlite',
): string {
  const expected = expectedSql(dialect);
  return `UPDATE conversations AS c SET (${fields.join(', ')}) =
    (SELECT ${fields.map((f) => expected[f]).join(', ')})
    WHERE ${where}`;
}

/** Sets the inbox place (sort_at, conversation_id) of the label rows matching `where` from their conversations. */
export function labelOrderSql(where: string): string {
  return `UPDATE contact_labels AS l SET (sort_at, conversation_id) =
    (SELECT coalesce(c.last_message_at, c.created_at), c.id FROM conversations c WHERE c.wa_id = l.wa_id)
    WHERE ${where}`;
}

/** Recomputes one conversation's kept values: all (a merge, a person's send that failed or recovered), or the response ones a late message moves. */
export function refreshConversation(
  db: Database.Database,
  waId: string,
  fields: 'all' | 'response' = 'all',
): void {
  let statements = refreshStatements.get(db);
  if (statements === undefined) {
    // prepared once per connection: compiling these subqueries costs more than running them for one contact
    statements = {
      all: db.prepare(recomputeSql('c.wa_id = ?')),
      response: db.prepare(recomputeSql('c.wa_id = ?', ['response_at', 'response_awaited_since'])),
    };
    refreshStatements.set(db, statements);
  }
  statements[fields].run(waId);
}

const refreshStatements = new WeakMap<Database.Database, Record<'all' | 'response', Database.Statement>>();

/** The rows conversationDrift reads: kept and expected values, messages without a conversation, label places. */
export type DriftRows = {
  kept: Array<Record<string, string | number | null>>;
  orphans: Array<{ wa_id: string }>;
  labels: Array<{ wa_id: string; sort_at: number | null; at: number | null }>;
};

/** The queries of conversationDrift in a dialect (PostgreSQL's `IS NOT` is `IS DISTINCT FROM`; byte order). */
export function driftSql(dialect: 'sqlite' | 'postgres'): Record<keyof DriftRows, string> {
  const expected = expectedSql(dialect);
  const isNot = dialect === 'sqlite' ? 'IS NOT' : 'IS DISTINCT FROM';
  const bytes = dialect === 'sqlite' ? '' : ' COLLATE "C"';
  return {
    kept: `SELECT c.wa_id, ${KEPT_FIELDS.map((f) => `c.${f} AS "kept.${f}", ${expected[f]} AS "expected.${f}"`).join(', ')}
       FROM conversations c ORDER BY c.wa_id${bytes}`,
    // GROUP BY, not DISTINCT: PostgreSQL refuses a DISTINCT whose ORDER BY (with COLLATE) is not selected
    orphans: `SELECT m.wa_id FROM messages m
       WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.wa_id = m.wa_id) GROUP BY m.wa_id ORDER BY m.wa_id${bytes}`,
    labels: `SELECT l.wa_id, l.sort_at, coalesce(c.last_message_at, c.created_at) AS at
       FROM contact_labels l LEFT JOIN conversations c ON c.wa_id = l.wa_id
       WHERE l.sort_at ${isNot} coalesce(c.last_message_at, c.created_at) OR l.conversation_id ${isNot} c.id
       ORDER BY l.wa_id${bytes}, l.label${bytes}`,
  };
}

/** What the rows of driftSql's queries say drifted. */
export function driftOf(rows: DriftRows): ConversationDrift[] {
  const drift: ConversationDrift[] = [];
  for (const row of rows.kept)
    for (const field of KEPT_FIELDS) {
      const kept = row[`kept.${field}`] as number | null;
      const expected = row[`expected.${field}`] as number | null;
      if (kept !== expected) drift.push({ waId: row.wa_id as string, field, kept, expected });
    }
  for (const { wa_id } of rows.orphans)
    drift.push({ waId: wa_id, field: 'conversation', kept: null, expected: null });
  for (const l of rows.labels)
    drift.push({ waId: l.wa_id, field: 'label_order', kept: l.sort_at, expected: l.at });
  return drift;
}

/**
 * Every kept value that differs from its recomputation, and every contact with messages but no
 * conversation (it has nothing to keep values in). Reads every conversation: `wabox db check`, not a view.
 */
export function conversationDrift(db: Database.Database): ConversationDrift[] {
  const sql = driftSql('sqlite');
  return driftOf({
    kept: db.prepare(sql.kept).all() as DriftRows['kept'],
    orphans: db.prepare(sql.orphans).all() as DriftRows['orphans'],
    labels: db.prepare(sql.labels).all() as DriftRows['labels'],
  });
}

/** Creates the missing conversations and recomputes every kept value that drifted; what it fixed. */
export function repairConversations(db: Database.Database, now: number): ConversationDrift[] {
  return db
    .transaction(() => {
      const drift = conversationDrift(db);
      const insert = db.prepare(
        'INSERT INTO conversations (wa_id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (wa_id) DO NOTHING',
      );
      for (const waId of new Set(drift.map((d) => d.waId))) {
        insert.run(waId, now, now);
        refreshConversation(db, waId);
      }
      db.prepare(labelOrderSql('l.wa_id IN (SELECT value FROM json_each(?))')).run(
        JSON.stringify(drift.filter((d) => d.field === 'label_order').map((d) => d.waId)),
      );
      return drift;
    })
    .immediate();
}
