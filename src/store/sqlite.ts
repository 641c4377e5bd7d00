// The embedded Store: one SQLite file through better-sqlite3 (DESIGN.md §6). WAL so the webhook
// receiver writes while a CLI command reads; busy_timeout so two processes wait for each other instead
// of failing; foreign keys on; the schema migrated at open (./schema.ts).

import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AssignPolicy } from '../core/assign.js';
import { configInvalid, invalidInput, notFound, WaboxError } from '../core/errors.js';
import { CampaignTables } from './campaigns.js';
import { sqliteTables, type TableRows } from './copy.js';
import { CsatTables } from './csat.js';
import { exportContact, forgetContact, purgeContent, SQLITE_DIALECT } from './keep.js';
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
import { LATEST_VERSION, MIGRATIONS } from './schema.js';
import { SqliteAgents } from './sqlite-agents.js';
import { conversationDrift, repairConversations } from './sqlite-conversation-state.js';
import { followSqliteConversations, followSqliteMessages } from './sqlite-follow.js';
import { SqliteSqlDb } from './sqlite-sql.js';
import { SqliteWebhookWriter } from './sqlite-webhook.js';
import type {
  AgentRecord,
  AutoReplyOutcome,
  AutoReplyRecord,
  ContactEventRecord,
  ContactExport,
  ContactFilter,
  ContactRecord,
  ErasureRecord,
  Follow,
  FollowOptions,
  IngestResult,
  MessageFollowFilter,
  MessagingLimitRecord,
  NewAgent,
  NoteRecord,
  PricedSendRecord,
  PurgeResult,
  Reassigned,
  WebhookPost,
} from './store.js';
import {
  type ConversationDrift,
  type ConversationFilter,
  type ConversationRecord,
  type ConversationStatus,
  DEFAULT_MESSAGE_LIMIT,
  type InboundRecord,
  type ListedMessage,
  type MessageFilter,
  type MessageRecord,
  type OutboundRecord,
  type SequencedMessage,
  type SequenceFilter,
  type StatusEventRecord,
  type StatusRecord,
  type Store,
  type Thread,
} from './store.js';

export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /**
   * FULL (default): a committed write survives a power cut. NORMAL: survives a crash of the process
   * (enough for SIGKILL), faster.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * How many WAL pages make a commit copy the WAL back into the database file (a checkpoint; SQLite's
   * default is 1000). A writer that commits all day checkpoints less often with more: the pages many
   * commits rewrite (index leaves, conversation rows) are copied and synced once per checkpoint.
   */
  walAutocheckpointPages?: number;
  /**
   * SQLite's page cache for this connection, in KiB (better-sqlite3 builds with 16000). A long-lived writer keeps
   * the index pages every insert touches (wamid, contact and time) in memory as the store grows.
   */
  cacheSizeKb?: number;
  /**
   * How long a webhook ingest waits for another process's write lock, in ms (default: busyTimeoutMs).
   * The wait blocks the thread; the receiver sets 0 and retries without blocking (server/ingest.ts).
   * When it runs out, ingestWebhook throws a transient `store.busy` error and nothing is stored. The
   * automatic replies' writes and setSetting wait busyTimeoutMs; other writes of this store wait
   * whichever of the two was set last (use it on a connection that only ingests, as the receiver does).
   */
  ingestBusyTimeoutMs?: number;
  /** The clock of the times the store records itself (created/updated/applied at); default Date.now. */
  now?: () => number;
}

/** Opens (creating file, parent dir and schema as needed) the SQLite store at `path`. */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  let db: Database.Database | undefined;
  try {
    if (path !== ':memory:') createPrivateFile(path);
    db = new Database(path);
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    if (options.walAutocheckpointPages !== undefined)
      db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.trunc(options.walAutocheckpointPages))}`);
    if (options.cacheSizeKb !== undefined)
      db.pragma(`cache_size = -${Math.max(1, Math.trunc(options.cacheSizeKb))}`);
    db.pragma('foreign_keys = ON');
    const now = options.now ?? Date.now;
    migrate(db, now);
    return new SqliteStore(db, path, options.ingestBusyTimeoutMs, now);
  } catch (err) {
    db?.close();
    if (err instanceof WaboxError) throw err;
    throw configInvalid(`cannot open the store at ${path}: ${(err as Error).message}`, {
      code: 'store.open_failed',
      hint: 'check the path, its permissions, and that it is a wabox SQLite file',
      cause: err,
    });
  }
}

/** The file with mode 0600 (WAL and shm files inherit it) and its directory (0700) when missing. */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
}

/** Applies every migration newer than the file, each in its own IMMEDIATE transaction. */
export function migrate(db: Database.Database, now: () => number = Date.now): number {
  const current = () => db.pragma('user_version', { simple: true }) as number;
  if (current() > LATEST_VERSION) {
    throw configInvalid(
      `the store ${db.name} has schema version ${current()}, newer than this wabox knows (${LATEST_VERSION})`,
      { code: 'store.too_new', hint: 'upgrade wabox' },
    );
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
  for (const migration of MIGRATIONS) {
    if (migration.version <= current()) continue;
    db.transaction(() => {
      // re-read under the write lock: another process may have migrated meanwhile
      if (migration.version <= current()) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        now(),
      );
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return current();
}

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly path: string;
  readonly #ingestBusyTimeoutMs: number | undefined;
  readonly #now: () => number;
  /** The connection as the code written once for both stores queries it (./sql.ts). */
  readonly #sql: SqliteSqlDb;

  constructor(
    db: Database.Database,
    path: string,
    ingestBusyTimeoutMs?: number,
    now: () => number = Date.now,
  ) {
    this.#db = db;
    this.path = path;
    this.#ingestBusyTimeoutMs = ingestBusyTimeoutMs;
    this.#now = now;
    this.#sql = new SqliteSqlDb(db, now);
    this.campaigns = new CampaignTables(this.#sql);
    this.csat = new CsatTables(this.#sql);
  }

  readonly campaigns: CampaignTables;
  readonly csat: CsatTables;

  /** The underlying connection, for the store's own tests and for migrations by later issues. */
  get db(): Database.Database {
    return this.#db;
  }

  // The single-record writes share the webhook writer's statements (./sqlite-webhook.ts), each in a
  // transaction of its own.

  async recordOutbound(record: OutboundRecord): Promise<boolean> {
    const id = record.id || `local.${randomUUID()}`;
    return this.#db
      .transaction(() => this.#hook.outbound({ ...record, id }, record.status, this.#now()))
      .immediate();
  }

  async recordOutboundMany(records: readonly OutboundRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.#db
      .transaction(() => {
        for (const record of records)
          this.#hook.outbound(
            { ...record, id: record.id || `local.${randomUUID()}` },
            record.status,
            this.#now(),
          );
      })
      .immediate();
  }

  async recordInbound(record: InboundRecord): Promise<boolean> {
    return this.#db.transaction(() => this.#hook.inbound(record, this.#now()) !== null).immediate();
  }

  async recordStatus(record: StatusRecord): Promise<boolean> {
    return this.#db.transaction(() => this.#hook.status(record, this.#now())).immediate();
  }

  async listMessages(filter: MessageFilter = {}): Promise<ListedMessage[]> {
    const { where, params } = messageConditions(this.#keyed(filter), filter.limit ?? DEFAULT_MESSAGE_LIMIT, {
      indexHint: true,
    });
    const rows = this.#db
      .prepare(
        `SELECT seq, ${MESSAGE_COLUMNS}
         FROM messages ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY timestamp DESC, seq DESC LIMIT @limit`,
      )
      .all(params) as Array<MessageRow & { seq: number }>;
    return rows.map((row) => ({ ...toRecord(row), cursor: { at: row.timestamp, id: row.seq } }));
  }

  async lastInboundAt(waId: string): Promise<Date | null> {
    const row = this.#db
      .prepare('SELECT last_inbound_at AS at FROM conversations WHERE wa_id = ?')
      .get(this.#key(waId)) as { at: number | null } | undefined;
    return row?.at == null ? null : new Date(row.at);
  }

  // -- the inbox ---------------------------------------------------------------------------

  async listConversations(filter: ConversationFilter = {}): Promise<ConversationRecord[]> {
    // each condition is written as the partial index that serves it (schema.ts, migration 4) says
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (filter.unread) where.push('c.unread > 0');
    if (filter.unanswered) where.push("c.status = 'open' AND c.awaiting_since IS NOT NULL");
    if (filter.status !== undefined) {
      where.push('c.status = ?');
      params.push(filter.status);
    }
    if (filter.assignee === null) where.push('c.assignee IS NULL');
    else if (filter.assignee !== undefined) {
      where.push('c.assignee = ?');
      params.push(filter.assignee);
    }
    if (filter.waIds !== undefined) {
      where.push('c.wa_id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.waIds));
    }
    // a label's conversations come from its rows, which carry the conversation's place (migration 4)
    const byLabel = filter.label !== undefined;
    const [at, id] = byLabel ? ['l.sort_at', 'l.conversation_id'] : [SORT_AT, 'c.id'];
    if (byLabel) {
      where.push('l.label = ?');
      params.push(filter.label!);
    }
    if (filter.before !== undefined) {
      where.push(`(${at}, ${id}) < (?, ?)`);
      params.push(...keysetParams(filter.before));
    }
    const limit = filter.limit ?? DEFAULT_MESSAGE_LIMIT;
    assertLimit(limit);
    params.push(limit);
    const rows = this.#db
      .prepare(
        `SELECT ${CONVERSATION_COLUMNS}
         FROM ${
           byLabel ? 'contact_labels l JOIN conversations c ON c.id = l.conversation_id' : 'conversations c'
         }
         JOIN contacts ct ON ct.wa_id = c.wa_id
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY ${at} DESC, ${id} DESC LIMIT ?`,
      )
      .all(...params) as ConversationRow[];
    return this.#toConversations(rows);
  }

  async getConversation(waId: string): Promise<ConversationRecord | null> {
    const row = this.#db
      .prepare(
        `SELECT ${CONVERSATION_COLUMNS}
         FROM contacts ct LEFT JOIN conversations c ON c.wa_id = ct.wa_id
         WHERE ct.wa_id = ?`,
      )
      .get(this.#key(waId)) as ConversationRow | undefined;
    return row === undefined ? null : this.#toConversations([row])[0]!;
  }

  async getThread(contact: string, limit: number): Promise<Thread> {
    const waId = this.#key(contact);
    assertLimit(limit);
    const rows = this.#db
      .prepare(
        `SELECT ${MESSAGE_COLUMNS}, status_at
         FROM messages WHERE wa_id = ? ORDER BY timestamp DESC, seq DESC LIMIT ?`,
      )
      .all(waId, limit + 1) as Array<MessageRow & { status_at: number | null }>;
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit).reverse();
    const events = this.#db
      .prepare(
        `SELECT wamid, status, timestamp, error FROM status_events
         WHERE wamid IN (SELECT value FROM json_each(?)) ORDER BY timestamp, id`,
      )
      .all(JSON.stringify(page.filter((r) => r.direction === 'out').map((r) => r.wamid))) as Array<{
      wamid: string;
      status: string;
      timestamp: number;
      error: string | null;
    }>;
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
    const rows = this.#db
      .prepare(
        `SELECT ${MESSAGE_COLUMNS}
         FROM messages WHERE wamid IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids)) as MessageRow[];
    return rows.map(toRecord);
  }

  async markConversationRead(contact: string, at: Date = new Date(this.#now())): Promise<number> {
    const waId = this.#key(contact);
    const ms = at.getTime();
    assertTime(ms, 'at');
    const db = this.#db;
    return db
      .transaction(() => {
        // the kept count says whether there is anything to mark: no walk of a read history
        const unread = db
          .prepare('UPDATE conversations SET unread = 0, updated_at = ? WHERE wa_id = ? AND unread <> 0')
          .run(this.#now(), waId).changes;
        if (unread === 0) return 0;
        // +status: the contact's messages (its index), not every unread message of the store
        return db
          .prepare(
            `UPDATE messages SET status = 'read', status_at = ?
             WHERE wa_id = ? AND direction = 'in' AND +status = 'received'`,
          )
          .run(ms, waId).changes;
      })
      .immediate();
  }

  async markMessageRead(
    wamid: string,
    at: Date = new Date(this.#now()),
  ): Promise<{ waId: string; changed: number } | null> {
    const ms = at.getTime();
    assertTime(ms, 'at');
    const db = this.#db;
    return db
      .transaction(() => {
        const target = db
          .prepare("SELECT wa_id, timestamp, seq FROM messages WHERE wamid = ? AND direction = 'in'")
          .get(wamid) as { wa_id: string; timestamp: number; seq: number } | undefined;
        if (target === undefined) return null;
        const changed = db
          .prepare(
            `UPDATE messages SET status = 'read', status_at = @ms
             WHERE wa_id = @waId AND direction = 'in' AND +status = 'received'
               AND (timestamp < @ts OR (timestamp = @ts AND seq <= @seq))`,
          )
          .run({ ms, waId: target.wa_id, ts: target.timestamp, seq: target.seq }).changes;
        if (changed > 0)
          db.prepare(
            'UPDATE conversations SET unread = max(unread - ?, 0), updated_at = ? WHERE wa_id = ?',
          ).run(changed, this.#now(), target.wa_id);
        return { waId: target.wa_id, changed };
      })
      .immediate();
  }

  async addLabel(contact: string, label: string): Promise<boolean> {
    return this.#onContact(
      contact,
      (waId, now) =>
        this.#db
          .prepare(
            'INSERT INTO contact_labels (wa_id, label, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
          )
          .run(waId, label, now).changes > 0,
    );
  }

  async removeLabel(waId: string, label: string): Promise<boolean> {
    const removed = this.#db
      .prepare('DELETE FROM contact_labels WHERE wa_id = ? AND label = ?')
      .run(this.#key(waId), label).changes;
    return removed > 0;
  }

  async setAssignee(waId: string, assignee: string | null): Promise<boolean> {
    return this.#updateConversation(waId, 'assignee', assignee);
  }

  async claimConversation(contact: string, agent: string): Promise<{ claimed: boolean; assignee: string }> {
    return this.#inConversation(contact, (waId, now) => {
      const claimed =
        this.#db
          .prepare(
            'UPDATE conversations SET assignee = ?, updated_at = ? WHERE wa_id = ? AND assignee IS NULL',
          )
          .run(agent, now, waId).changes > 0;
      const row = this.#db.prepare('SELECT assignee FROM conversations WHERE wa_id = ?').get(waId) as {
        assignee: string;
      };
      return { claimed, assignee: row.assignee };
    });
  }

  async setConversationStatus(waId: string, status: ConversationStatus): Promise<boolean> {
    if (status !== 'open' && status !== 'resolved')
      throw invalidInput(`unknown conversation status "${status}"`, { code: 'store.bad_status' });
    return this.#updateConversation(waId, 'status', status);
  }

  async lastMessageSeq(): Promise<number> {
    const row = this.#db.prepare('SELECT max(seq) AS seq FROM messages').get() as { seq: number | null };
    return row.seq ?? 0;
  }

  async listMessagesAfter(filter: SequenceFilter): Promise<SequencedMessage[]> {
    const { where, params } = messageConditions(this.#keyed(filter), filter.limit ?? 500, {
      first: 'seq > @afterSeq',
      indexHint: true,
    });
    const rows = this.#db
      .prepare(
        `SELECT seq, ${MESSAGE_COLUMNS}
         FROM messages WHERE ${where.join(' AND ')} ORDER BY seq LIMIT @limit`,
      )
      .all({ ...params, afterSeq: filter.afterSeq }) as Array<MessageRow & { seq: number }>;
    return rows.map((row) => ({ ...toRecord(row), seq: row.seq }));
  }

  async followMessages(
    filter: MessageFollowFilter,
    options: FollowOptions,
  ): Promise<Follow<SequencedMessage[]>> {
    return followSqliteMessages(this, filter, options);
  }

  async followConversations(options: FollowOptions): Promise<Follow<string[]>> {
    return followSqliteConversations(this.#db, CONVERSATION_COLUMNS, options);
  }

  /**
   * The key of the contact an identifier names (phone digits, BSUID, parent BSUID, or the key itself):
   * the inbox's methods take any of them.
   */
  #key(id: string): string {
    return this.#hook.contacts.keyOf(id);
  }

  #keyed<F extends { waId?: string }>(filter: F): F {
    return filter.waId === undefined ? filter : { ...filter, waId: this.#key(filter.waId) };
  }

  // -- contacts: ./sqlite-contacts.ts ------------------------------------------------------------

  async resolveContact(ref: string): Promise<ContactRecord> {
    return this.#hook.contacts.resolveRef(ref);
  }

  async getContact(waId: string): Promise<ContactRecord | null> {
    return this.#hook.contacts.get(this.#key(waId));
  }

  async listContacts(filter: ContactFilter = {}): Promise<ContactRecord[]> {
    const limit = filter.limit ?? DEFAULT_MESSAGE_LIMIT;
    assertLimit(limit);
    return this.#hook.contacts.list({
      ...(filter.optedOut === undefined ? {} : { optedOut: filter.optedOut }),
      limit,
    });
  }

  async contactEvents(waId: string): Promise<ContactEventRecord[]> {
    return this.#hook.contacts.events(this.#key(waId));
  }

  async pricedMessages(filter: { since?: Date } = {}): Promise<PricedSendRecord[]> {
    const rows = this.#db
      .prepare(
        `SELECT m.wamid, m.timestamp, m.pricing_category, m.pricing_type, m.reason,
                c.phone, c.user_id, v.campaign
         FROM messages m JOIN contacts c ON c.wa_id = m.wa_id
         LEFT JOIN conversations v ON v.wa_id = m.wa_id
         WHERE m.direction = 'out' AND m.pricing_category IS NOT NULL AND m.timestamp >= ?
         ORDER BY m.timestamp, m.seq`,
      )
      .all(filter.since?.getTime() ?? 0) as Array<{
      wamid: string;
      timestamp: number;
      pricing_category: string;
      pricing_type: string | null;
      reason: string | null;
      phone: string | null;
      user_id: string | null;
      campaign: string | null;
    }>;
    return rows.map((r) => ({
      id: r.wamid,
      timestamp: new Date(r.timestamp).toISOString(),
      category: r.pricing_category,
      type: r.pricing_type,
      phone: r.phone,
      userId: r.user_id,
      campaign: r.campaign,
      reason: r.reason,
    }));
  }

  async addNote(contact: string, note: { author: string | null; text: string }): Promise<NoteRecord> {
    return this.#onContact(contact, (waId, at) => {
      const { lastInsertRowid } = this.#db
        .prepare('INSERT INTO notes (wa_id, author, text, created_at) VALUES (?, ?, ?, ?)')
        .run(waId, note.author, note.text, at);
      return { id: Number(lastInsertRowid), waId, author: note.author, text: note.text, createdAt: iso(at) };
    });
  }

  async notes(contact: string, filter: { limit?: number; before?: Date } = {}): Promise<NoteRecord[]> {
    const limit = filter.limit ?? DEFAULT_MESSAGE_LIMIT;
    assertLimit(limit);
    const rows = this.#db
      .prepare(
        `SELECT id, wa_id, author, text, created_at FROM notes
         WHERE wa_id = ? AND created_at < ? ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .all(this.#key(contact), filter.before?.getTime() ?? Number.MAX_SAFE_INTEGER, limit) as Array<{
      id: number;
      wa_id: string;
      author: string | null;
      text: string;
      created_at: number;
    }>;
    return rows.reverse().map((r) => ({
      id: r.id,
      waId: r.wa_id,
      author: r.author,
      text: r.text,
      createdAt: iso(r.created_at),
    }));
  }

  async latestMessagingLimit(): Promise<MessagingLimitRecord | null> {
    const row = this.#db
      .prepare(
        `SELECT field, payload, received_at FROM raw_events
         WHERE field IN ('business_capability_update', 'phone_number_quality_update')
           AND coalesce(json_extract(payload, '$.max_daily_conversations_per_business'),
                        json_extract(payload, '$.max_daily_conversation_per_phone')) IS NOT NULL
         ORDER BY received_at DESC, id DESC LIMIT 1`,
      )
      .get() as { field: string; payload: string; received_at: number } | undefined;
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

  #requireContact(waId: string): void {
    if (this.#db.prepare('SELECT 1 FROM contacts WHERE wa_id = ?').get(waId) === undefined)
      throw notFound(`the store knows no contact +${waId}`, { code: 'contact.not_found' });
  }

  /** Sets one column of a known contact's conversation (created when missing); true when it changed. */
  #updateConversation(contact: string, column: 'assignee' | 'status', value: string | null): boolean {
    return this.#inConversation(contact, (waId, now) => {
      const update = `UPDATE conversations SET ${column} = ?, updated_at = ? WHERE wa_id = ? AND ${column} IS NOT ?`;
      return this.#db.prepare(update).run(value, now, waId, value).changes > 0;
    });
  }

  /** Runs `change` in a write transaction on a known contact's conversation, created when missing. */
  #inConversation<T>(contact: string, change: (waId: string, now: number) => T): T {
    return this.#onContact(contact, (waId, now) => {
      this.#db
        .prepare(
          'INSERT INTO conversations (wa_id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (wa_id) DO NOTHING',
        )
        .run(waId, now, now);
      return change(waId, now);
    });
  }

  /** Runs `change` in a write transaction on a contact the store knows (not-found otherwise). */
  #onContact<T>(contact: string, change: (waId: string, now: number) => T): T {
    const waId = this.#key(contact);
    return this.#db
      .transaction(() => {
        this.#requireContact(waId);
        return change(waId, this.#now());
      })
      .immediate();
  }

  /** The records of a page of conversations, with their last messages read in one query. */
  #toConversations(rows: ConversationRow[]): ConversationRecord[] {
    const seqs = rows.flatMap((r) => (r.last_seq === null ? [] : [r.last_seq]));
    const last = new Map<number, MessageRow>();
    if (seqs.length > 0)
      for (const m of this.#db
        .prepare(`SELECT seq, ${MESSAGE_COLUMNS} FROM messages WHERE seq IN (SELECT value FROM json_each(?))`)
        .all(JSON.stringify(seqs)) as Array<MessageRow & { seq: number }>)
        last.set(m.seq, m);
    return rows.map((row) => toConversation(row, row.last_seq === null ? undefined : last.get(row.last_seq)));
  }

  async checkConversations(): Promise<ConversationDrift[]> {
    return conversationDrift(this.#db);
  }

  async repairConversations(): Promise<ConversationDrift[]> {
    return repairConversations(this.#db, this.#now());
  }

  // -- the webhook receiver and automatic replies: ./sqlite-webhook.ts ------------------------------
  #webhook: SqliteWebhookWriter | undefined;
  get #hook(): SqliteWebhookWriter {
    this.#webhook ??= new SqliteWebhookWriter(this.#db, this.#ingestBusyTimeoutMs, this.#now);
    return this.#webhook;
  }

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
    return this.#hook.getSetting(key);
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    this.#hook.setSetting(key, value);
  }

  // -- agents: ./sqlite-agents.ts -------------------------------------------------------------
  #agentTable: SqliteAgents | undefined;
  get #agents(): SqliteAgents {
    this.#agentTable ??= new SqliteAgents(this.#db, this.#now);
    return this.#agentTable;
  }

  async addAgent(agent: NewAgent): Promise<AgentRecord | null> {
    return this.#agents.add(agent);
  }

  async listAgents(): Promise<AgentRecord[]> {
    return this.#agents.list();
  }

  async getAgent(name: string): Promise<AgentRecord | null> {
    return this.#agents.get(name);
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
    return this.#sql.tx((sql) => purgeContent(sql, ms, options.dryRun === true));
  }

  async exportContact(contact: string): Promise<ContactExport> {
    return exportContact(this.#sql, SQLITE_DIALECT, this, this.#key(contact));
  }

  async forgetContact(contact: string): Promise<ErasureRecord> {
    const key = this.#key(contact);
    return this.#sql.tx((sql) => forgetContact(sql, SQLITE_DIALECT, key, this.#now()));
  }

  /** Backs the store up to `path` with SQLite's online backup (the receiver may keep writing meanwhile). */
  async backup(path: string): Promise<void> {
    await this.#db.backup(path);
  }

  async ping(): Promise<void> {
    this.#db.prepare('SELECT 1').get();
  }

  /** Its tables as rows, for `wabox db copy`. */
  tables(): TableRows {
    return sqliteTables(this.#db);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

/** The inbox's conversation columns, labels aggregated as SQLite does. */
const CONVERSATION_COLUMNS = conversationColumns(`(SELECT group_concat(label, char(31)) FROM
     (SELECT label FROM contact_labels l WHERE l.wa_id = ct.wa_id ORDER BY label))`);
