// The write side of the PostgreSQL store: ./sqlite-webhook.ts on a pool that several receivers share.
//
// Each event is stored once whichever receiver gets it first: every insert of an event is ON CONFLICT DO
// NOTHING on its unique key (a receiver whose twin insert is not committed yet waits for it), contacts are
// locked by identifier (./postgres-contacts.ts), and assignment takes one lock for the whole store. A batch
// is one transaction, retried by PgDb.tx when two batches deadlock; when a POST fails, the batch is written
// again with a savepoint per POST, leaving the failing one out. The usual batch, customers' messages only,
// is first offered to the server-side function ingest_inbound (migrations 12, 13) in one statement.
import { type AssignPolicy, eligibleAgents, pickAgent } from '../core/assign.js';
import type { ContactFacts } from '../core/autoreply.js';
import { isStopKeyword, MAX_KEYWORD_LENGTH } from '../core/contact-id.js';
import { CSAT_COMMENT_WINDOW_MS, csatAnswerOf } from '../core/csat.js';
import { CSAT_INGEST_SQL } from './csat.js';
import { FORGOTTEN_SQL, forgottenDigest } from './keep.js';
import { PgContacts } from './postgres-contacts.js';
import { refreshConversation } from './postgres-conversation-state.js';
import { isUnreachable, type PgDb, type Sql, sqlState } from './postgres-db.js';
import {
  AGENT_COLUMNS,
  type AgentRow,
  type AutoReplyRow,
  identityOf,
  idsOf,
  json,
  time,
  toAgent,
  toAutoReply,
} from './rows.js';
import {
  LAST_ASSIGNED_SETTING,
  MARKETING_STOPPED,
  MESSAGE_STATUSES,
  RANK,
  REASSIGN_SQL,
  rawEventRow,
  stopKeywordsOf,
} from './sqlite-webhook.js';
import type {
  AutoReplyOutcome,
  AutoReplyRecord,
  InboundRecord,
  IngestResult,
  OutboundRecord,
  PreferenceRecord,
  RawEventRecord,
  Reassigned,
  StatusRecord,
  WebhookPost,
} from './store.js';
import { STOP_KEYWORDS_SETTING } from './store.js';

// SQLite's statements (./sqlite-webhook.ts) in PostgreSQL: its two-argument max/min are GREATEST/LEAST
// (their arguments are never NULL here), `IS NOT` is IS DISTINCT FROM, and an ON CONFLICT update names the
// table's columns (unqualified they are ambiguous with EXCLUDED's).
const SQL = {
  insertInbound: `INSERT INTO messages (wamid, direction, wa_id, type, text, payload, timestamp, status, status_at,
      reply_to, phone_number_id, created_at)
    VALUES (@id, 'in', @waId, @type, @text, @payload, @at, 'received', @at, @replyTo, @phoneNumberId, @now)
    ON CONFLICT (wamid) DO NOTHING
    RETURNING seq`,
  seenContact: `INSERT INTO contacts AS t (wa_id, name, first_seen_at, created_at, updated_at)
    VALUES (@waId, @name, @at, @now, @now)
    ON CONFLICT (wa_id) DO UPDATE SET
      name = coalesce(EXCLUDED.name, t.name),
      first_seen_at = LEAST(coalesce(t.first_seen_at, EXCLUDED.first_seen_at), EXCLUDED.first_seen_at),
      updated_at = EXCLUDED.updated_at
    WHERE (EXCLUDED.name IS NOT NULL AND EXCLUDED.name IS DISTINCT FROM t.name)
      OR t.first_seen_at IS NULL OR EXCLUDED.first_seen_at < t.first_seen_at`,
  inboundConversation: `INSERT INTO conversations AS t (wa_id, campaign, referral, last_inbound_at, last_message_at,
      last_seq, unread, awaiting_since, created_at, updated_at)
    VALUES (@waId, @campaign, @referral, @at, @at, @seq, 1, @at, @now, @now)
    ON CONFLICT (wa_id) DO UPDATE SET
      campaign = coalesce(EXCLUDED.campaign, t.campaign),
      referral = coalesce(EXCLUDED.referral, t.referral),
      last_inbound_at = GREATEST(coalesce(t.last_inbound_at, EXCLUDED.last_inbound_at), EXCLUDED.last_inbound_at),
      last_seq = CASE WHEN t.last_message_at IS NULL OR EXCLUDED.last_message_at >= t.last_message_at
        THEN EXCLUDED.last_seq ELSE t.last_seq END,
      last_message_at = GREATEST(coalesce(t.last_message_at, EXCLUDED.last_message_at), EXCLUDED.last_message_at),
      unread = t.unread + 1,
      awaiting_since = CASE WHEN EXCLUDED.awaiting_since > coalesce(t.last_answer_at, -1)
        THEN LEAST(coalesce(t.awaiting_since, EXCLUDED.awaiting_since), EXCLUDED.awaiting_since)
        ELSE t.awaiting_since END,
      status = 'open',
      updated_at = EXCLUDED.updated_at
    RETURNING t.last_answer_at`,
  insertOutbound: `INSERT INTO messages (wamid, direction, wa_id, type, text, payload, timestamp, status, status_at,
      error, reply_to, reason, phone_number_id, created_at)
    VALUES (@id, 'out', @waId, @type, @text, @payload, @at, @status, @at, @error, @replyTo, @reason,
      @phoneNumberId, @now)
    ON CONFLICT (wamid) DO NOTHING
    RETURNING seq`,
  outboundConversation: `INSERT INTO conversations AS t (wa_id, last_outbound_at, last_message_at, last_seq,
      created_at, updated_at)
    VALUES (@waId, @at, @at, @seq, @now, @now)
    ON CONFLICT (wa_id) DO UPDATE SET
      last_outbound_at = GREATEST(coalesce(t.last_outbound_at, EXCLUDED.last_outbound_at), EXCLUDED.last_outbound_at),
      last_seq = CASE WHEN t.last_message_at IS NULL OR EXCLUDED.last_message_at >= t.last_message_at
        THEN EXCLUDED.last_seq ELSE t.last_seq END,
      last_message_at = GREATEST(coalesce(t.last_message_at, EXCLUDED.last_message_at), EXCLUDED.last_message_at),
      updated_at = EXCLUDED.updated_at`,
  answered: `UPDATE conversations SET
      response_awaited_since = CASE WHEN awaiting_since <= @at::bigint THEN awaiting_since ELSE response_awaited_since END,
      response_at = CASE WHEN awaiting_since <= @at::bigint THEN @at::bigint ELSE response_at END,
      awaiting_since = CASE WHEN awaiting_since IS NULL OR awaiting_since > @at::bigint THEN awaiting_since
        ELSE (SELECT min(timestamp) FROM messages
          WHERE wa_id = @waId AND direction = 'in' AND timestamp > @at::bigint) END,
      last_answer_at = @at::bigint
    WHERE wa_id = @waId AND coalesce(last_answer_at, -1) < @at::bigint`,
  messageStatus: 'SELECT status FROM messages WHERE wamid = @id',
  conversationState: 'SELECT status, assignee FROM conversations WHERE wa_id = @waId',
  agents: `SELECT ${AGENT_COLUMNS} FROM agents ORDER BY name COLLATE "C"`,
  // two receivers assigning at once would both read the same `assign.last` (or open counts)
  assignLock: "SELECT pg_advisory_xact_lock(hashtext('wabox.assign'))",
  openCounts: `SELECT assignee, count(*) AS n FROM conversations
    WHERE assignee IS NOT NULL AND status = 'open' GROUP BY assignee`,
  assignTo: `UPDATE conversations SET assignee = @agent, updated_at = @now
    WHERE wa_id = @waId AND assignee IS NULL`,
  statusEventsOf: 'SELECT status, timestamp, error FROM status_events WHERE wamid = @id ORDER BY id',
  insertStatus: `INSERT INTO status_events (wamid, status, timestamp, recipient_wa_id, error, payload, pricing,
      received_at)
    VALUES (@id, @status, @at, @waId, @error, @payload, @pricing, @now)
    ON CONFLICT (wamid, status) DO NOTHING`,
  // the latest status that carried pricing decides (they agree; a later read may carry none)
  pricing: `UPDATE messages SET
      (pricing_model, pricing_type, pricing_category) = (SELECT pricing::jsonb ->> 'model',
        pricing::jsonb ->> 'type', pricing::jsonb ->> 'category'
        FROM status_events WHERE wamid = @id AND pricing IS NOT NULL ORDER BY timestamp DESC, id DESC LIMIT 1)
    WHERE wamid = @id AND direction = 'out'
      AND EXISTS (SELECT 1 FROM status_events WHERE wamid = @id AND pricing IS NOT NULL)`,
  sentMessage: "SELECT wa_id, status, reason FROM messages WHERE wamid = @id AND direction = 'out'",
  advanceStatus: `UPDATE messages SET status = @status::text, status_at = @at::bigint,
      error = CASE WHEN @status::text = 'failed' THEN coalesce(@error::text, error) ELSE error END
    WHERE wamid = @id AND direction = 'out' AND ${RANK('status')} < ${RANK('@status::text')}`,
  insertRaw: `INSERT INTO raw_events (field, reason, payload, digest, received_at)
    VALUES (@field, @reason, @payload, @digest, @now) ON CONFLICT (digest) DO NOTHING`,
  previousInbound: `SELECT max(timestamp) AS at FROM messages
    WHERE wa_id = @waId AND direction = 'in' AND wamid <> @id AND timestamp <= @at`,
  lastAgentReply: 'SELECT last_answer_at AS at FROM conversations WHERE wa_id = @waId',
  lastAwayPeriod: `SELECT rule FROM auto_replies
    WHERE wa_id = @waId AND kind = 'away' AND state IN ('pending', 'sent', 'dry-run') ORDER BY id DESC LIMIT 1`,
  handoffAt: 'SELECT handoff_at AS at FROM conversations WHERE wa_id = @waId',
  handoff: `UPDATE conversations SET handoff_at = coalesce(handoff_at, @at::bigint), updated_at = @now
    WHERE wa_id = @waId`,
  claim: `INSERT INTO auto_replies (inbound_wamid, wa_id, kind, reason, rule, state, created_at, updated_at)
    VALUES (@inboundWamid, @waId, @kind, @reason, @rule, @state, @now, @now)
    ON CONFLICT (inbound_wamid, reason) DO NOTHING
    RETURNING id`,
  // a claim is taken when updated_at moves past created_at (see takeAutoReply); a second taker's UPDATE
  // waits for the first and then finds the row no longer matching
  take: `UPDATE auto_replies SET updated_at = GREATEST(@at::bigint, created_at + 1)
    WHERE id = @id AND state = 'pending' AND updated_at = created_at`,
  finish: `UPDATE auto_replies SET state = @state, outbound_wamid = @outbound, error = @error,
      updated_at = GREATEST(@at::bigint, updated_at) WHERE id = @id AND state = 'pending'`,
  pending: `SELECT id, inbound_wamid, wa_id, kind, reason, rule, state, created_at, updated_at
    FROM auto_replies WHERE state = 'pending' ORDER BY id`,
  getSetting: 'SELECT value FROM settings WHERE key = @key',
  forgotten: FORGOTTEN_SQL,
  setSetting: `INSERT INTO settings (key, value, updated_at) VALUES (@key, @value, @now)
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
  // the migration's function: the customers' messages of a batch in one statement (see #inOneCall)
  ingestInbound: 'SELECT ingest_inbound(@batch::json, @stopKey::text, @stopValue::text) AS keys',
} as const;

type Changes = Pick<IngestResult, 'merges' | 'optOuts'>;

/** Where a record's contact changes go when the caller does not collect them. */
const sink = (): Changes => ({ merges: [], optOuts: [] });

/** A failure of the batch as a whole, not of one POST: the database is gone, or deadlocks outlasted the retries. */
function failsTheBatch(error: unknown): boolean {
  const state = sqlState(error);
  return isUnreachable(error) || state === '40P01' || state === '40001';
}

export class PgWebhookWriter {
  readonly #db: PgDb;
  readonly contacts = new PgContacts();
  readonly #stopWords = new WeakMap<Sql, Promise<readonly string[]>>();
  #stopSetting: { value: string | null; words: readonly string[] } | undefined;

  constructor(db: PgDb) {
    this.#db = db;
  }

  /**
   * Writes the batch in one transaction and commits it; one result per POST, in order: a POST whose write
   * failed gets its error, the others are stored. Rejects only when the batch cannot be written at all
   * (the connection, deadlocks that outlasted the retries): then nothing is stored.
   */
  async ingest(posts: readonly WebhookPost[]): Promise<Array<IngestResult | { error: unknown }>> {
    const done = await this.#inOneCall(posts);
    if (done !== undefined) return done;
    try {
      return await this.#db.tx(async (sql) => {
        const results: IngestResult[] = [];
        for (const post of posts) results.push(await this.#ingestOne(sql, post));
        return results;
      });
    } catch (error) {
      if (failsTheBatch(error)) throw error;
      if (posts.length === 1) return [{ error }];
    }
    // a POST failed and took the batch with it: again, each POST in its own savepoint
    return this.#db.tx(async (sql) => {
      const results: Array<IngestResult | { error: unknown }> = [];
      for (const post of posts) {
        await sql.run('SAVEPOINT wabox_post');
        try {
          results.push(await this.#ingestOne(sql, post));
          await sql.run('RELEASE SAVEPOINT wabox_post');
        } catch (error) {
          if (failsTheBatch(error)) throw error;
          await sql.run('ROLLBACK TO SAVEPOINT wabox_post');
          results.push({ error });
        }
      }
      return results;
    });
  }

  /**
   * A batch of customers' messages and nothing else (no links, assignment or automatic replies) in one
   * statement, committed on its own: the function ingest_inbound runs #ingestOne's statements for the
   * common case on the server, a round trip per batch instead of several per message. Undefined when the
   * batch is of another kind, or the function gave it back (nothing kept): the caller writes it as usual.
   */
  async #inOneCall(posts: readonly WebhookPost[]): Promise<IngestResult[] | undefined> {
    const messages: object[] = [];
    let stop: { value: string | null } | undefined;
    try {
      const short: string[] = [];
      for (const post of posts) {
        if (post.echoes.length + post.statuses.length + post.raw.length > 0) return undefined;
        if (post.links?.length || post.preferences?.length || post.assign || post.decide) return undefined;
        const now = time(post.receivedAt, 'receivedAt');
        for (const m of post.inbound) {
          const identity = { ...identityOf(m.waId), ...m.identity };
          if (m.linkTo || identity.username != null || m.text === undefined) return undefined;
          if (csatAnswerOf(m.payload) !== null) return undefined;
          const ids = idsOf(identity);
          const values = ids.map(([, value]) => value);
          if (m.type === 'text' && m.text !== null && m.text.length <= MAX_KEYWORD_LENGTH) short.push(m.text);
          messages.push({
            id: m.id,
            digest: forgottenDigest(m.id),
            kinds: ids.map(([kind]) => kind),
            vals: values,
            locks: [...new Set(values)].sort(),
            phone: identity.phone ?? null,
            user_id: identity.userId ?? null,
            parent_user_id: identity.parentUserId ?? null,
            name: m.name ?? null,
            msg_type: m.type,
            msg_text: m.text,
            payload: json(m.payload),
            ts: time(m.timestamp, 'timestamp'),
            reply_to: m.replyTo ?? null,
            phone_number_id: m.phoneNumberId ?? null,
            campaign: m.ref ?? null,
            referral: json(m.referral),
            now,
            // a text within the comment window of an answer takes the general way (#csat)
            csat_since:
              m.type === 'text' && m.text ? time(m.timestamp, 'timestamp') - CSAT_COMMENT_WINDOW_MS : null,
          });
        }
      }
      if (short.length > 0) {
        // a stop keyword opts the contact out: that message takes the general way
        const setting = await this.#stopSettingRead();
        if (short.some((text) => isStopKeyword(text, setting.words))) return undefined;
        stop = setting;
      }
      if (messages.length === 0) return undefined;
    } catch {
      return undefined; // a bad time, an unreadable setting: the general way reports it
    }
    let keys: Array<string | null>;
    try {
      const row = await this.#db.get<{ keys: Array<string | null> }>(SQL.ingestInbound, {
        batch: JSON.stringify(messages),
        // the words checked above must still be the stored ones
        stopKey: stop ? STOP_KEYWORDS_SETTING : null,
        stopValue: stop?.value ?? null,
      });
      keys = row!.keys;
    } catch (error) {
      if (isUnreachable(error)) throw error;
      if (sqlState(error) === 'WB002') this.#stopSetting = undefined;
      return undefined;
    }
    let next = 0;
    return posts.map((post) => {
      const result: IngestResult = {
        ...sink(),
        newInbound: [],
        duplicates: 0,
        claims: [],
        handoffs: [],
        accountEvents: [],
      };
      for (const m of post.inbound) {
        if (keys[next++] === null) result.duplicates++;
        else result.newInbound.push(m.id);
      }
      return result;
    });
  }

  /** The stop keywords setting as stored (null: unset) and its words, read once and checked by ingest_inbound. */
  async #stopSettingRead(): Promise<{ value: string | null; words: readonly string[] }> {
    if (this.#stopSetting === undefined) {
      const row = await this.#db.get<{ value: string }>(SQL.getSetting, { key: STOP_KEYWORDS_SETTING });
      const value = row?.value ?? null;
      this.#stopSetting = { value, words: stopKeywordsOf(value === null ? undefined : JSON.parse(value)) };
    }
    return this.#stopSetting;
  }

  async #ingestOne(sql: Sql, post: WebhookPost): Promise<IngestResult> {
    const now = time(post.receivedAt, 'receivedAt');
    const result: IngestResult = {
      newInbound: [],
      duplicates: 0,
      claims: [],
      handoffs: [],
      merges: [],
      optOuts: [],
      accountEvents: [],
    };
    for (const identity of post.links ?? [])
      await this.contacts.resolve(sql, identity, now, {
        create: false,
        why: 'contacts',
        merges: result.merges,
      });
    for (const message of post.inbound) {
      const assignable = post.assign !== undefined && (await this.#assignable(sql, message));
      const answer = csatAnswerOf(message.payload);
      const resolved = answer !== null && (await this.#resolved(sql, message));
      const waId = await this.inbound(sql, message, now, result);
      if (waId === null) {
        result.duplicates++;
        continue;
      }
      if (assignable) await this.#assign(sql, post.assign!, waId, message.timestamp, now);
      result.newInbound.push(message.id);
      // a rating or its comment gets no automatic reply (no away message for a 😀 at night)
      if (await this.#csat(sql, message, waId, answer, resolved, now)) continue;
      const plan = post.decide?.({ ...message, waId }, await this.#facts(sql, { ...message, waId }));
      if (!plan) continue;
      for (const reply of plan.replies) {
        const claim = {
          inboundWamid: message.id,
          waId,
          kind: reply.kind,
          reason: reply.reason,
          rule: reply.rule,
          state: plan.state,
        };
        const row = await sql.get<{ id: number }>(SQL.claim, { ...claim, now });
        if (row === undefined) continue; // already claimed: never twice
        result.claims.push({ id: row.id, ...claim, createdAt: new Date(now).toISOString(), takenAt: null });
      }
      if (plan.handoff) {
        await sql.run(SQL.handoff, { waId, at: time(message.timestamp, 'timestamp'), now });
        result.handoffs.push(waId);
      }
    }
    for (const echo of post.echoes) {
      if (!(await this.outbound(sql, echo, 'sent', now, result))) result.duplicates++;
    }
    for (const status of post.statuses) {
      if (!(await this.status(sql, status, now, result))) result.duplicates++;
    }
    for (const preference of post.preferences ?? []) {
      if (!(await this.#preference(sql, preference, now, result))) result.duplicates++;
    }
    for (const raw of post.raw) {
      if (!(await this.#raw(sql, raw, now))) result.duplicates++;
      else if (raw.reason === 'field') result.accountEvents.push(raw.field);
    }
    return result;
  }

  async #preference(sql: Sql, p: PreferenceRecord, now: number, result: Changes): Promise<boolean> {
    if (p.category !== 'marketing_messages' || (p.value !== 'stop' && p.value !== 'resume')) return true;
    const at = time(p.timestamp, 'timestamp');
    const who = p.identity.userId ?? p.identity.phone ?? p.identity.parentUserId;
    const dedupe = `pref:${who}:${p.value}:${at}`;
    // an opt-out of a forgotten contact, redelivered: it must not bring them back
    if (await this.#forgotten(sql, dedupe)) return false;
    const key = await this.contacts.resolve(sql, p.identity, now, {
      create: true,
      why: 'user_preferences',
      merges: result.merges,
    });
    if (key === null) return true;
    return this.#optOut(sql, key, p.value === 'stop', 'user_preferences', at, dedupe, now, result, {
      category: p.category,
      detail: p.detail ?? null,
    });
  }

  /** Records an opt-out change; false for a redelivery. */
  async #optOut(
    sql: Sql,
    key: string,
    optedOut: boolean,
    source: string,
    at: number,
    dedupe: string,
    now: number,
    result: Pick<IngestResult, 'optOuts'>,
    detail?: Record<string, unknown>,
  ): Promise<boolean> {
    const done = await this.contacts.setOptOut(
      sql,
      key,
      { optedOut, source, at, dedupe, ...(detail ? { detail } : {}) },
      now,
    );
    if (done.changed) result.optOuts.push({ waId: key, optedOut, source });
    return done.logged;
  }

  /** A send to the contact failed with 131050: they stopped marketing messages. */
  async #marketingStopped(
    sql: Sql,
    key: string,
    wamid: string,
    at: number,
    now: number,
    result: Pick<IngestResult, 'optOuts'>,
  ): Promise<void> {
    const source = `error:${MARKETING_STOPPED}`;
    await this.#optOut(sql, key, true, source, at, `${source}:${wamid}`, now, result, { wamid });
  }

  /** True when the message's conversation is resolved (read before it is stored). */
  async #resolved(sql: Sql, m: InboundRecord): Promise<boolean> {
    const row = await sql.get<{ status: string }>(SQL.conversationState, {
      waId: await this.contacts.keyOf(sql, m.waId),
    });
    return row?.status === 'resolved';
  }

  /**
   * A satisfaction answer, or the comment that follows one, recorded on the contact's question; true when
   * the message is one of them (a reply to a question, recorded or not, or a comment recorded).
   */
  async #csat(
    sql: Sql,
    m: InboundRecord,
    waId: string,
    answer: ReturnType<typeof csatAnswerOf>,
    resolved: boolean,
    now: number,
  ): Promise<boolean> {
    const at = time(m.timestamp, 'timestamp');
    if (answer !== null) {
      const p = { id: answer.questionId, score: answer.score, at, wamid: m.id, waId, now };
      if ((await sql.run(CSAT_INGEST_SQL.answer, p)) > 0 && resolved)
        await sql.run(CSAT_INGEST_SQL.keepResolved, { waId });
      return true;
    }
    if (m.type !== 'text' || !m.text) return false;
    const since = at - CSAT_COMMENT_WINDOW_MS;
    return (await sql.run(CSAT_INGEST_SQL.comment, { text: m.text, at, wamid: m.id, waId, now, since })) > 0;
  }

  /** True when the message's conversation, if any, is resolved or unassigned (read before it is stored). */
  async #assignable(sql: Sql, m: InboundRecord): Promise<boolean> {
    const row = await sql.get<{ status: string; assignee: string | null }>(SQL.conversationState, {
      waId: await this.contacts.keyOf(sql, m.waId),
    });
    return row === undefined || row.status === 'resolved' || row.assignee === null;
  }

  /** As SqliteWebhookWriter.reassign: `from`'s open conversations to the agents the policy picks, in one transaction. */
  async reassign(from: string, policy: AssignPolicy, at: Date): Promise<Reassigned[]> {
    return this.#db.tx(async (sql) => {
      const now = this.#db.now();
      await sql.run(SQL.assignLock);
      const waIds = (await sql.all<{ wa_id: string }>(REASSIGN_SQL.assignedOpen, { agent: from })).map(
        (r) => r.wa_id,
      );
      await sql.run(REASSIGN_SQL.unassignFrom, { agent: from, now });
      const reassigned: Reassigned[] = [];
      for (const waId of waIds) {
        if (policy !== 'manual') await this.#assign(sql, policy, waId, at, now);
        const row = await sql.get<{ assignee: string | null }>(SQL.conversationState, { waId });
        reassigned.push({ waId, assignee: row!.assignee });
      }
      return reassigned;
    });
  }

  /** Gives an unassigned conversation to the agent the policy picks (none available: it stays unassigned). */
  async #assign(
    sql: Sql,
    policy: 'round-robin' | 'least-open',
    waId: string,
    at: Date,
    now: number,
  ): Promise<void> {
    await sql.run(SQL.assignLock);
    const eligible = eligibleAgents((await sql.all<AgentRow>(SQL.agents)).map(toAgent), at);
    const open = new Map<string, number>();
    if (policy === 'least-open')
      for (const row of await sql.all<{ assignee: string; n: number }>(SQL.openCounts))
        open.set(row.assignee, row.n);
    const last = await this.getSetting(sql, LAST_ASSIGNED_SETTING);
    const agent = pickAgent(policy, eligible, typeof last === 'string' ? last : null, open);
    if (agent === null) return;
    if ((await sql.run(SQL.assignTo, { waId, agent, now })) > 0 && policy === 'round-robin')
      await sql.run(SQL.setSetting, { key: LAST_ASSIGNED_SETTING, value: JSON.stringify(agent), now });
  }

  /**
   * Stores a customer's message on its contact (found by any identifier it carries, merged with the
   * contact of the identifiers it links); the contact's key, or null when its wamid is known.
   */
  async inbound(sql: Sql, m: InboundRecord, now: number, result: Changes = sink()): Promise<string | null> {
    if (await this.#forgotten(sql, m.id)) return null;
    const at = time(m.timestamp, 'timestamp');
    const identity = { ...identityOf(m.waId), ...m.identity };
    const why = m.linkTo
      ? m.type === 'system'
        ? 'number or user id changed'
        : 'shared phone number'
      : 'message';
    const waId = (await this.contacts.resolve(sql, m.linkTo ? [identity, m.linkTo] : identity, now, {
      create: true,
      why,
      merges: result.merges,
    }))!;
    await sql.run(SQL.seenContact, { waId, name: m.name ?? null, at, now });
    const inserted = await sql.get<{ seq: number }>(SQL.insertInbound, {
      id: m.id,
      waId,
      type: m.type,
      text: m.text,
      payload: json(m.payload),
      at,
      replyTo: m.replyTo ?? null,
      phoneNumberId: m.phoneNumberId ?? null,
      now,
    });
    if (inserted === undefined) return null;
    const kept = (await sql.get<{ last_answer_at: number | null }>(SQL.inboundConversation, {
      waId,
      campaign: m.ref ?? null,
      referral: json(m.referral),
      at,
      seq: inserted.seq,
      now,
    }))!;
    // a late message, older than an answer, moves which answer ended which wait
    if (kept.last_answer_at !== null && at <= kept.last_answer_at)
      await refreshConversation(sql, waId, 'response');
    const short = m.type === 'text' && m.text !== null && m.text.length <= MAX_KEYWORD_LENGTH;
    if (short && isStopKeyword(m.text!, await this.#stopKeywords(sql)))
      await this.#optOut(sql, waId, true, 'keyword', at, `keyword:${m.id}`, now, result, {
        wamid: m.id,
        text: m.text,
      });
    return waId;
  }

  /** Stores an outbound message (a send, an echo, an automatic reply); false when its wamid is known. */
  async outbound(
    sql: Sql,
    m: OutboundRecord,
    status: string,
    now: number,
    result: Changes = sink(),
  ): Promise<boolean> {
    if (await this.#forgotten(sql, m.id)) return false;
    const at = time(m.timestamp, 'timestamp');
    const waId = (await this.contacts.resolve(sql, { ...identityOf(m.waId), ...m.identity }, now, {
      create: true,
      why: 'message',
      merges: result.merges,
    }))!;
    const inserted = await sql.get<{ seq: number }>(SQL.insertOutbound, {
      id: m.id,
      waId,
      type: m.type,
      text: m.text,
      payload: json(m.payload),
      at,
      status,
      error: json(m.error ?? null),
      replyTo: m.replyTo ?? null,
      reason: m.reason ?? null,
      phoneNumberId: m.phoneNumberId ?? null,
      now,
    });
    if (inserted === undefined) return false;
    await sql.run(SQL.outboundConversation, { waId, at, seq: inserted.seq, now });
    if (m.error?.code === MARKETING_STOPPED) await this.#marketingStopped(sql, waId, m.id, at, now, result);
    // statuses the webhook delivered before the message was recorded still count
    const events = await sql.all<{ status: string; timestamp: number; error: string | null }>(
      SQL.statusEventsOf,
      { id: m.id },
    );
    for (const e of events)
      await sql.run(SQL.advanceStatus, { id: m.id, status: e.status, at: e.timestamp, error: e.error });
    if (events.length > 0) await sql.run(SQL.pricing, { id: m.id });
    const final =
      events.length === 0
        ? status
        : (await sql.get<{ status: string }>(SQL.messageStatus, { id: m.id }))!.status;
    if (m.reason == null && final !== 'failed' && (await sql.run(SQL.answered, { waId, at })) === 0) {
      // an answer older than the latest one may have ended an earlier wait instead
      const latest = await sql.get<{ at: number | null }>(SQL.lastAgentReply, { waId });
      if (latest?.at != null && at < latest.at) await refreshConversation(sql, waId);
    }
    return true;
  }

  /** Stores a status once per (wamid, status) and moves the message forward; false for a redelivery. */
  async status(sql: Sql, s: StatusRecord, now: number, result: Changes = sink()): Promise<boolean> {
    if (await this.#forgotten(sql, s.id)) return false;
    const at = time(s.timestamp, 'timestamp');
    const error = json(s.error ?? null);
    const inserted = await sql.run(SQL.insertStatus, {
      id: s.id,
      status: s.status,
      at,
      waId: s.waId ?? null,
      error,
      payload: json(s.payload),
      pricing: json(s.pricing ?? null),
      now,
    });
    if (inserted === 0) return false;
    const sent = await sql.get<{ wa_id: string; status: string; reason: string | null }>(SQL.sentMessage, {
      id: s.id,
    });
    if (MESSAGE_STATUSES.has(s.status)) {
      const moved = (await sql.run(SQL.advanceStatus, { id: s.id, status: s.status, at, error })) > 0;
      // a person's send that failed no longer answers (or answers again once delivered): rare, so recomputed
      if (moved && sent?.reason === null && (sent.status === 'failed') !== (s.status === 'failed'))
        await refreshConversation(sql, sent.wa_id);
    }
    if (s.pricing) await sql.run(SQL.pricing, { id: s.id });
    if (s.error?.code === MARKETING_STOPPED) {
      const key =
        sent?.wa_id ??
        (s.waId
          ? await this.contacts.resolve(sql, identityOf(s.waId), now, {
              create: true,
              why: 'status',
              merges: result.merges,
            })
          : null);
      if (key !== null) await this.#marketingStopped(sql, key, s.id, at, now, result);
    }
    return true;
  }

  /** A wamid (raw part digest, opt-out key) of a forgotten contact (`wabox contact forget`): stored never again. */
  async #forgotten(sql: Sql, wamid: string): Promise<boolean> {
    return (await sql.get(SQL.forgotten, { digest: forgottenDigest(wamid) })) !== undefined;
  }

  async #raw(sql: Sql, r: RawEventRecord, now: number): Promise<boolean> {
    const row = rawEventRow(r);
    if (await this.#forgotten(sql, row.digest)) return false;
    return (await sql.run(SQL.insertRaw, { ...row, now })) > 0;
  }

  async #facts(sql: Sql, m: InboundRecord): Promise<ContactFacts> {
    const key = { waId: m.waId };
    const previous = (await sql.get<{ at: number | null }>(SQL.previousInbound, {
      ...key,
      id: m.id,
      at: m.timestamp.getTime(),
    }))!;
    const agent = (await sql.get<{ at: number | null }>(SQL.lastAgentReply, key)) ?? { at: null };
    const away = await sql.get<{ rule: string | null }>(SQL.lastAwayPeriod, key);
    const handoff = await sql.get<{ at: number | null }>(SQL.handoffAt, key);
    return {
      previousInboundAt: previous.at === null ? null : new Date(previous.at),
      lastAgentReplyAt: agent.at === null ? null : new Date(agent.at),
      lastAwayPeriod: away?.rule ?? null,
      handedOff: handoff?.at != null,
    };
  }

  /** Takes a pending claim (compare-and-set): true for exactly one caller across every process. Committed when it returns. */
  async take(id: number, at: Date): Promise<boolean> {
    return (await this.#db.run(SQL.take, { id, at: time(at, 'at') })) > 0;
  }

  /** False when the outbound message's wamid was already stored (the claim's state is recorded anyway). */
  async finish(id: number, outcome: AutoReplyOutcome): Promise<boolean> {
    const now = this.#db.now();
    return this.#db.tx(async (sql) => {
      const recorded = outcome.outbound
        ? await this.outbound(sql, outcome.outbound, outcome.outbound.status, now)
        : true;
      await sql.run(SQL.finish, {
        id,
        state: outcome.state,
        outbound: outcome.state === 'sent' ? outcome.outbound.id : (outcome.outbound?.id ?? null),
        error: outcome.state === 'sent' ? null : JSON.stringify(outcome.error),
        at: now,
      });
      return recorded;
    });
  }

  async pending(): Promise<AutoReplyRecord[]> {
    return (await this.#db.all<AutoReplyRow>(SQL.pending)).map(toAutoReply);
  }

  /**
   * The stop keywords, read once per transaction (`sql` is one transaction's handle): a statement less
   * per message of a batch, where each round trip to the server costs ~0.1-0.2 ms of CPU on either side.
   */
  #stopKeywords(sql: Sql): Promise<readonly string[]> {
    let words = this.#stopWords.get(sql);
    if (words === undefined) {
      words = this.getSetting(sql, STOP_KEYWORDS_SETTING).then(stopKeywordsOf, (error: unknown) => {
        // a read in a POST that failed (its savepoint rolled back): the next POST reads again
        this.#stopWords.delete(sql);
        throw error;
      });
      this.#stopWords.set(sql, words);
    }
    return words;
  }

  async getSetting(sql: Sql, key: string): Promise<unknown> {
    const row = await sql.get<{ value: string }>(SQL.getSetting, { key });
    return row === undefined ? undefined : JSON.parse(row.value);
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    await this.#db.run(SQL.setSetting, { key, value: JSON.stringify(value), now: this.#db.now() });
  }
}
