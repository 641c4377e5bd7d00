// The kept conversation values of ./sqlite-conversation-state.ts on PostgreSQL: the same definitions in the
// postgres dialect, recomputed in the caller's transaction.
import type { PgDb, Sql } from './postgres-db.js';
import {
  type DriftRows,
  driftOf,
  driftSql,
  labelOrderSql,
  recomputeSql,
} from './sqlite-conversation-state.js';
import type { ConversationDrift } from './store.js';

const REFRESH = {
  all: recomputeSql('c.wa_id = @waId', undefined, 'postgres'),
  response: recomputeSql('c.wa_id = @waId', ['response_at', 'response_awaited_since'], 'postgres'),
} as const;

const DRIFT = driftSql('postgres');

/** Recomputes one conversation's kept values: all (a merge, a person's send that failed or recovered), or the response ones a late message moves. */
export async function refreshConversation(
  sql: Sql,
  waId: string,
  fields: 'all' | 'response' = 'all',
): Promise<void> {
  await sql.run(REFRESH[fields], { waId });
}

/**
 * Every kept value that differs from its recomputation, every contact with messages but no conversation,
 * and every label row out of its conversation's place. Reads every conversation: `wabox db check`.
 */
export async function conversationDrift(sql: Sql): Promise<ConversationDrift[]> {
  return driftOf({
    kept: await sql.all<DriftRows['kept'][number]>(DRIFT.kept),
    orphans: await sql.all<DriftRows['orphans'][number]>(DRIFT.orphans),
    labels: await sql.all<DriftRows['labels'][number]>(DRIFT.labels),
  });
}

/** Creates the missing conversations and recomputes every kept value that drifted, in one transaction; what it fixed. */
export function repairConversations(db: PgDb, now: number): Promise<ConversationDrift[]> {
  return db.tx(async (sql) => {
    const drift = await conversationDrift(sql);
    for (const waId of new Set(drift.map((d) => d.waId))) {
      await sql.run(
        `INSERT INTO conversations (wa_id, created_at, updated_at) VALUES (@waId, @now, @now)
         ON CONFLICT (wa_id) DO NOTHING`,
        { waId, now },
      );
      await refreshConversation(sql, waId);
    }
    const labels = drift.filter((d) => d.field === 'label_order').map((d) => d.waId);
    if (labels.length > 0) await sql.run(labelOrderSql('l.wa_id = ANY(@ids::text[])'), { ids: labels });
    return drift;
  });
}
