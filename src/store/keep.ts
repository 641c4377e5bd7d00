// Keeping and erasing data, written once for both stores: purging old message content, exporting one
// contact, and forgetting one (DESIGN.md §6). Each function runs on a `Sql` (a PostgreSQL transaction, or
// the SQLite connection inside one: ./sqlite-sql.ts) with the few words the two dialects spell
// differently given by a `Dialect`.
//
// A forgotten contact's wamids are kept as SHA-256 digests in forgotten_messages: the webhook writers
// (./sqlite-webhook.ts, ./postgres-webhook.ts) store nothing for a forgotten wamid, so Meta redelivering
// an old event (it retries for days) does not bring the person back.
import { createHash, randomUUID } from 'node:crypto';
import { notFound } from '../core/errors.js';
import { listCsat } from './csat.js';
import {
  type AutoReplyRow,
  iso,
  MESSAGE_COLUMNS,
  type MessageRow,
  parseError,
  toAutoReply,
  toRecord,
} from './rows.js';
import type { Sql } from './sql.js';
import type {
  ContactExport,
  ErasureCounts,
  ErasureRecord,
  ExportedMessage,
  PurgeResult,
  StatusEventRecord,
  Store,
} from './store.js';

/** What the two databases spell differently. */
export interface Dialect {
  /** A one-column (`v`) table of the text values of list parameter `param`, aliased. */
  values(param: string): string;
  /** The value to bind for a list parameter. */
  list(values: readonly string[]): unknown;
  /** True when the text `column` contains parameter `param`. */
  contains(column: string, param: string): string;
}

export const SQLITE_DIALECT: Dialect = {
  values: (p) => `(SELECT value AS v FROM json_each(@${p})) AS ${p}_list`,
  list: (values) => JSON.stringify(values),
  contains: (column, p) => `instr(${column}, @${p}) > 0`,
};

export const PG_DIALECT: Dialect = {
  values: (p) => `(SELECT unnest(@${p}::text[]) AS v) AS ${p}_list`,
  list: (values) => [...values],
  contains: (column, p) => `strpos(${column}, @${p}) > 0`,
};

/** The digest forgotten_messages keeps of a wamid: the wamid itself is not kept. */
export function forgottenDigest(wamid: string): string {
  return createHash('sha256').update(`wabox.forgotten\n${wamid}`).digest('hex');
}

/** Message types whose payload carries a media id (and maybe a caption). */
const MEDIA = "('image', 'video', 'audio', 'document', 'sticker')";

/** Raw webhook fields about the business account, not about a customer: their payloads are kept. */
const ACCOUNT_FIELDS = `('account_update', 'account_alerts', 'account_review_update', 'business_capability_update',
  'phone_number_name_update', 'phone_number_quality_update', 'message_template_status_update',
  'message_template_quality_update', 'template_category_update', 'security')`;

/** How many values one list parameter carries. */
const CHUNK = 1000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

// -- purge ----------------------------------------------------------------------------------------

const PURGE = {
  messages: 'timestamp < @before AND (text IS NOT NULL OR payload IS NOT NULL)',
  statuses: 'timestamp < @before AND payload IS NOT NULL',
  raw: `received_at < @before AND payload <> 'null' AND field NOT IN ${ACCOUNT_FIELDS}`,
};

export async function purgeContent(sql: Sql, before: number, dryRun: boolean): Promise<PurgeResult> {
  const p = { before };
  const found = (await sql.get<{ n: number; media: number }>(
    `SELECT count(*) AS n, coalesce(sum(CASE WHEN type IN ${MEDIA} THEN 1 ELSE 0 END), 0) AS media
     FROM messages WHERE ${PURGE.messages}`,
    p,
  ))!;
  const count = async (table: string, where: string) =>
    Number((await sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, p))!.n);
  const result: PurgeResult = {
    before: iso(before),
    dryRun,
    messages: Number(found.n),
    media: Number(found.media),
    statusEvents: await count('status_events', PURGE.statuses),
    rawEvents: await count('raw_events', PURGE.raw),
  };
  if (dryRun) return result;
  await sql.run(`UPDATE messages SET text = NULL, payload = NULL WHERE ${PURGE.messages}`, p);
  await sql.run(`UPDATE status_events SET payload = NULL WHERE ${PURGE.statuses}`, p);
  await sql.run(`UPDATE raw_events SET payload = 'null' WHERE ${PURGE.raw}`, p);
  // a satisfaction comment is a copy of a message's text
  await sql.run('UPDATE csat SET comment = NULL WHERE comment_at < @before AND comment IS NOT NULL', p);
  return result;
}

// -- export ---------------------------------------------------------------------------------------

type StatusRow = {
  wamid: string;
  status: string;
  timestamp: number;
  error: string | null;
  payload: string | null;
};

function parsed(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toStatus(r: StatusRow): StatusEventRecord & { payload: unknown } {
  return {
    status: r.status,
    timestamp: iso(r.timestamp),
    error: parseError(r.error),
    payload: parsed(r.payload),
  };
}

/** The contact's identifier values (its key, current and former ids): what names them in other rows. */
async function identifierValues(sql: Sql, key: string): Promise<string[]> {
  const rows = await sql.all<{ value: string }>('SELECT value FROM contact_ids WHERE wa_id = @key', { key });
  return [...new Set([key, ...rows.map((r) => r.value)])];
}

export async function exportContact(
  sql: Sql,
  d: Dialect,
  store: Pick<Store, 'getContact' | 'contactEvents' | 'getConversation'>,
  key: string,
): Promise<ContactExport> {
  const contact = await store.getContact(key);
  if (contact === null) throw notFound(`the store knows no contact ${key}`, { code: 'contact.not_found' });
  const k = { key };
  const ids = await identifierValues(sql, key);
  const messageRows = await sql.all<
    MessageRow & { payload: string | null; phone_number_id: string | null; seq: number }
  >(
    `SELECT seq, ${MESSAGE_COLUMNS}, payload, phone_number_id FROM messages WHERE wa_id = @key
     ORDER BY timestamp, seq`,
    k,
  );
  const statusRows = await sql.all<StatusRow & { mine: number }>(
    `SELECT s.wamid, s.status, s.timestamp, s.error, s.payload,
       CASE WHEN m.wamid IS NULL THEN 0 ELSE 1 END AS mine
     FROM status_events s LEFT JOIN messages m ON m.wamid = s.wamid AND m.wa_id = @key
     WHERE m.wamid IS NOT NULL OR s.recipient_wa_id IN (SELECT v FROM ${d.values('ids')})
     ORDER BY s.timestamp, s.id`,
    { key, ids: d.list(ids) },
  );
  const byMessage = new Map<string, Array<StatusEventRecord & { payload: unknown }>>();
  const otherStatuses: ContactExport['otherStatuses'] = [];
  for (const r of statusRows) {
    if (Number(r.mine) === 0) {
      otherStatuses.push({ wamid: r.wamid, ...toStatus(r) });
      continue;
    }
    const list = byMessage.get(r.wamid) ?? [];
    list.push(toStatus(r));
    byMessage.set(r.wamid, list);
  }
  const messages: ExportedMessage[] = messageRows.map((r) => ({
    ...toRecord(r),
    payload: parsed(r.payload),
    phoneNumberId: r.phone_number_id,
    statuses: byMessage.get(r.wamid) ?? [],
  }));
  const identifiers = await sql.all<{
    kind: 'phone' | 'user_id' | 'parent_user_id';
    value: string;
    created_at: number;
  }>(
    'SELECT kind, value, created_at FROM contact_ids WHERE wa_id = @key ORDER BY created_at, kind, value',
    k,
  );
  const labels = await sql.all<{ label: string; created_at: number }>(
    'SELECT label, created_at FROM contact_labels WHERE wa_id = @key ORDER BY created_at, label',
    k,
  );
  const notes = await sql.all<{ id: number; author: string | null; text: string; created_at: number }>(
    'SELECT id, author, text, created_at FROM notes WHERE wa_id = @key ORDER BY created_at, id',
    k,
  );
  const autoReplies = await sql.all<AutoReplyRow>(
    `SELECT id, inbound_wamid, wa_id, kind, reason, rule, state, created_at, updated_at
     FROM auto_replies WHERE wa_id = @key ORDER BY id`,
    k,
  );
  const conversation = await store.getConversation(key);
  return {
    contact,
    identifiers: identifiers.map((r) => ({ kind: r.kind, value: r.value, createdAt: iso(r.created_at) })),
    events: await store.contactEvents(key),
    conversation: conversation?.cursor === null ? null : conversation,
    labels: labels.map((r) => ({ label: r.label, createdAt: iso(r.created_at) })),
    notes: notes.map((r) => ({
      id: r.id,
      waId: key,
      author: r.author,
      text: r.text,
      createdAt: iso(r.created_at),
    })),
    messages,
    autoReplies: autoReplies.map(toAutoReply),
    csat: await listCsat(sql, { waId: key }),
    otherStatuses,
  };
}

// -- forget ---------------------------------------------------------------------------------------

/**
 * Erases the contact with this key and everything naming them, remembering their wamids' digests; must
 * run inside a transaction. Not-found when the store has no such contact.
 */
export async function forgetContact(sql: Sql, d: Dialect, key: string, now: number): Promise<ErasureRecord> {
  const k = { key };
  if ((await sql.get('SELECT 1 AS one FROM contacts WHERE wa_id = @key', k)) === undefined)
    throw notFound(`the store knows no contact ${key}`, { code: 'contact.not_found' });
  const ids = await identifierValues(sql, key);
  const list = { ids: d.list(ids) };
  // what must never be stored again: their wamids, their opt-outs' keys, the digests of raw parts naming them
  const forgotten = new Set<string>();
  for (const r of await sql.all<{ w: string }>(
    `SELECT wamid AS w FROM messages WHERE wa_id = @key
     UNION SELECT inbound_wamid FROM auto_replies WHERE wa_id = @key
     UNION SELECT outbound_wamid FROM auto_replies WHERE wa_id = @key AND outbound_wamid IS NOT NULL
     UNION SELECT wamid FROM status_events WHERE recipient_wa_id IN (SELECT v FROM ${d.values('ids')})
     UNION SELECT dedupe FROM contact_events WHERE wa_id = @key AND dedupe LIKE 'pref:%'`,
    { ...k, ...list },
  ))
    forgotten.add(r.w);
  const count = async (from: string, params: Record<string, unknown> = k) =>
    Number((await sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${from}`, params))!.n);
  const counts: ErasureCounts = {
    messages: await count('messages WHERE wa_id = @key'),
    media: await count(`messages WHERE wa_id = @key AND type IN ${MEDIA}`),
    statusEvents: 0,
    autoReplies: await count('auto_replies WHERE wa_id = @key'),
    labels: await count('contact_labels WHERE wa_id = @key'),
    notes: await count('notes WHERE wa_id = @key'),
    identifiers: await count('contact_ids WHERE wa_id = @key'),
    conversations: await count('conversations WHERE wa_id = @key'),
    rawEvents: 0,
    forgottenMessages: 0,
  };
  // raw parts (unknown message types, malformed events) that name them by any identifier: forgotten by
  // their digest (a hash of the part), so a redelivery does not store them again
  for (const id of ids)
    for (const r of await sql.all<{ digest: string }>(
      `DELETE FROM raw_events WHERE ${d.contains('payload', 'id')} RETURNING digest`,
      { id },
    )) {
      counts.rawEvents++;
      forgotten.add(r.digest);
    }
  const erasure = { id: randomUUID(), now };
  // first: the digests refer to it; its counts are written last
  await sql.run("INSERT INTO erasures (id, at, counts) VALUES (@id, @now, '{}')", erasure);
  for (const part of chunks([...forgotten])) {
    const p = { wamids: d.list(part) };
    counts.statusEvents += await sql.run(
      `DELETE FROM status_events WHERE wamid IN (SELECT v FROM ${d.values('wamids')})`,
      p,
    );
    counts.forgottenMessages += await sql.run(
      `INSERT INTO forgotten_messages (digest, erasure_id, created_at)
       SELECT v, CAST(@id AS TEXT), CAST(@now AS BIGINT) FROM ${d.values('digests')} WHERE true
       ON CONFLICT (digest) DO NOTHING`,
      { digests: d.list(part.map(forgottenDigest)), ...erasure },
    );
  }
  await sql.run('DELETE FROM auto_replies WHERE wa_id = @key', k);
  await sql.run('DELETE FROM messages WHERE wa_id = @key', k);
  // the contact's rows cascade: identifiers, events (merges, opt-outs), conversation, labels, notes
  await sql.run('DELETE FROM contacts WHERE wa_id = @key', k);
  await sql.run('UPDATE erasures SET counts = @counts WHERE id = @id', {
    id: erasure.id,
    counts: JSON.stringify(counts),
  });
  return { id: erasure.id, at: iso(now), counts };
}

/** SQL true when a wamid's digest is among the forgotten ones (`@digest`). */
export const FORGOTTEN_SQL = 'SELECT 1 AS one FROM forgotten_messages WHERE digest = @digest';
