// The write side of the SQLite store: webhook POSTs, automatic reply claims, store-wide settings, and the
// single messages and statuses SqliteStore records, all with the same statements.
//
// A batch of POSTs (server/ingest.ts groups them) is one transaction, so one fsync. Each POST is all or
// nothing without paying for a savepoint each: the batch is written plainly first, and only when a POST
// fails is it rolled back and written again with a savepoint per POST, leaving the failing one out.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { type AssignPolicy, eligibleAgents, pickAgent } from '../core/assign.js';
import type { ContactFacts } from '../core/autoreply.js';
import { DEFAULT_STOP_KEYWORDS, isStopKeyword, MAX_KEYWORD_LENGTH } from '../core/contact-id.js';
import { CSAT_COMMENT_WINDOW_MS, csatAnswerOf } from '../core/csat.js';
import { WaboxError } from '../core/errors.js';
import { CSAT_INGEST_SQL } from './csat.js';
import { FORGOTTEN_SQL, forgottenDigest } from './keep.js';
import { type AutoReplyRow, identityOf, json, time, toAutoReply } from './rows.js';
import { SqliteAgents } from './sqlite-agents.js';
import { SqliteContacts } from './sqlite-contacts.js';
import { refreshConversation } from './sqlite-conversation-state.js';
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

/** The store setting round-robin assignment goes on from: the agent it gave the last conversation. */
export const LAST_ASSIGNED_SETTING = 'assign.last';

/** An agent's open conversations, the longest-quiet first, and taking them from it (both stores' SQL). */
export const REASSIGN_SQL = {
  assignedOpen: `SELECT wa_id FROM conversations WHERE assignee = @agent AND status = 'open'
    ORDER BY coalesce(last_message_at, created_at), id`,
  unassignFrom: `UPDATE conversations SET assignee = NULL, updated_at = @now
    WHERE assignee = @agent AND status = 'open'`,
} as const;

/** Meta's error: the user stopped marketing messages from the business. */
export const MARKETING_STOPPED = 131050;

/** The order of outbound statuses: a message's status only moves forward (a late `delivered` keeps `read`). */
export const RANK = (expr: string) =>
  `(CASE ${expr} WHEN 'accepted' THEN 0 WHEN 'sent' THEN 1 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3
    WHEN 'read' THEN 4 WHEN 'played' THEN 5 ELSE -1 END)`;

/** Outbound statuses the messages table accepts (the CHECK constraint). */
export const MESSAGE_STATUSES: ReadonlySet<string> = new Set([
  'sent',
  'delivered',
  'read',
  'played',
  'failed',
]);

const SQL = {
  insertInbound: `INSERT INTO messages (wamid, direction, wa_id, type, text, payload, timestamp, status, status_at,
      reply_to, phone_number_id, created_at)
    VALUES (@id, 'in', @waId, @type, @text, @payload, @at, 'received', @at, @replyTo, @phoneNumberId, @now)
    ON CONFLICT (wamid) DO NOTHING`,
  // a customer's message: the contact with its first message in one idempotent statement, which writes
  // nothing for a known customer under the same name (a redelivery matches none of the WHERE either)
  seenContact: `INSERT INTO contacts (wa_id, name, first_seen_at, created_at, updated_at)
    VALUES (@waId, @name, @at, @now, @now)
    ON CONFLICT (wa_id) DO UPDATE SET
      name = coalesce(excluded.name, name),
      first_seen_at = min(coalesce(first_seen_at, excluded.first_seen_at), excluded.first_seen_at),
      updated_at = excluded.updated_at
    WHERE (excluded.name IS NOT NULL AND excluded.name IS NOT name)
      OR first_seen_at IS NULL OR excluded.first_seen_at < first_seen_at`,
  // the kept values of sqlite-conversation-state.ts, moved by one message (SET reads the row as it was;
  // a new message has the highest seq, so it is the latest unless an older timestamp came late)
  inboundConversation: `INSERT INTO conversations (wa_id, campaign, referral, last_inbound_at, last_message_at,
      last_seq, unread, awaiting_since, created_at, updated_at)
    VALUES (@waId, @campaign, @referral, @at, @at, @seq, 1, @at, @now, @now)
    ON CONFLICT (wa_id) DO UPDATE SET
      campaign = coalesce(excluded.campaign, campaign),
      referral = coalesce(excluded.referral, referral),
      last_inbound_at = max(coalesce(last_inbound_at, excluded.last_inbound_at), excluded.last_inbound_at),
      last_seq = CASE WHEN last_message_at IS NULL OR excluded.last_message_at >= last_message_at
        THEN excluded.last_seq ELSE last_seq END,
      last_message_at = max(coalesce(last_message_at, excluded.last_message_at), excluded.last_message_at),
      unread = unread + 1,
      awaiting_since = CASE WHEN excluded.awaiting_since > coalesce(last_answer_at, -1)
        THEN min(coalesce(awaiting_since, excluded.awaiting_since), excluded.awaiting_since) ELSE awaiting_since END,
      status = 'open',
      updated_at = excluded.updated_at
    RETURNING last_answer_at`,
  insertOutbound: `INSERT INTO messages (wamid, direction, wa_id, type, text, payload, timestamp, status, status_at,
      error, reply_to, reason, phone_number_id, created_at)
    VALUES (@id, 'out', @waId, @type, @text, @payload, @at, @status, @at, @error, @replyTo, @reason,
      @phoneNumberId, @now)
    ON CONFLICT (wamid) DO NOTHING`,
  outboundConversation: `INSERT INTO conversations (wa_id, last_outbound_at, last_message_at, last_seq,
      created_at, updated_at)
    VALUES (@waId, @at, @at, @seq, @now, @now)
    ON CONFLICT (wa_id) DO UPDATE SET
      last_outbound_at = max(coalesce(last_outbound_at, excluded.last_outbound_at), excluded.last_outbound_at),
      last_seq = CASE WHEN last_message_at IS NULL OR excluded.last_message_at >= last_message_at
        THEN excluded.last_seq ELSE last_seq END,
      last_message_at = max(coalesce(last_message_at, excluded.last_message_at), excluded.last_message_at),
      updated_at = excluded.updated_at`,
  // a person answered at @at: what awaited an answer up to then no longer does, and that wait's first
  // response is this answer (SET reads the row as it was)
  answered: `UPDATE conversations SET
      response_awaited_since = CASE WHEN awaiting_since <= @at THEN awaiting_since ELSE response_awaited_since END,
      response_at = CASE WHEN awaiting_since <= @at THEN @at ELSE response_at END,
      awaiting_since = CASE WHEN awaiting_since IS NULL OR awaiting_since > @at THEN awaiting_since
        ELSE (SELECT min(timestamp) FROM messages WHERE wa_id = @waId AND direction = 'in' AND timestamp > @at) END,
      last_answer_at = @at
    WHERE wa_id = @waId AND coalesce(last_answer_at, -1) < @at`,
  messageStatus: 'SELECT status FROM messages WHERE wamid = ?',
  conversationState: 'SELECT status, assignee FROM conversations WHERE wa_id = ?',
  openCounts: `SELECT assignee, count(*) AS n FROM conversations
    WHERE assignee IS NOT NULL AND status = 'open' GROUP BY assignee`,
  assignTo: `UPDATE conversations SET assignee = @agent, updated_at = @now
    WHERE wa_id = @waId AND assignee IS NULL`,
  statusEventsOf: 'SELECT status, timestamp, error FROM status_events WHERE wamid = ? ORDER BY id',
  insertStatus: `INSERT INTO status_events (wamid, status, timestamp, recipient_wa_id, error, payload, pricing,
      received_at)
    VALUES (@id, @status, @at, @waId, @error, @payload, @pricing, @now)
    ON CONFLICT (wamid, status) DO NOTHING`,
  // the latest status that carried pricing decides (they agree; a later read may carry none)
  pricing: `UPDATE messages SET
      (pricing_model, pricing_type, pricing_category) = (SELECT json_extract(pricing, '$.model'),
        json_extract(pricing, '$.type'), json_extract(pricing, '$.category')
        FROM status_events WHERE wamid = @id AND pricing IS NOT NULL ORDER BY timestamp DESC, id DESC LIMIT 1)
    WHERE wamid = @id AND direction = 'out'
      AND EXISTS (SELECT 1 FROM status_events WHERE wamid = @id AND pricing IS NOT NULL)`,
  sentMessage: "SELECT wa_id, status, reason FROM messages WHERE wamid = ? AND direction = 'out'",
  advanceStatus: `UPDATE messages SET status = @status, status_at = @at,
      error = CASE WHEN @status = 'failed' THEN coalesce(@error, error) ELSE error END
    WHERE wamid = @id AND direction = 'out' AND ${RANK('status')} < ${RANK('@status')}`,
  insertRaw: `INSERT INTO raw_events (field, reason, payload, digest, received_at)
    VALUES (@field, @reason, @payload, @digest, @now) ON CONFLICT (digest) DO NOTHING`,
  previousInbound: `SELECT max(timestamp) AS at FROM messages
    WHERE wa_id = @waId AND direction = 'in' AND wamid != @id AND timestamp <= @at`,
  lastAgentReply: 'SELECT last_answer_at AS at FROM conversations WHERE wa_id = @waId',
  lastAwayPeriod: `SELECT rule FROM auto_replies
    WHERE wa_id = @waId AND kind = 'away' AND state IN ('pending', 'sent', 'dry-run') ORDER BY id DESC LIMIT 1`,
  handoffAt: 'SELECT handoff_at AS at FROM conversations WHERE wa_id = @waId',
  handoff: `UPDATE conversations SET handoff_at = coalesce(handoff_at, @at), updated_at = @now
    WHERE wa_id = @waId`,
  claim: `INSERT INTO auto_replies (inbound_wamid, wa_id, kind, reason, rule, state, created_at, updated_at)
    VALUES (@inboundWamid, @waId, @kind, @reason, @rule, @state, @now, @now)
    ON CONFLICT (inbound_wamid, reason) DO NOTHING
    RETURNING id`,
  // a claim is taken when updated_at moves past created_at (see takeAutoReply)
  take: `UPDATE auto_replies SET updated_at = max(@at, created_at + 1)
    WHERE id = @id AND state = 'pending' AND updated_at = created_at`,
  finish: `UPDATE auto_replies SET state = @state, outbound_wamid = @outbound, error = @error,
      updated_at = max(@at, updated_at) WHERE id = @id AND state = 'pending'`,
  pending: `SELECT id, inbound_wamid, wa_id, kind, reason, rule, state, created_at, updated_at
    FROM auto_replies WHERE state = 'pending' ORDER BY id`,
  getSetting: 'SELECT value FROM settings WHERE key = ?',
  forgotten: FORGOTTEN_SQL,
  csatAnswer: CSAT_INGEST_SQL.answer,
  csatComment: CSAT_INGEST_SQL.comment,
  keepResolved: CSAT_INGEST_SQL.keepResolved,
  setSetting: `INSERT INTO settings (key, value, updated_at) VALUES (@key, @value, @now)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

export class SqliteWebhookWriter {
  readonly #db: Database.Database;
  #statements: Statements | undefined;
  readonly #post: (post: WebhookPost) => IngestResult;
  readonly contacts: SqliteContacts;

  /**
   * The busy_timeout of ingest and of the other writes (see SqliteStoreOptions.ingestBusyTimeoutMs), and
   * the one set now: it is switched only when the other kind of write comes, not before every write.
   */
  readonly #busy: { ingest: string; other: string } | undefined;
  #busyNow: 'ingest' | 'other' = 'other';
  readonly #now: () => number;
  #agents: SqliteAgents | undefined;

  constructor(db: Database.Database, ingestBusyTimeoutMs?: number, now: () => number = Date.now) {
    this.#db = db;
    this.contacts = new SqliteContacts(db);
    this.#now = now;
    if (ingestBusyTimeoutMs !== undefined)
      this.#busy = {
        ingest: `busy_timeout = ${Math.max(0, Math.trunc(ingestBusyTimeoutMs))}`,
        other: `busy_timeout = ${db.pragma('busy_timeout', { simple: true }) as number}`,
      };
    // called inside the batch transaction: better-sqlite3 makes it a savepoint
    this.#post = db.transaction((post: WebhookPost) => this.#ingestOne(post));
  }

  /** Prepared once: most of a small POST's cost would otherwise be compiling SQL. */
  get #s(): Statements {
    this.#statements ??= Object.fromEntries(
      Object.entries(SQL).map(([name, sql]) => [name, this.#db.prepare(sql)]),
    ) as Statements;
    return this.#statements;
  }

  /**
   * Writes the batch in one IMMEDIATE transaction and commits it; one result per POST, in order: a POST
   * whose write failed gets its error, the others are stored. Throws only when the batch cannot be
   * written at all (the disk, the lock): then nothing is stored.
   */
  ingest(posts: readonly WebhookPost[]): Array<IngestResult | { error: unknown }> {
    this.#busyFor('ingest');
    try {
      return this.#ingest(posts);
    } catch (error) {
      if (isBusy(error))
        throw new WaboxError('transient', 'the store is locked by another process', {
          code: 'store.busy',
          hint: 'another wabox process (or a SQLite tool) holds the write lock; try again shortly',
          cause: error,
        });
      throw error;
    }
  }

  #busyFor(kind: 'ingest' | 'other'): void {
    if (this.#busy === undefined || this.#busyNow === kind) return;
    this.#db.pragma(this.#busy[kind]);
    this.#busyNow = kind;
  }

  #ingest(posts: readonly WebhookPost[]): Array<IngestResult | { error: unknown }> {
    try {
      return this.#db.transaction(() => posts.map((post) => this.#ingestOne(post))).immediate();
    } catch (error) {
      if (isBusy(error)) throw error;
      if (posts.length === 1) return [{ error }];
      // a POST failed and took the batch with it: again, each POST in its own savepoint
      return this.#db
        .transaction(() =>
          posts.map((post) => {
            try {
              return this.#post(post);
            } catch (error) {
              return { error };
            }
          }),
        )
        .immediate();
    }
  }

  #ingestOne(post: WebhookPost): IngestResult {
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
      this.contacts.resolve(identity, now, { create: false, why: 'contacts', merges: result.merges });
    for (const message of post.inbound) {
      const assignable = post.assign !== undefined && this.#assignable(message);
      const answer = csatAnswerOf(message.payload);
      const resolved = answer !== null && this.#resolved(message);
      const waId = this.inbound(message, now, result);
      if (waId === null) {
        result.duplicates++;
        continue;
      }
      if (assignable) this.#assign(post.assign!, waId, message.timestamp, now);
      result.newInbound.push(message.id);
      // a rating or its comment gets no automatic reply (no away message for a 😀 at night)
      if (this.#csat(message, waId, answer, resolved, now)) continue;
      const plan = post.decide?.({ ...message, waId }, this.#facts({ ...message, waId }));
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
        const row = this.#s.claim.get({ ...claim, now }) as { id: number } | undefined;
        if (row === undefined) continue; // already claimed: never twice
        result.claims.push({ id: row.id, ...claim, createdAt: new Date(now).toISOString(), takenAt: null });
      }
      if (plan.handoff) {
        this.#s.handoff.run({ waId, at: time(message.timestamp, 'timestamp'), now });
        result.handoffs.push(waId);
      }
    }
    for (const echo of post.echoes) {
      if (!this.outbound(echo, 'sent', now, result)) result.duplicates++;
    }
    for (const status of post.statuses) {
      if (!this.status(status, now, result)) result.duplicates++;
    }
    for (const preference of post.preferences ?? []) {
      if (!this.#preference(preference, now, result)) result.duplicates++;
    }
    for (const raw of post.raw) {
      if (!this.#raw(raw, now)) result.duplicates++;
      else if (raw.reason === 'field') result.accountEvents.push(raw.field);
    }
    return result;
  }

  /** Where a record's contact changes go when the caller does not collect them. */
  static #sink(): Pick<IngestResult, 'merges' | 'optOuts'> {
    return { merges: [], optOuts: [] };
  }

  #preference(p: PreferenceRecord, now: number, result: Pick<IngestResult, 'merges' | 'optOuts'>): boolean {
    if (p.category !== 'marketing_messages' || (p.value !== 'stop' && p.value !== 'resume')) return true;
    const at = time(p.timestamp, 'timestamp');
    const who = p.identity.userId ?? p.identity.phone ?? p.identity.parentUserId;
    const dedupe = `pref:${who}:${p.value}:${at}`;
    // an opt-out of a forgotten contact, redelivered: it must not bring them back
    if (this.#forgotten(dedupe)) return false;
    const key = this.contacts.resolve(p.identity, now, {
      create: true,
      why: 'user_preferences',
      merges: result.merges,
    });
    if (key === null) return true;
    return this.#optOut(key, p.value === 'stop', 'user_preferences', at, dedupe, now, result, {
      category: p.category,
      detail: p.detail ?? null,
    });
  }

  /** Records an opt-out change; false for a redelivery. */
  #optOut(
    key: string,
    optedOut: boolean,
    source: string,
    at: number,
    dedupe: string,
    now: number,
    result: Pick<IngestResult, 'optOuts'>,
    detail?: Record<string, unknown>,
  ): boolean {
    const done = this.contacts.setOptOut(
      key,
      { optedOut, source, at, dedupe, ...(detail ? { detail } : {}) },
      now,
    );
    if (done.changed) result.optOuts.push({ waId: key, optedOut, source });
    return done.logged;
  }

  /** A send to the contact failed with 131050: they stopped marketing messages. */
  #marketingStopped(
    key: string,
    wamid: string,
    at: number,
    now: number,
    result: Pick<IngestResult, 'optOuts'>,
  ): void {
    const source = `error:${MARKETING_STOPPED}`;
    this.#optOut(key, true, source, at, `${source}:${wamid}`, now, result, { wamid });
  }

  #stopKeywords(): readonly string[] {
    return stopKeywordsOf(this.getSetting(STOP_KEYWORDS_SETTING));
  }

  /** True when the message's conversation is resolved (read before it is stored). */
  #resolved(m: InboundRecord): boolean {
    const row = this.#s.conversationState.get(this.contacts.keyOf(m.waId)) as { status: string } | undefined;
    return row?.status === 'resolved';
  }

  /**
   * A satisfaction answer, or the comment that follows one, recorded on the contact's question; true when
   * the message is one of them (a reply to a question, recorded or not, or a comment recorded).
   */
  #csat(
    m: InboundRecord,
    waId: string,
    answer: ReturnType<typeof csatAnswerOf>,
    resolved: boolean,
    now: number,
  ): boolean {
    const at = time(m.timestamp, 'timestamp');
    if (answer !== null) {
      const p = { id: answer.questionId, score: answer.score, at, wamid: m.id, waId, now };
      if (this.#s.csatAnswer.run(p).changes > 0 && resolved) this.#s.keepResolved.run({ waId });
      return true;
    }
    if (m.type !== 'text' || !m.text) return false;
    const since = at - CSAT_COMMENT_WINDOW_MS;
    return this.#s.csatComment.run({ text: m.text, at, wamid: m.id, waId, now, since }).changes > 0;
  }

  /** True when the message's conversation, if any, is resolved or unassigned (read before it is stored). */
  #assignable(m: InboundRecord): boolean {
    const row = this.#s.conversationState.get(this.contacts.keyOf(m.waId)) as
      | { status: string; assignee: string | null }
      | undefined;
    return row === undefined || row.status === 'resolved' || row.assignee === null;
  }

  /**
   * Takes `from`'s open conversations from it and gives each to the agent the policy picks among those
   * available and within their hours at `at` (manual, or nobody: unassigned); who has each now.
   */
  reassign(from: string, policy: AssignPolicy, at: Date): Reassigned[] {
    return this.#db
      .transaction(() => {
        const now = this.#now();
        const waIds = (
          this.#db.prepare(REASSIGN_SQL.assignedOpen).all({ agent: from }) as Array<{ wa_id: string }>
        ).map((r) => r.wa_id);
        this.#db.prepare(REASSIGN_SQL.unassignFrom).run({ agent: from, now });
        return waIds.map((waId) => {
          if (policy !== 'manual') this.#assign(policy, waId, at, now);
          const row = this.#s.conversationState.get(waId) as { assignee: string | null };
          return { waId, assignee: row.assignee };
        });
      })
      .immediate();
  }

  /** Gives an unassigned conversation to the agent the policy picks (none available: it stays unassigned). */
  #assign(policy: 'round-robin' | 'least-open', waId: string, at: Date, now: number): void {
    this.#agents ??= new SqliteAgents(this.#db, this.#now);
    const eligible = eligibleAgents(this.#agents.list(), at);
    const open = new Map<string, number>();
    if (policy === 'least-open')
      for (const row of this.#s.openCounts.all() as Array<{ assignee: string; n: number }>)
        open.set(row.assignee, row.n);
    const last = this.getSetting(LAST_ASSIGNED_SETTING);
    const agent = pickAgent(policy, eligible, typeof last === 'string' ? last : null, open);
    if (agent === null) return;
    if (this.#s.assignTo.run({ waId, agent, now }).changes > 0 && policy === 'round-robin')
      this.#s.setSetting.run({ key: LAST_ASSIGNED_SETTING, value: JSON.stringify(agent), now });
  }

  /**
   * Stores a customer's message on its contact (found by any identifier it carries, merged with the
   * contact of the identifiers it links); the contact's key, or null when its wamid is known.
   */
  inbound(
    m: InboundRecord,
    now: number,
    result: Pick<IngestResult, 'merges' | 'optOuts'> = SqliteWebhookWriter.#sink(),
  ): string | null {
    if (this.#forgotten(m.id)) return null;
    const at = time(m.timestamp, 'timestamp');
    const identity = { ...identityOf(m.waId), ...m.identity };
    const why = m.linkTo
      ? m.type === 'system'
        ? 'number or user id changed'
        : 'shared phone number'
      : 'message';
    const waId = this.contacts.resolve(m.linkTo ? [identity, m.linkTo] : identity, now, {
      create: true,
      why,
      merges: result.merges,
    })!;
    this.#s.seenContact.run({ waId, name: m.name ?? null, at, now });
    const inserted = this.#s.insertInbound.run({
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
    if (inserted.changes === 0) return null;
    const kept = this.#s.inboundConversation.get({
      waId,
      campaign: m.ref ?? null,
      referral: json(m.referral),
      at,
      seq: inserted.lastInsertRowid,
      now,
    }) as { last_answer_at: number | null };
    // a late message, older than an answer, moves which answer ended which wait
    if (kept.last_answer_at !== null && at <= kept.last_answer_at)
      refreshConversation(this.#db, waId, 'response');
    const short = m.type === 'text' && m.text !== null && m.text.length <= MAX_KEYWORD_LENGTH;
    if (short && isStopKeyword(m.text!, this.#stopKeywords()))
      this.#optOut(waId, true, 'keyword', at, `keyword:${m.id}`, now, result, { wamid: m.id, text: m.text });
    return waId;
  }

  /** Stores an outbound message (a send, an echo, an automatic reply); false when its wamid is known. */
  outbound(
    m: OutboundRecord,
    status: string,
    now: number,
    result: Pick<IngestResult, 'merges' | 'optOuts'> = SqliteWebhookWriter.#sink(),
  ): boolean {
    if (this.#forgotten(m.id)) return false;
    const at = time(m.timestamp, 'timestamp');
    const waId = this.contacts.resolve({ ...identityOf(m.waId), ...m.identity }, now, {
      create: true,
      why: 'message',
      merges: result.merges,
    })!;
    const inserted = this.#s.insertOutbound.run({
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
    if (inserted.changes === 0) return false;
    this.#s.outboundConversation.run({ waId, at, seq: inserted.lastInsertRowid, now });
    if (m.error?.code === MARKETING_STOPPED) this.#marketingStopped(waId, m.id, at, now, result);
    // statuses the webhook delivered before the message was recorded still count
    const events = this.#s.statusEventsOf.all(m.id) as Array<{
      status: string;
      timestamp: number;
      error: string | null;
    }>;
    for (const e of events)
      this.#s.advanceStatus.run({ id: m.id, status: e.status, at: e.timestamp, error: e.error });
    if (events.length > 0) this.#s.pricing.run({ id: m.id });
    const final =
      events.length === 0 ? status : (this.#s.messageStatus.get(m.id) as { status: string }).status;
    if (m.reason == null && final !== 'failed' && this.#s.answered.run({ waId, at }).changes === 0) {
      // an answer older than the latest one may have ended an earlier wait instead
      const latest = this.#s.lastAgentReply.get({ waId }) as { at: number | null } | undefined;
      if (latest?.at != null && at < latest.at) refreshConversation(this.#db, waId);
    }
    return true;
  }

  /** Stores a status once per (wamid, status) and moves the message forward; false for a redelivery. */
  status(
    s: StatusRecord,
    now: number,
    result: Pick<IngestResult, 'merges' | 'optOuts'> = SqliteWebhookWriter.#sink(),
  ): boolean {
    if (this.#forgotten(s.id)) return false;
    const at = time(s.timestamp, 'timestamp');
    const error = json(s.error ?? null);
    const inserted = this.#s.insertStatus.run({
      id: s.id,
      status: s.status,
      at,
      waId: s.waId ?? null,
      error,
      payload: json(s.payload),
      pricing: json(s.pricing ?? null),
      now,
    });
    if (inserted.changes === 0) return false;
    const sent = this.#s.sentMessage.get(s.id) as
      | { wa_id: string; status: string; reason: string | null }
      | undefined;
    if (MESSAGE_STATUSES.has(s.status)) {
      const moved = this.#s.advanceStatus.run({ id: s.id, status: s.status, at, error }).changes > 0;
      // a person's send that failed no longer answers (or answers again once delivered): rare, so recomputed
      if (moved && sent?.reason === null && (sent.status === 'failed') !== (s.status === 'failed'))
        refreshConversation(this.#db, sent.wa_id);
    }
    if (s.pricing) this.#s.pricing.run({ id: s.id });
    if (s.error?.code === MARKETING_STOPPED) {
      const key =
        sent?.wa_id ??
        (s.waId
          ? this.contacts.resolve(identityOf(s.waId), now, {
              create: true,
              why: 'status',
              merges: result.merges,
            })
          : null);
      if (key !== null) this.#marketingStopped(key, s.id, at, now, result);
    }
    return true;
  }

  /** A wamid (raw part digest, opt-out key) of a forgotten contact (`wabox contact forget`): stored never again. */
  #forgotten(wamid: string): boolean {
    return this.#s.forgotten.get({ digest: forgottenDigest(wamid) }) !== undefined;
  }

  #raw(r: RawEventRecord, now: number): boolean {
    const row = rawEventRow(r);
    if (this.#forgotten(row.digest)) return false;
    return this.#s.insertRaw.run({ ...row, now }).changes > 0;
  }

  #facts(m: InboundRecord): ContactFacts {
    const key = { waId: m.waId };
    const previous = this.#s.previousInbound.get({ ...key, id: m.id, at: m.timestamp.getTime() }) as {
      at: number | null;
    };
    const agent = (this.#s.lastAgentReply.get(key) as { at: number | null } | undefined) ?? { at: null };
    const away = this.#s.lastAwayPeriod.get(key) as { rule: string | null } | undefined;
    const handoff = this.#s.handoffAt.get(key) as { at: number | null } | undefined;
    return {
      previousInboundAt: previous.at === null ? null : new Date(previous.at),
      lastAgentReplyAt: agent.at === null ? null : new Date(agent.at),
      lastAwayPeriod: away?.rule ?? null,
      handedOff: handoff?.at != null,
    };
  }

  /**
   * Takes a pending claim (compare-and-set); true for exactly one caller. Committed (with FULL: on disk)
   * when it returns, before the reply is sent: a claim taken and sent never looks untaken after a crash.
   */
  take(id: number, at: Date): boolean {
    this.#busyFor('other');
    return this.#s.take.run({ id, at: time(at, 'at') }).changes > 0;
  }

  /** False when the outbound message's wamid was already stored (the claim's state is recorded anyway). */
  finish(id: number, outcome: AutoReplyOutcome): boolean {
    this.#busyFor('other');
    return this.#db
      .transaction(() => {
        const now = this.#now();
        const recorded = outcome.outbound
          ? this.outbound(outcome.outbound, outcome.outbound.status, now)
          : true;
        this.#s.finish.run({
          id,
          state: outcome.state,
          outbound: outcome.state === 'sent' ? outcome.outbound.id : (outcome.outbound?.id ?? null),
          error: outcome.state === 'sent' ? null : JSON.stringify(outcome.error),
          at: now,
        });
        return recorded;
      })
      .immediate();
  }

  pending(): AutoReplyRecord[] {
    return (this.#s.pending.all() as AutoReplyRow[]).map(toAutoReply);
  }

  getSetting(key: string): unknown {
    const row = this.#s.getSetting.get(key) as { value: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.value);
  }

  setSetting(key: string, value: unknown): void {
    this.#busyFor('other');
    this.#s.setSetting.run({ key, value: JSON.stringify(value), now: this.#now() });
  }
}

/** The stop keywords a STOP_KEYWORDS_SETTING value gives: the defaults unless it is an array of strings. */
export function stopKeywordsOf(value: unknown): readonly string[] {
  return Array.isArray(value) && value.every((k) => typeof k === 'string') ? value : DEFAULT_STOP_KEYWORDS;
}

/** A raw event's row: its payload as JSON and the digest that makes a redelivery the same event. */
export function rawEventRow(r: RawEventRecord): {
  field: string;
  reason: string;
  payload: string;
  digest: string;
} {
  const payload = JSON.stringify(r.payload ?? null);
  const entry = r.entry === undefined ? '' : `${r.entry.id ?? ''}\n${r.entry.time ?? ''}\n`;
  const digest = createHash('sha256').update(`${entry}${r.field}\n${r.reason}\n${payload}`).digest('hex');
  return { field: r.field, reason: r.reason, payload, digest };
}

/** SQLITE_BUSY and its extended codes: another connection holds the lock. */
function isBusy(err: unknown): boolean {
  return (
    typeof (err as { code?: unknown })?.code === 'string' &&
    (err as { code: string }).code.startsWith('SQLITE_BUSY')
  );
}
