// Campaigns in the store (migration 10), written once for both backends over ./sql.ts. A recipient's
// state is the promise of at-most-once: `sending` is committed before the API call, so after a crash
// a `sending` row is in doubt (`unknown`) and is never sent again by itself.
import { type SegmentNode, segmentSql } from '../core/segment.js';
import { time } from './rows.js';
import type { Sql, SqlDb } from './sql.js';
import type {
  CampaignCounts,
  CampaignOutcomes,
  CampaignRecipient,
  CampaignRecord,
  CampaignState,
  NewCampaign,
  RecipientSettlement,
  SegmentContact,
} from './store.js';

interface CampaignRow {
  id: number;
  name: string;
  template: string;
  language: string;
  category: string | null;
  definition: string;
  mapping: string;
  ref: string | null;
  rate: number;
  start_at: number | null;
  within_hours: number;
  state: CampaignState;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
}

interface RecipientRow {
  campaign_id: number;
  row_no: number;
  wa_id: string;
  values_json: string;
  state: CampaignRecipient['state'];
  reason: string | null;
  error_code: number | null;
  wamid: string | null;
  attempts: number;
  not_before: number | null;
  sent_at: number | null;
  updated_at: number;
}

const CAMPAIGN_COLUMNS = `id, name, template, language, category, definition, mapping, ref, rate, start_at,
  within_hours, state, lease_owner, lease_until, created_at, updated_at`;
const RECIPIENT_COLUMNS = `campaign_id, row_no, wa_id, values_json, state, reason, error_code, wamid, attempts,
  not_before, sent_at, updated_at`;
const SETTLE = `UPDATE campaign_recipients SET state = @state, wamid = @wamid, sent_at = @sentAt,
    not_before = @notBefore, error_code = @code, reason = @reason, updated_at = @now
  WHERE campaign_id = @id AND row_no = @row AND state = 'sending'`;
/** Recipients per INSERT: well under both drivers' parameter limits (SQLite 32766, PostgreSQL 65535). */
const INSERT_BATCH = 500;

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

function toCampaign(r: CampaignRow): CampaignRecord {
  return {
    id: r.id,
    name: r.name,
    template: r.template,
    language: r.language,
    category: r.category,
    definition: JSON.parse(r.definition) as unknown,
    mapping: JSON.parse(r.mapping) as unknown,
    ref: r.ref,
    rate: r.rate,
    startAt: date(r.start_at),
    withinHours: r.within_hours === 1,
    state: r.state,
    leaseOwner: r.lease_owner,
    leaseUntil: date(r.lease_until),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

function toRecipient(r: RecipientRow): CampaignRecipient {
  return {
    campaignId: r.campaign_id,
    row: r.row_no,
    waId: r.wa_id,
    values: JSON.parse(r.values_json) as unknown,
    state: r.state,
    reason: r.reason,
    errorCode: r.error_code,
    wamid: r.wamid,
    attempts: r.attempts,
    notBefore: date(r.not_before),
    sentAt: date(r.sent_at),
    updatedAt: new Date(r.updated_at),
  };
}

export class CampaignTables {
  readonly #db: SqlDb;

  constructor(db: SqlDb) {
    this.#db = db;
  }

  /** Stores a campaign and its recipients in one transaction; null when the name is taken. */
  async create(c: NewCampaign): Promise<CampaignRecord | null> {
    return this.#db.tx(async (sql) => {
      const now = this.#db.now();
      const row = await sql.get<CampaignRow>(
        `INSERT INTO campaigns (name, template, language, category, definition, mapping, ref, rate, start_at,
           within_hours, state, created_at, updated_at)
         VALUES (@name, @template, @language, @category, @definition, @mapping, @ref, @rate, @startAt,
           @withinHours, 'ready', @now, @now)
         ON CONFLICT (name) DO NOTHING RETURNING ${CAMPAIGN_COLUMNS}`,
        {
          name: c.name,
          template: c.template,
          language: c.language,
          category: c.category,
          definition: JSON.stringify(c.definition),
          mapping: JSON.stringify(c.mapping),
          ref: c.ref,
          rate: c.rate,
          startAt: c.startAt === null ? null : time(c.startAt, 'startAt'),
          withinHours: Number(c.withinHours),
          now,
        },
      );
      if (row === undefined) return null;
      for (let i = 0; i < c.recipients.length; i += INSERT_BATCH)
        await insertRecipients(sql, row.id, c.recipients.slice(i, i + INSERT_BATCH), now);
      return toCampaign(row);
    });
  }

  async get(name: string): Promise<CampaignRecord | null> {
    const row = await this.#db.get<CampaignRow>(
      `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE name = @name`,
      {
        name,
      },
    );
    return row === undefined ? null : toCampaign(row);
  }

  /** Newest first. */
  async list(): Promise<CampaignRecord[]> {
    const rows = await this.#db.all<CampaignRow>(
      `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns ORDER BY id DESC`,
    );
    return rows.map(toCampaign);
  }

  /** Moves a campaign to `to` when it is in one of `from`; false when it was not. */
  async setState(id: number, from: readonly CampaignState[], to: CampaignState): Promise<boolean> {
    const placeholders = from.map((_, i) => `@from${i}`).join(', ');
    return (
      (await this.#db.run(
        `UPDATE campaigns SET state = @to, updated_at = @now WHERE id = @id AND state IN (${placeholders})`,
        { id, to, now: this.#db.now(), ...Object.fromEntries(from.map((s, i) => [`from${i}`, s])) },
      )) > 0
    );
  }

  /**
   * Takes (or renews) the campaign's lease for `owner` until `until`, unless another owner holds an
   * unexpired one; who holds it afterwards.
   */
  async lease(id: number, owner: string, until: Date): Promise<{ held: boolean; owner: string | null }> {
    const now = this.#db.now();
    const taken = await this.#db.run(
      `UPDATE campaigns SET lease_owner = @owner, lease_until = @until, updated_at = @now
       WHERE id = @id AND (lease_owner IS NULL OR lease_owner = @owner OR lease_until < @now)`,
      { id, owner, until: time(until, 'until'), now },
    );
    if (taken > 0) return { held: true, owner };
    const row = await this.#db.get<{ lease_owner: string | null }>(
      'SELECT lease_owner FROM campaigns WHERE id = @id',
      { id },
    );
    return { held: false, owner: row?.lease_owner ?? null };
  }

  async release(id: number, owner: string): Promise<void> {
    await this.#db.run(
      'UPDATE campaigns SET lease_owner = NULL, lease_until = NULL WHERE id = @id AND lease_owner = @owner',
      { id, owner },
    );
  }

  /** After a crash: every `sending` recipient becomes `unknown` (the API may have accepted it). */
  async markInDoubt(id: number): Promise<number> {
    return this.#db.run(
      `UPDATE campaign_recipients SET state = 'unknown', reason = 'in doubt: the run stopped during the send',
         updated_at = @now
       WHERE campaign_id = @id AND state = 'sending'`,
      { id, now: this.#db.now() },
    );
  }

  /** `pending` recipients that may go at `at`, in row order. */
  async due(id: number, at: Date, limit: number): Promise<CampaignRecipient[]> {
    const rows = await this.#db.all<RecipientRow>(
      `SELECT ${RECIPIENT_COLUMNS} FROM campaign_recipients
       WHERE campaign_id = @id AND state = 'pending' AND coalesce(not_before, 0) <= @at
       ORDER BY row_no LIMIT @limit`,
      { id, at: time(at, 'at'), limit },
    );
    return rows.map(toRecipient);
  }

  /** When the next delayed `pending` recipient may go; null when none waits. */
  async nextDueAt(id: number): Promise<Date | null> {
    const row = await this.#db.get<{ at: number | null }>(
      `SELECT min(not_before) AS at FROM campaign_recipients WHERE campaign_id = @id AND state = 'pending'`,
      { id },
    );
    return date(row?.at ?? null);
  }

  /** `pending` → `sending`, committed before the API call; false when another run took it. */
  async claim(id: number, row: number): Promise<boolean> {
    return (await this.claimMany(id, [row])).length > 0;
  }

  /** claim for several recipients in one transaction; the rows claimed. */
  async claimMany(id: number, rows: readonly number[]): Promise<number[]> {
    if (rows.length === 0) return [];
    return this.#db.tx(async (sql) => {
      const now = this.#db.now();
      const claimed: number[] = [];
      for (const row of rows)
        if (
          (await sql.run(
            `UPDATE campaign_recipients SET state = 'sending', attempts = attempts + 1, updated_at = @now
             WHERE campaign_id = @id AND row_no = @row AND state = 'pending'`,
            { id, row, now },
          )) > 0
        )
          claimed.push(row);
      return claimed;
    });
  }

  /** settle for several recipients in one transaction. */
  async settleMany(
    id: number,
    outcomes: ReadonlyArray<{ row: number; outcome: RecipientSettlement }>,
  ): Promise<void> {
    if (outcomes.length === 0) return;
    await this.#db.tx(async (sql) => {
      for (const { row, outcome } of outcomes) await sql.run(SETTLE, this.#settleParams(id, row, outcome));
    });
  }

  /** Records what became of a claimed (`sending`) recipient. */
  async settle(id: number, row: number, outcome: RecipientSettlement): Promise<void> {
    await this.settleMany(id, [{ row, outcome }]);
  }

  /** Ties the conversations of recipients a send reached to the campaign's ref, as an inbound `link --ref` does. */
  async attribute(ref: string, waIds: readonly string[]): Promise<void> {
    if (waIds.length === 0) return;
    await this.#db.tx(async (sql) => {
      const now = this.#db.now();
      for (const waId of waIds)
        await sql.run('UPDATE conversations SET campaign = @ref, updated_at = @now WHERE wa_id = @waId', {
          ref,
          waId,
          now,
        });
    });
  }

  #settleParams(id: number, row: number, outcome: RecipientSettlement): Record<string, unknown> {
    return {
      id,
      row,
      now: this.#db.now(),
      state: outcome.state === 'retry' ? 'pending' : outcome.state,
      wamid: outcome.state === 'accepted' ? outcome.wamid : null,
      sentAt: outcome.state === 'accepted' ? time(outcome.at, 'at') : null,
      notBefore: outcome.state === 'retry' ? time(outcome.notBefore, 'notBefore') : null,
      code: outcome.state === 'accepted' ? null : outcome.code,
      reason: outcome.state === 'accepted' ? null : outcome.reason,
    };
  }

  /**
   * The in-doubt recipients a status webhook proved sent (their `biz_opaque_callback_data` names the
   * row) become `accepted`; the rest go back to `pending`, to be sent again. How many of each.
   */
  async resendUnknown(
    id: number,
    callbackOf: (row: number) => string,
  ): Promise<{ proven: number; resent: number }> {
    return this.#db.tx(async (sql) => {
      const now = this.#db.now();
      const unknown = await sql.all<{ row_no: number }>(
        `SELECT row_no FROM campaign_recipients WHERE campaign_id = @id AND state = 'unknown' ORDER BY row_no`,
        { id },
      );
      let proven = 0;
      for (const { row_no } of unknown) {
        // the callback is a JSON string in the status object Meta posted: matched with its quotes
        const status = await sql.get<{ wamid: string; timestamp: number }>(
          `SELECT wamid, timestamp FROM status_events WHERE payload LIKE @pattern ORDER BY id LIMIT 1`,
          { pattern: `%"biz_opaque_callback_data":${JSON.stringify(callbackOf(row_no))}%` },
        );
        if (status === undefined) continue;
        proven += await sql.run(
          `UPDATE campaign_recipients SET state = 'accepted', wamid = @wamid, sent_at = @at, reason = NULL,
             updated_at = @now WHERE campaign_id = @id AND row_no = @row`,
          { id, row: row_no, wamid: status.wamid, at: status.timestamp, now },
        );
      }
      const resent = await sql.run(
        `UPDATE campaign_recipients SET state = 'pending', reason = NULL, not_before = NULL, updated_at = @now
         WHERE campaign_id = @id AND state = 'unknown'`,
        { id, now },
      );
      return { proven, resent };
    });
  }

  /** The stored contacts a segment selects, oldest first: their key and phone (null for a BSUID only). */
  async segment(node: SegmentNode, at: Date): Promise<SegmentContact[]> {
    const { where, params } = segmentSql(node, at.getTime());
    const rows = await this.#db.all<{
      wa_id: string;
      phone: string | null;
      name: string | null;
      opted_out_at: number | null;
    }>(
      `SELECT c.wa_id, c.phone, c.name, c.opted_out_at FROM contacts c WHERE ${where}
       ORDER BY c.created_at, c.wa_id`,
      params,
    );
    return rows.map((r) => ({
      waId: r.wa_id,
      phone: r.phone,
      name: r.name,
      optedOut: r.opted_out_at !== null,
    }));
  }

  /** Every identifier (key and phone) of the contacts who stopped marketing messages. */
  async optedOut(): Promise<Set<string>> {
    const rows = await this.#db.all<{ wa_id: string; phone: string | null }>(
      'SELECT wa_id, phone FROM contacts WHERE opted_out_at IS NOT NULL',
    );
    const ids = new Set<string>();
    for (const r of rows) {
      ids.add(r.wa_id);
      if (r.phone !== null) ids.add(r.phone);
    }
    return ids;
  }

  async counts(id: number): Promise<CampaignCounts> {
    const counts: CampaignCounts = { pending: 0, sending: 0, accepted: 0, failed: 0, unknown: 0, skipped: 0 };
    for (const r of await this.#db.all<{ state: keyof CampaignCounts; n: number }>(
      'SELECT state, count(*) AS n FROM campaign_recipients WHERE campaign_id = @id GROUP BY state',
      { id },
    ))
      counts[r.state] = Number(r.n);
    return counts;
  }

  /** Recipients in row order after `afterRow`, at most `limit`. */
  async recipients(id: number, afterRow: number, limit: number): Promise<CampaignRecipient[]> {
    const rows = await this.#db.all<RecipientRow>(
      `SELECT ${RECIPIENT_COLUMNS} FROM campaign_recipients WHERE campaign_id = @id AND row_no > @afterRow
       ORDER BY row_no LIMIT @limit`,
      { id, afterRow, limit },
    );
    return rows.map(toRecipient);
  }

  /**
   * What became of the accepted messages: their delivery status, failures by error code, replies within
   * `replyWindowMs` of the send, opt-outs since, and the pricing category of each priced one.
   */
  async outcomes(id: number, replyWindowMs: number): Promise<CampaignOutcomes> {
    const statuses: Record<string, number> = {};
    for (const r of await this.#db.all<{ status: string; n: number }>(
      `SELECT m.status, count(*) AS n FROM campaign_recipients r JOIN messages m ON m.wamid = r.wamid
       WHERE r.campaign_id = @id GROUP BY m.status`,
      { id },
    ))
      statuses[r.status] = Number(r.n);
    const failures: Record<string, number> = {};
    for (const r of await this.#db.all<{ code: number | null; n: number }>(
      `SELECT error_code AS code, count(*) AS n FROM campaign_recipients
       WHERE campaign_id = @id AND state = 'failed' GROUP BY error_code`,
      { id },
    ))
      failures[String(r.code ?? 'none')] = Number(r.n);
    const replied = await this.#db.get<{ n: number }>(
      `SELECT count(*) AS n FROM campaign_recipients r WHERE r.campaign_id = @id AND r.sent_at IS NOT NULL
         AND EXISTS (SELECT 1 FROM messages m WHERE m.wa_id = r.wa_id AND m.direction = 'in'
           AND m.timestamp >= r.sent_at AND m.timestamp <= r.sent_at + @window)`,
      { id, window: replyWindowMs },
    );
    const optedOut = await this.#db.get<{ n: number }>(
      `SELECT count(*) AS n FROM campaign_recipients r JOIN contacts c ON c.wa_id = r.wa_id
       WHERE r.campaign_id = @id AND r.sent_at IS NOT NULL AND c.opted_out_at >= r.sent_at`,
      { id },
    );
    const priced: Record<string, number> = {};
    for (const r of await this.#db.all<{ category: string; n: number }>(
      `SELECT m.pricing_category AS category, count(*) AS n FROM campaign_recipients r
       JOIN messages m ON m.wamid = r.wamid
       WHERE r.campaign_id = @id AND m.pricing_category IS NOT NULL GROUP BY m.pricing_category`,
      { id },
    ))
      priced[r.category] = Number(r.n);
    return {
      statuses,
      failures,
      replied: Number(replied?.n ?? 0),
      optedOutSince: Number(optedOut?.n ?? 0),
      pricedByCategory: priced,
    };
  }
}

async function insertRecipients(
  sql: Sql,
  id: number,
  recipients: NewCampaign['recipients'],
  now: number,
): Promise<void> {
  if (recipients.length === 0) return;
  const params: Record<string, unknown> = { id, now };
  const values = recipients.map((r, i) => {
    params[`row${i}`] = r.row;
    params[`waId${i}`] = r.waId;
    params[`values${i}`] = JSON.stringify(r.values ?? null);
    params[`state${i}`] = r.skipped === undefined ? 'pending' : 'skipped';
    params[`reason${i}`] = r.skipped ?? null;
    return `(@id, @row${i}, @waId${i}, @values${i}, @state${i}, @reason${i}, @now)`;
  });
  await sql.run(
    `INSERT INTO campaign_recipients (campaign_id, row_no, wa_id, values_json, state, reason, updated_at)
     VALUES ${values.join(', ')}`,
    params,
  );
}
