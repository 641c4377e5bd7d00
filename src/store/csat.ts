// Customer satisfaction questions in the store (migration 11), written once for both backends over
// ./sql.ts. A question is claimed (taken_at, compare-and-set) before the API call, so receivers sharing
// a store send it once; one taken but never finished is skipped, not sent again.
import { time } from './rows.js';
import type { Sql, SqlDb } from './sql.js';
import type { CsatFilter, CsatOutcome, CsatRecord, CsatState } from './store.js';

interface CsatRow {
  id: number;
  wa_id: string;
  agent: string | null;
  resolved_at: number;
  due_at: number;
  state: CsatState;
  taken_at: number | null;
  asked_at: number | null;
  question_wamid: string | null;
  answer_wamid: string | null;
  answered_at: number | null;
  score: number | null;
  comment: string | null;
  reason: string | null;
}

const COLUMNS = `id, wa_id, agent, resolved_at, due_at, state, taken_at, asked_at, question_wamid, answer_wamid,
  answered_at, score, comment, reason`;

const date = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));

function toCsat(r: CsatRow): CsatRecord {
  return {
    id: Number(r.id),
    waId: r.wa_id,
    agent: r.agent,
    resolvedAt: new Date(Number(r.resolved_at)),
    dueAt: new Date(Number(r.due_at)),
    askedAt: date(r.asked_at),
    answeredAt: date(r.answered_at),
    score: r.score,
    comment: r.comment,
    state: r.state,
    reason: r.reason,
    questionWamid: r.question_wamid,
    answerWamid: r.answer_wamid,
    takenAt: date(r.taken_at),
  };
}

/**
 * What the webhook writers run inside their ingest transaction (same SQL on both stores). An answer counts
 * once, for a question still `asked` (a redelivery stores no message, and a second tap keeps the first).
 */
export const CSAT_INGEST_SQL = {
  answer: `UPDATE csat SET state = 'answered', score = @score, answered_at = @at, answer_wamid = @wamid,
      updated_at = @now
    WHERE id = @id AND wa_id = @waId AND state = 'asked'`,
  // the customer's first text after their answer, within the comment window (@since = @at - window)
  comment: `UPDATE csat SET comment = @text, comment_at = @at, comment_wamid = @wamid, updated_at = @now
    WHERE id = (SELECT max(id) FROM csat WHERE wa_id = @waId AND state = 'answered')
      AND comment IS NULL AND answered_at <= @at AND answered_at >= @since`,
  // an answer does not reopen the conversation it rates
  keepResolved: `UPDATE conversations SET status = 'resolved' WHERE wa_id = @waId`,
  merge: `UPDATE csat SET wa_id = @into WHERE wa_id = @from
    AND period NOT IN (SELECT period FROM csat WHERE wa_id = @into)`,
} as const;

export class CsatTables {
  readonly #db: SqlDb;

  constructor(db: SqlDb) {
    this.#db = db;
  }

  async schedule(waId: string, at: { resolvedAt: Date; dueAt: Date }): Promise<CsatRecord | null> {
    return this.#db.tx(async (sql) => {
      // the period: the customer's last message, answers and comments to earlier questions aside
      const period = await sql.get<{ period: number }>(
        `SELECT coalesce(max(m.timestamp), 0) AS period FROM messages m
         WHERE m.wa_id = @waId AND m.direction = 'in' AND NOT EXISTS (SELECT 1 FROM csat c
           WHERE c.wa_id = @waId AND (c.answer_wamid = m.wamid OR c.comment_wamid = m.wamid))`,
        { waId },
      );
      const now = this.#db.now();
      const row = await sql.get<CsatRow>(
        `INSERT INTO csat (wa_id, period, agent, resolved_at, due_at, state, created_at, updated_at)
         SELECT wa_id, CAST(@period AS BIGINT), assignee, CAST(@resolvedAt AS BIGINT), CAST(@dueAt AS BIGINT),
           'pending', CAST(@now AS BIGINT), CAST(@now AS BIGINT)
           FROM conversations WHERE wa_id = @waId
         ON CONFLICT (wa_id, period) DO NOTHING RETURNING ${COLUMNS}`,
        {
          waId,
          period: Number(period?.period ?? 0),
          resolvedAt: time(at.resolvedAt, 'resolvedAt'),
          dueAt: time(at.dueAt, 'dueAt'),
          now,
        },
      );
      return row === undefined ? null : toCsat(row);
    });
  }

  async due(at: Date, limit = 100): Promise<CsatRecord[]> {
    const rows = await this.#db.all<CsatRow>(
      `SELECT ${COLUMNS} FROM csat WHERE state = 'pending' AND due_at <= @at ORDER BY due_at, id LIMIT @limit`,
      { at: time(at, 'at'), limit },
    );
    return rows.map(toCsat);
  }

  async take(id: number, at: Date): Promise<boolean> {
    return (
      (await this.#db.run(
        `UPDATE csat SET taken_at = @at, updated_at = @now
         WHERE id = @id AND state = 'pending' AND taken_at IS NULL`,
        { id, at: time(at, 'at'), now: this.#db.now() },
      )) > 0
    );
  }

  async finish(id: number, outcome: CsatOutcome): Promise<boolean> {
    const at = time(outcome.at, 'at');
    const params = { id, at, now: this.#db.now() };
    const changed =
      outcome.state === 'asked'
        ? await this.#db.run(
            `UPDATE csat SET state = 'asked', asked_at = @at, question_wamid = @wamid, updated_at = @now
             WHERE id = @id AND state = 'pending'`,
            { ...params, wamid: outcome.wamid },
          )
        : await this.#db.run(
            `UPDATE csat SET state = 'skipped', reason = @reason, updated_at = @now
             WHERE id = @id AND state = 'pending'`,
            { ...params, reason: outcome.reason },
          );
    return changed > 0;
  }

  async list(filter: CsatFilter = {}): Promise<CsatRecord[]> {
    return listCsat(this.#db, filter);
  }
}

/** The questions a filter selects, oldest resolution first (also for `contact export`, in its transaction). */
export async function listCsat(sql: Sql, filter: CsatFilter = {}): Promise<CsatRecord[]> {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.since !== undefined) {
    where.push('resolved_at >= @since');
    params.since = time(filter.since, 'since');
  }
  if (filter.agent !== undefined) {
    where.push('agent = @agent');
    params.agent = filter.agent;
  }
  if (filter.waId !== undefined) {
    where.push('wa_id = @waId');
    params.waId = filter.waId;
  }
  const rows = await sql.all<CsatRow>(
    `SELECT ${COLUMNS} FROM csat ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY resolved_at, id`,
    params,
  );
  return rows.map(toCsat);
}
