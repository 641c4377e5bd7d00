// The team Store: PostgreSQL through a pg Pool (./postgres-db.ts), shared by several receivers and every
// agent's wabox. The same behaviour as the SQLite store (./sqlite.ts); the webhook writes, contacts and
// kept conversation values are in ./postgres-webhook.ts, ./postgres-contacts.ts and
// ./postgres-conversation-state.ts.

import { randomUUID } from 'node:crypto';
import type { AssignPolicy } from '../core/assign.js';
import { configInvalid, invalidInput, notFound, WaboxError } from '../core/errors.js';
import { CampaignTables } from './campaigns.js';
import { postgresTables, type TableRows } from './copy.js';
import { CsatTables } from './csat.js';
import { exportContact, forgetContact, PG_DIALECT, purgeContent } from './keep.js';
import { PgAgents } from './postgres-agents.js';
import { conversationDrift, repairConversations } from './postgres-conversation-state.js';
import { isUnreachable, PgDb, type PgDbOptions, redactUrl, type Sql, unreachable } from './postgres-db.js';
import { followPgConversations, followPgMessages } from './postgres-follow.js';
import { PG_MIGRATIONS } from './postgres-schema.js';
import { PgWebhookWriter } from './postgres-webhook.js';
import {
  assertLimit,
  assertTime,
  type ConversationRow,
  conversationColumns,
  iso,
  keysetParams,
  MESSAGE_COLUMNS,
  type MessageRow,
  messageConditions,
  parseError,
  SORT_AT,
  time,
  toConversation,
  toRecord,
} from './rows.js';
import {
  type AgentRecord,
  type AutoReplyOutcome,
  type AutoReplyRecord,
  type ContactEventRecord,
  type ContactExport,
  type ContactFilter,
  type ContactRecord,
  type ConversationDrift,
  type ConversationFilter,
  type ConversationRecord,
  type ConversationStatus,
  DEFAULT_MESSAGE_LIMIT,
  type ErasureRecord,
  type Follow,
  type FollowOptions,
  type InboundRecord,
  type IngestResult,
  type ListedMessage,
  type MessageFilter,
  type MessageFollowFilter,
  type MessageRecord,
  type MessagingLimitRecord,
  type NewAgent,
  type NoteRecord,
  type OutboundRecord,
  type PricedSendRecord,
  type PurgeResult,
  type Reassigned,
  type SequencedMessage,
  type SequenceFilter,
  type StatusEventRecord,
  type StatusRecord,
  type Store,
  type Thread,
  type WebhookPost,
} from './store.js';

export type PostgresStoreOptions = PgDbOptions;

/** The inbox's conversation columns, labels aggregated in SQLite's (byte) order. */
const CONVERSATION_COLUMNS = conversationColumns(
  `(SELECT string_agg(l.label, chr(31) ORDER BY l.label COLLATE "C") FROM contact_labels l WHERE l.wa_id = ct.wa_id)`,
);

/** Connects to the PostgreSQL store at `url` and migrates its schema. The URL's password never shows in an error. */
export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<PostgresStore> {
  let db: PgDb | undefined;
  try {
    db = new PgDb(url, options);
    await db.migrate(PG_MIGRATIONS);
    return new PostgresStore(db, url);
  } catch (error) {
    await db?.close().catch(() => {});
    if (error instanceof WaboxError) throw error;
    if (isUnreachable(error)) throw unreachable(url, error);
    throw configInvalid(
      `cannot open the PostgreSQL store at ${redactUrl(url)}: ${(error as Error).message.split('\n')[0]}`,
      {
        code: 'store.open_failed',
        hint: 'check the URL, the user and its rights on the database',
        cause: error,
      },
    );
  }
}

export class PostgresStore implements Store {
  readonly #db: PgDb;
  readonly #hook: PgWebhookWriter;
  readonly #agents: PgAgents;
  /** The URL without its password. */
  readonly location: string;
  readonly serialWrites = true;
  #closed = false;

  constructor(db: PgDb, url: string) {
    this.#db = db;
    this.#hook = new PgWebhookWriter(db);
    this.#agents = new PgAgents(db);
    this.campaigns = new CampaignTables(db);
    this.csat = new CsatTables(db);
    this.location = redactUrl(url);
  }

  readonly campaigns: CampaignTables;
  readonly csat: CsatTables;

  /** The connection, for the store's own tests and `wabox db` commands. */
  get db(): PgDb {
    return this.#db;
  }

  #now(): number {
    return this.#db.now();
  }

  /** Answers when the database does (a receiver's /healthz); rejects otherwise. */
  async ping(): Promise<void> {
    await this.#db.get('SELECT 1');
  }

  async recordOutbound(record: OutboundRecord): Promise<boolean> {
    const id = record.id || `local.${randomUUID()}`;
    return this.#db.tx((sql) => this.#hook.outbound(sql, { ...record, id }, record.status, this.#now()));
  }

  async recordOutboundMany(records: readonly OutboundRecord[]): Promise<void> {
    if (records.length === 0) return;
    // in one order, as every writer takes its contacts' locks
    const sorted = [...records].sort((a, b) => (a.waId < b.waId ? -1 : a.waId > b.waId ? 1 : 0));
    await this.#db.tx(async (sql) => {
      for (const record of sorted)
        await this.#hook.outbound(
          sql,
          { ...record, id: record.id || `local.${randomUUID()}` },
          record.status,
          this.#now(),
        );
    });
  }

  async recordInbound(record: InboundRecord): Promise<boolean> {
    return this.#db.tx(async (sql) => (await this.#hook.inbound(sql, record, this.#now())) !== null);
  }

  async recordStatus(record: StatusRecord): Promise<boolean> {
    return this.#db.tx((sql) => this.#hook.status(sql, record, this.#now()));
  }

  async listMessages(filter: MessageFilter = {}): Promise<ListedMessage[]> {
    const { where, params } = messageConditions(
      await this.#keyed(filter),
      filter.limit ?? DEFAULT_MESSAGE_LIMIT,
      { indexHint: false },
    );
    const rows = await this.#db.all<MessageRow & { seq: number }>(
      `SELECT seq, ${MESSAGE_COLUMNS}
       FROM messages ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY timestamp DESC, seq DESC LIMIT @limit`,
      params,
    );
    return rows.map((row) => ({ ...toRecord(row), cursor: { at: row.timestamp, id: row.seq } }));
  }

  async lastInboundAt(waId: string): Promise<Date | null> {
    const row = await this.#db.get<{ at: number | null }>(
      'SELECT last_inbound_at AS at FROM conversations WHERE wa_id = @waId',
      { waId: await this.#key(waId) },
    );
    return row?.at == null ? null : new Date(row.at);
  }

  // -- the inbox ---------------------------------------------------------------------------

  async listConversations(filter: ConversationFilter = {}): Promise<ConversationRecord[]> {
    // each condition is written as the partial index that serves it (postgres-schema.ts) says
    const where: string[] = [];
    const params: Record<string, string | number | string[]> = {};
    if (filter.unread) where.push('c.unread > 0');
    if (filter.unanswered) where.push("c.status = 'open' AND c.awaiting_since IS NOT NULL");
    if (filter.status !== undefined) {
      where.push('c.status = @status');
      params.status = filter.status;
    }
    if (filter.assignee === null) where.push('c.assignee IS NULL');
    else if (filter.assignee !== undefined) {
      where.push('c.assignee = @assignee');
      params.assignee = filter.assignee;
    }
    if (filter.waIds !== undefined) {
      where.push('c.wa_id = ANY(@waIds::text[])');
      params.waIds = [...filter.waIds];
    }
    const byLabel = filter.label !== undefined;
    const [at, id] = byLabel ? ['l.sort_at', 'l.conversation_id'] : [SORT_AT, 'c.id'];
    if (byLabel) {
      where.push('l.label = @label');
      params.label = filter.label!;
    }
    if (filter.before !== undefined) {
      where.push(`(${at}, ${id}) < (@beforeAt, @beforeId)`);
      [params.beforeAt, params.beforeId] = keysetParams(filter.before);
    }
    const limit = filter.limit ?? DEFAULT_MESSAGE_LIMIT;
    assertLimit(limit);
    params.limit = limit;
    const rows = await this.#db.all<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS}
       FROM ${byLabel ? 'contact_labels l JOIN conversations c ON c.id = l.conversation_id' : 'conversations c'}
       JOIN contacts ct ON ct.wa_id = c.wa_id
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${at} DESC, ${id} DESC LIMIT @limit`,
      params,
    );
    return this.#toConversations(rows);
  }

  async getConversation(waId: string): Promise<ConversationRecord | null> {
    const row = await this.#db.get<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS}
       FROM contacts ct LEFT JOIN conversations c ON c.wa_id = ct.wa_id
       WHERE ct.wa_id = @waId`,
      { waId: await this.#key(waId) },
    );
    return row === undefined ? null : (await this.#toConversations([row]))[0]!;
  }

  async getThread(contact: string, limit: number): Promise<Thread> {
    const waId = await this.#key(contact);
    assertLimit(limit);
    const rows = await this.#db.all<MessageRow & { status_at: number | null }>(
      `SELECT ${MESSAGE_COLUMNS}, status_at
       FROM messages WHERE wa_id = @waId ORDER BY timestamp DESC, seq DESC LIMIT @limit`,
      { waId, limit: limit + 1 },
    );
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit).reverse();
    const events = await this.#db.all<{
      wamid: string;
      status: string;
      timestamp: number;
      error: string | null;
    }>(
      `SELECT wamid, status, timestamp, error FROM status_events
       WHERE wamid = ANY(@ids::text[]) ORDER BY timestamp, id`,
      { ids: page.filter((r) => r.direction === 'out').map((r) => r.wamid) },
    );
    const byMessage = new Map<string, StatusEventRecord[]>();
    for (const e of events) {
      const list = byMessage.get(e.wamid) ?? [];
      list.push({ status: e.status, timestamp: iso(e.timestamp), error: parseError(e.error) });
      byMessage.set(e.wamid, list);
    }
    return {
      hasMore,
      messages: page.map((row) => ({
        ...toRecord(row),
        statusAt: row.status_at === null ? null : iso(row.status_at),
        statuses: byMessage.get(row.wamid) ?? [],
      })),
    };
  }

  async getMessages(ids: readonly string[]): Promise<MessageRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db.all<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE wamid = ANY(@ids::text[])`,
      { ids: [...ids] },
    );
    return rows.map(toRecord);
  }

  async markConversationRead(contact: string, at: Date = new Date(this.#now())): Promise<number> {
    const waId = await this.#key(contact);
    const ms = at.getTime();
    assertTime(ms, 'at');
    return this.#db.tx(async (sql) => {
      const unread = await sql.run(
        'UPDATE conversations SET unread = 0, updated_at = @now WHERE wa_id = @waId AND unread <> 0',
        { now: this.#now(), waId },
      );
      if (unread === 0) return 0;
      return sql.run(
        `UPDATE messages SET status = 'read', status_at = @ms
         WHERE wa_id = @waId AND direction = 'in' AND status = 'received'`,
        { ms, waId },
      );
    });
  }

  async markMessageRead(
    wamid: string,
    at: Date = new Date(this.#now()),
  ): Promise<{ waId: string; changed: number } | null> {
    const ms = at.getTime();
    assertTime(ms, 'at');
    return this.#db.tx(async (sql) => {
      const target = await sql.get<{ wa_id: string; timestamp: number; seq: number }>(
        "SELECT wa_id, timestamp, seq FROM messages WHERE wamid = @wamid AND direction = 'in'",
        { wamid },
      );
      if (target === undefined) return null;
      const changed = await sql.run(
        `UPDATE messages SET status = 'read', status_at = @ms
         WHERE wa_id = @waId AND direction = 'in' AND status = 'received'
           AND (timestamp < @ts OR (timestamp = @ts AND seq <= @seq))`,
        { ms, waId: target.wa_id, ts: target.timestamp, seq: target.seq },
      );
      if (changed > 0)
        await sql.run(
          'UPDATE conversations SET unread = GREATEST(unread - @changed, 0), updated_at = @now WHERE wa_id = @waId',
          { changed, now: this.#now(), waId: target.wa_id },
        );
      return { waId: target.wa_id, changed };
    });
  }

  async addLabel(contact: string, label: string): Promise<boolean> {
    return this.#onContact(
      contact,
      async (sql, waId, now) =>
        (await sql.run(
          `INSERT INTO contact_labels (wa_id, label, created_at) VALUES (@waId, @label, @now)
           ON CONFLICT DO NOTHING`,
          { waId, label, now },
        )) > 0,
    );
  }

  async removeLabel(waId: string, label: string): Promise<boolean> {
    const removed = await this.#db.run('DELETE FROM contact_labels WHERE wa_id = @waId AND label = @label', {
      waId: await this.#key(waId),
      label,
    });
    return removed > 0;
  }

  async setAssignee(waId: string, assignee: string | null): Promise<boolean> {
    return this.#updateConversation(waId, 'assignee', assignee);
  }

  async claimConversation(contact: string, agent: string): Promise<{ claimed: boolean; assignee: string }> {
    return this.#inConversation(contact, async (sql, waId, now) => {
      // of two agents claiming at once, the second's UPDATE waits for the first's row lock, then finds it taken
      const claimed =
        (await sql.run(
          'UPDATE conversations SET assignee = @agent, updated_at = @now WHERE wa_id = @waId AND assignee IS NULL',
          { agent, now, waId },
        )) > 0;
      const row = (await sql.get<{ assignee: string }>(
        'SELECT assignee FROM conversations WHERE wa_id = @waId',
        {
          waId,
        },
      ))!;
      return { claimed, assignee: row.assignee };
    });
  }

  async setConversationStatus(waId: string, status: ConversationStatus): Promise<boolean> {
    if (status !== 'open' && status !== 'resolved')
      throw invalidInput(`unknown conversation status "${status}"`, { code: 'store.bad_status' });
    return this.#updateConversation(waId, 'status', status);
  }

  async lastMessageSeq(): Promise<number> {
    const row = await this.#db.get<{ seq: number | null }>('SELECT max(seq) AS seq FROM messages');
    return row?.seq ?? 0;
  }

  async listMessagesAfter(filter: SequenceFilter): Promise<SequencedMessage[]> {
    const { where, params } = messageConditions(await this.#keyed(filter), filter.limit ?? 500, {
      first: 'seq > @afterSeq',
      indexHint: false,
    });
    const rows = await this.#db.all<MessageRow & { seq: number }>(
      `SELECT seq, ${MESSAGE_COLUMNS}
       FROM messages WHERE ${where.join(' AND ')} ORDER BY seq LIMIT @limit`,
      { ...params, afterSeq: filter.afterSeq },
    );
    return rows.map((row) => ({ ...toRecord(row), seq: row.seq }));
  }

  async followMessages(
    filter: MessageFollowFilter,
    options: FollowOptions,
  ): Promise<Follow<SequencedMessage[]>> {
    return followPgMessages(this.#db, await this.#keyed(filter), options);
  }

  async followConversations(options: FollowOptions): Promise<Follow<string[]>> {
    return followPgConversations(this.#db, options);
  }

  /** The key of the contact an identifier names (phone digits, BSUID, parent BSUID, or the key itself). */
  #key(id: string): Promise<string> {
    return this.#hook.contacts.keyOf(this.#db, id);
  }

  async #keyed<F extends { waId?: string }>(filter: F): Promise<F> {
    return filter.waId === undefined ? filter : { ...filter, waId: await this.#key(filter.waId) };
  }

  // -- contacts: ./postgres-contacts.ts -----------------------------------------------------------

  async resolveContact(ref: string): Promise<ContactRecord> {
    return this.#hook.contacts.resolveRef(this.#db, ref);
  }

  async getContact(waId: string): Promise<ContactRecord | null> {
    return this.#hook.contacts.get(this.#db, await this.#key(waId));
  }

  async listContacts(filter: ContactFilter = {}): Promise<ContactRecord[]> {
    const limit = filter.limit ?? DEFAULT_MESSAGE_LIMIT;
    assertLimit(limit);
    return this.#hook.contacts.list(this.#db, {
      ...(filter.optedOut === undefined ? {} : { optedOut: filter.optedOut }),
      limit,
    });
  }

  async contactEvents(waId: string): Promise<ContactEventRecord[]> {
    return this.#hook.contacts.events(this.#db, await this.#key(waId));
  }

  async pricedMessages(filter: { since?: Date } = {}): Promise<PricedSendRecord[]> {
    const rows = await this.#db.all<{
      wamid: string;
      timestamp: number;
      pricing_category: string;
      pricing_type: string | null;
      reason: string | null;
      phone: string | null;
      user_id: string | null;
      campaign: string | null;
    }>(
      `SELECT m.wamid, m.timestamp, m.pricing_category, m.pricing_type, m.reason,
              c.phone, c.user_id, v.campaign
       FROM messages m JOIN contacts c ON c.wa_id = m.wa_id
       LEFT JOIN conversations v ON v.wa_id = m.wa_id
       WHERE m.direction = 'out' AND m.pricing_category IS NOT NULL AND m.timestamp >= @since
       ORDER BY m.timestamp, m.seq`,
      { since: filter.since?.getTime() ?? 0 },
    );
    return rows.map((r) => ({
      id: r.wamid,
      timestamp: iso(r.timestamp),
      category: r.pricing_category,
      type: r.pricing_type,
      phone: r.phone,
      userId: r.user_id,
      campaign: r.campaign,
      reason: r.reason,
    }));
  }

  async addNote(contact: string, note: { author: string | null; text: string }): Promise<NoteRecord> {
    return this.#onContact(contact, async (sql, waId, at) => {
      const { id } = (await sql.get<{ id: number }>(
        'INSERT INTO notes (wa_id, author, text, created_at) VALUES (@waId, @author, @text, @at) RETURNING id',
        { waId, author: note.author, text: note.text, at },
      ))!;
      return { id, waId, author: note.author, text: note.text, createdAt: iso(at) };
    });
  }

  async notes(contact: string, filter: { limit?: number; before?: Date } = {}): Promise<NoteRecord[]> {
    const limit = filter.limit ?? DEFAULT_MESSAGE_LIMIT;
    assertLimit(limit);
    const rows = await this.#db.all<{
      id: number;
      wa_id: string;
      author: string | null;
      text: string;
      created_at: number;
    }>(
      `SELECT id, wa_id, author, text, created_at FROM notes
       WHERE wa_id = @waId AND created_at < @before ORDER BY created_at DESC, id DESC LIMIT @limit`,
      { waId: await this.#key(contact), before: filter.before?.getTime() ?? Number.MAX_SAFE_INTEGER, limit },
    );
    return rows.reverse().map((r) => ({
      id: r.id,
      waId: r.wa_id,
      author: r.author,
      text: r.text,
      createdAt: iso(r.created_at),
    }));
  }

  async latestMessagingLimit(): Promise<MessagingLimitRecord | null> {
    const row = await this.#db.get<{ field: string; payload: string; received_at: number }>(
      `SELECT field, payload, received_at FROM raw_events
       WHERE field IN ('business_capability_update', 'phone_number_quality_update')
         AND coalesce(payload::jsonb ->> 'max_daily_conversations_per_business',
                      payload::jsonb ->> 'max_daily_conversation_per_phone') IS NOT NULL
       ORDER BY received_at DESC, id DESC LIMIT 1`,
    );
    if (row === undefined) return null;
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    const limit = Number(
      payload.max_daily_conversations_per_business ?? payload.max_daily_conversation_per_phone,
    );
    return {
      limit: limit < 0 || !Number.isFinite(limit) ? null : limit,
      field: row.field,
      receivedAt: iso(row.received_at),
      payload,
    };
  }

  /** Sets one column of a known contact's conversation (created when missing); true when it changed. */
  #updateConversation(
    contact: string,
    column: 'assignee' | 'status',
    value: string | null,
  ): Promise<boolean> {
    return this.#inConversation(
      contact,
      async (sql, waId, now) =>
        (await sql.run(
          `UPDATE conversations SET ${column} = @value, updated_at = @now
           WHERE wa_id = @waId AND ${column} IS DISTINCT FROM @value::text`,
          { value, now, waId },
        )) > 0,
    );
  }

  /** Runs `change` in a transaction on a known contact's conversation, created when missing. */
  #inConversation<T>(
    contact: string,
    change: (sql: Sql, waId: string, now: number) => Promise<T>,
  ): Promise<T> {
    return this.#onContact(contact, async (sql, waId, now) => {
      await sql.run(
        `INSERT INTO conversations (wa_id, created_at, updated_at) VALUES (@waId, @now, @now)
         ON CONFLICT (wa_id) DO NOTHING`,
        { waId, now },
      );
      return change(sql, waId, now);
    });
  }

  /** Runs `change` in a transaction on a contact the store knows (not-found otherwise). */
  async #onContact<T>(
    contact: string,
    change: (sql: Sql, waId: string, now: number) => Promise<T>,
  ): Promise<T> {
    const waId = await this.#key(contact);
    return this.#db.tx(async (sql) => {
      if ((await sql.get('SELECT 1 FROM contacts WHERE wa_id = @waId', { waId })) === undefined)
        throw notFound(`the store knows no contact +${waId}`, { code: 'contact.not_found' });
      return change(sql, waId, this.#now());
    });
  }

  /** The records of a page of conversations, with their last messages read in one query. */
  async #toConversations(rows: ConversationRow[]): Promise<ConversationRecord[]> {
    const seqs = rows.flatMap((r) => (r.last_seq === null ? [] : [r.last_seq]));
    const last = new Map<number, MessageRow>();
    if (seqs.length > 0)
      for (const m of await this.#db.all<MessageRow & { seq: number }>(
        `SELECT seq, ${MESSAGE_COLUMNS} FROM messages WHERE seq = ANY(@seqs::bigint[])`,
        { seqs },
      ))
        last.set(m.seq, m);
    return rows.map((row) => toConversation(row, row.last_seq === null ? undefined : last.get(row.last_seq)));
  }

  async checkConversations(): Promise<ConversationDrift[]> {
    return conversationDrift(this.#db);
  }

  async repairConversations(): Promise<ConversationDrift[]> {
    return repairConversations(this.#db, this.#now());
  }

  // -- the webhook receiver and automatic replies: ./postgres-webhook.ts ---------------------------

  async ingestWebhook(posts: readonly WebhookPost[]): Promise<Array<IngestResult | { error: unknown }>> {
    return this.#hook.ingest(posts);
  }

  async takeAutoReply(id: number, at: Date): Promise<boolean> {
    return this.#hook.take(id, at);
  }

  async finishAutoReply(id: number, outcome: AutoReplyOutcome): Promise<boolean> {
    return this.#hook.finish(id, outcome);
  }

  async pendingAutoReplies(): Promise<AutoReplyRecord[]> {
    return this.#hook.pending();
  }

  async getSetting(key: string): Promise<unknown> {
    return this.#hook.getSetting(this.#db, key);
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    await this.#hook.setSetting(key, value);
  }

  // -- agents: ./postgres-agents.ts ---------------------------------------------------------------

  async addAgent(agent: NewAgent): Promise<AgentRecord | null> {
    return this.#agents.add(agent);
  }

  async listAgents(): Promise<AgentRecord[]> {
    return this.#agents.list(this.#db);
  }

  async getAgent(name: string): Promise<AgentRecord | null> {
    return this.#agents.get(this.#db, name);
  }

  async reassignConversations(from: string, policy: AssignPolicy, at: Date): Promise<Reassigned[]> {
    return this.#hook.reassign(from, policy, at);
  }

  async setAgentAvailable(
    name: string,
    available: boolean,
  ): Promise<{ changed: boolean; agent: AgentRecord } | null> {
    return this.#agents.setAvailable(name, available);
  }

  async removeAgent(name: string): Promise<boolean> {
    return this.#agents.remove(name);
  }

  // -- keeping and erasing data: ./keep.ts ------------------------------------------------------

  async purgeContent(before: Date, options: { dryRun?: boolean } = {}): Promise<PurgeResult> {
    const ms = time(before, 'before');
    return this.#db.tx((sql) => purgeContent(sql, ms, options.dryRun === true));
  }

  async exportContact(contact: string): Promise<ContactExport> {
    return exportContact(this.#db, PG_DIALECT, this, await this.#key(contact));
  }

  async forgetContact(contact: string): Promise<ErasureRecord> {
    const key = await this.#key(contact);
    const now = this.#now();
    return this.#db.tx((sql) => forgetContact(sql, PG_DIALECT, key, now));
  }

  /** Its tables as rows, for `wabox db copy`. */
  tables(): TableRows {
    return postgresTables(this.#db);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.close();
  }
}
