// The embedded Store: one SQLite file through better-sqlite3 (DESIGN.md §6). WAL so the webhook
// receiver writes while a CLI command reads; busy_timeout so two processes wait for each other instead
// of failing; foreign keys on; the schema migrated at open (./schema.ts).
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { configInvalid, invalidInput, WaboxError } from '../core/errors.js';
import { LATEST_VERSION, MIGRATIONS } from './schema.js';
import {
  DEFAULT_MESSAGE_LIMIT,
  type Direction,
  type InboundRecord,
  type MessageError,
  type MessageFilter,
  type MessageRecord,
  type MessageStatus,
  type OutboundRecord,
  type StatusRecord,
  type Store,
} from './store.js';

export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /**
   * FULL (default): a committed write survives a power cut. NORMAL: survives a crash of the process
   * (enough for SIGKILL), faster.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

/** Ranks for moving an outbound message's status forward only. */
const STATUS_RANK: Record<string, number> = {
  accepted: 0,
  sent: 1,
  failed: 2,
  delivered: 3,
  read: 4,
  played: 5,
};

interface MessageRow {
  wamid: string;
  direction: Direction;
  wa_id: string;
  type: string;
  text: string | null;
  timestamp: number;
  status: MessageStatus;
  error: string | null;
  reply_to: string | null;
  reason: string | null;
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
    db.pragma('foreign_keys = ON');
    migrate(db);
    return new SqliteStore(db, path);
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
export function migrate(db: Database.Database): number {
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
        Date.now(),
      );
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return current();
}

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly path: string;

  constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.path = path;
  }

  /** The underlying connection, for the store's own tests and for migrations by later issues. */
  get db(): Database.Database {
    return this.#db;
  }

  async recordOutbound(record: OutboundRecord): Promise<void> {
    const at = record.timestamp.getTime();
    assertTime(at, 'timestamp');
    const db = this.#db;
    const wamid = record.id || `local.${randomUUID()}`;
    db.transaction(() => {
      this.#upsertContact(record.waId, Date.now());
      const inserted = db
        .prepare(
          `INSERT INTO messages (wamid, direction, wa_id, type, text, payload, timestamp, status, status_at,
             error, reply_to, reason, phone_number_id, created_at)
           VALUES (?, 'out', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (wamid) DO NOTHING`,
        )
        .run(
          wamid,
          record.waId,
          record.type,
          record.text,
          json(record.payload),
          at,
          record.status,
          at,
          json(record.error ?? null),
          record.replyTo ?? null,
          record.reason ?? null,
          record.phoneNumberId ?? null,
          Date.now(),
        );
      if (inserted.changes === 0) return;
      db.prepare(
        `INSERT INTO conversations (wa_id, last_outbound_at, last_message_at, created_at, updated_at)
         VALUES (@waId, @at, @at, @now, @now)
         ON CONFLICT (wa_id) DO UPDATE SET
           last_outbound_at = max(coalesce(last_outbound_at, 0), excluded.last_outbound_at),
           last_message_at = max(coalesce(last_message_at, 0), excluded.last_message_at),
           updated_at = excluded.updated_at`,
      ).run({ waId: record.waId, at, now: Date.now() });
      // a status the webhook delivered before the send was recorded (a fast receiver) still counts
      const events = db
        .prepare('SELECT status, timestamp, error FROM status_events WHERE wamid = ?')
        .all(wamid) as Array<{ status: string; timestamp: number; error: string | null }>;
      for (const event of events) this.#advanceStatus(wamid, event.status, event.timestamp, event.error);
    }).immediate();
  }

  async recordInbound(record: InboundRecord): Promise<boolean> {
    const at = record.timestamp.getTime();
    assertTime(at, 'timestamp');
    const db = this.#db;
    return db
      .transaction(() => {
        const now = Date.now();
        this.#upsertContact(record.waId, now, record.name ?? null);
        const inserted = db
          .prepare(
            `INSERT INTO messages (wamid, direction, wa_id, type, text, payload, timestamp, status, status_at,
             reply_to, phone_number_id, created_at)
           VALUES (?, 'in', ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?)
           ON CONFLICT (wamid) DO NOTHING`,
          )
          .run(
            record.id,
            record.waId,
            record.type,
            record.text,
            json(record.payload),
            at,
            at,
            record.replyTo ?? null,
            record.phoneNumberId ?? null,
            now,
          );
        if (inserted.changes === 0) return false;
        db.prepare(
          `UPDATE contacts SET
           first_seen_at = min(coalesce(first_seen_at, @at), @at),
           last_seen_at = max(coalesce(last_seen_at, @at), @at),
           updated_at = @now
         WHERE wa_id = @waId`,
        ).run({ at, now, waId: record.waId });
        db.prepare(
          `INSERT INTO conversations (wa_id, last_inbound_at, last_message_at, unread, created_at, updated_at)
         VALUES (@waId, @at, @at, 1, @now, @now)
         ON CONFLICT (wa_id) DO UPDATE SET
           last_inbound_at = max(coalesce(last_inbound_at, 0), excluded.last_inbound_at),
           last_message_at = max(coalesce(last_message_at, 0), excluded.last_message_at),
           unread = unread + 1,
           status = 'open',
           updated_at = excluded.updated_at`,
        ).run({ waId: record.waId, at, now });
        return true;
      })
      .immediate();
  }

  async recordStatus(record: StatusRecord): Promise<boolean> {
    const at = record.timestamp.getTime();
    assertTime(at, 'timestamp');
    const db = this.#db;
    return db
      .transaction(() => {
        const error = json(record.error ?? null);
        const inserted = db
          .prepare(
            `INSERT INTO status_events (wamid, status, timestamp, recipient_wa_id, error, payload, received_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (wamid, status) DO NOTHING`,
          )
          .run(record.id, record.status, at, record.waId ?? null, error, json(record.payload), Date.now());
        if (inserted.changes === 0) return false;
        this.#advanceStatus(record.id, record.status, at, error);
        return true;
      })
      .immediate();
  }

  async listMessages(filter: MessageFilter = {}): Promise<MessageRecord[]> {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (filter.waId !== undefined) {
      where.push('wa_id = ?');
      params.push(filter.waId);
    }
    if (filter.direction !== undefined) {
      where.push('direction = ?');
      params.push(filter.direction);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.since !== undefined) {
      const since = filter.since.getTime();
      assertTime(since, 'since');
      where.push('timestamp >= ?');
      params.push(since);
    }
    const limit = filter.limit ?? DEFAULT_MESSAGE_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw invalidInput(`limit must be a positive integer, got ${limit}`, { code: 'store.bad_limit' });
    params.push(limit);
    const rows = this.#db
      .prepare(
        `SELECT wamid, direction, wa_id, type, text, timestamp, status, error, reply_to, reason
         FROM messages ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY timestamp DESC, seq DESC LIMIT ?`,
      )
      .all(...params) as MessageRow[];
    return rows.map(toRecord);
  }

  async lastInboundAt(waId: string): Promise<Date | null> {
    const row = this.#db
      .prepare('SELECT last_inbound_at AS at FROM conversations WHERE wa_id = ?')
      .get(waId) as { at: number | null } | undefined;
    return row?.at == null ? null : new Date(row.at);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #upsertContact(waId: string, now: number, name: string | null = null): void {
    this.#db
      .prepare(
        `INSERT INTO contacts (wa_id, name, created_at, updated_at) VALUES (@waId, @name, @now, @now)
         ON CONFLICT (wa_id) DO UPDATE SET
           name = coalesce(excluded.name, name),
           updated_at = CASE WHEN excluded.name IS NOT NULL THEN excluded.updated_at ELSE updated_at END`,
      )
      .run({ waId, name, now });
  }

  /** Moves an outbound message's status forward (never back: a late `delivered` keeps `read`). */
  #advanceStatus(wamid: string, status: string, at: number, error: string | null): void {
    const row = this.#db
      .prepare("SELECT status FROM messages WHERE wamid = ? AND direction = 'out'")
      .get(wamid) as { status: string } | undefined;
    if (row === undefined) return;
    const next = STATUS_RANK[status];
    if (next === undefined || next <= (STATUS_RANK[row.status] ?? -1)) return;
    this.#db
      .prepare('UPDATE messages SET status = ?, status_at = ?, error = coalesce(?, error) WHERE wamid = ?')
      .run(status, at, status === 'failed' ? error : null, wamid);
  }
}

function toRecord(row: MessageRow): MessageRecord {
  return {
    id: row.wamid,
    direction: row.direction,
    waId: row.wa_id,
    type: row.type,
    text: row.text,
    timestamp: new Date(row.timestamp).toISOString(),
    status: row.status,
    error: row.error === null ? null : (JSON.parse(row.error) as MessageError | null),
    replyTo: row.reply_to,
    reason: row.reason,
  };
}

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function assertTime(ms: number, what: string): void {
  if (!Number.isFinite(ms)) throw invalidInput(`${what} is not a valid time`, { code: 'store.bad_time' });
}
