// The PostgreSQL connection of the store: a pg Pool, queries with named parameters (`@name`, as the SQLite
// statements write them), transactions that retry on a deadlock or serialization failure, and the
// numbered migrations applied once under an advisory lock.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { configInvalid, WaboxError } from '../core/errors.js';
import type { PgMigration } from './postgres-schema.js';
import type { Params, Sql } from './sql.js';

export type { Params, Sql };

export interface PgDbOptions {
  /** The schema the store's tables live in (created when missing); default the URL's `?schema=`, else `public`. */
  schema?: string;
  /** Connections in the pool (default 8). */
  max?: number;
  /** The clock of the times the store records itself; default Date.now. */
  now?: () => number;
}

// BIGINT (20) holds times in ms and ids: well within Number's safe range, so numbers, not strings.
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 || oid === 1700 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as never,
};

/** Retried: 40P01 deadlock_detected, 40001 serialization_failure (PostgreSQL Appendix A). */
const RETRIED = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;
const RETRY_BACKOFF_MS = 20;

/**
 * `@name` → `$n`, compiled once per SQL text, with the name of its server-side prepared statement: the
 * server parses and plans a named statement once per connection instead of on every call (the webhook
 * ingest's hot path; see bench/webhook-ingest.mjs --db). A `*` query is left unnamed: its columns follow the table, and a prepared one
 * fails once a migration changes them (0A000 "cached plan must not change result type").
 */
const compiled = new Map<string, { text: string; names: string[]; name: string | undefined }>();

function compile(sql: string): { text: string; names: string[]; name: string | undefined } {
  let entry = compiled.get(sql);
  if (entry === undefined) {
    const names: string[] = [];
    const text = sql.replace(/@([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      return `$${index + 1}`;
    });
    entry = { text, names, name: /\*\s+FROM\b/i.test(sql) ? undefined : `wabox_${compiled.size}` };
    compiled.set(sql, entry);
  }
  return entry;
}

function values(names: readonly string[], params: Params | undefined, sql: string): unknown[] {
  return names.map((name) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`SQL parameter @${name} is missing: ${sql.slice(0, 80)}`);
    return value;
  });
}

class Queries implements Sql {
  readonly #target: pg.Pool | pg.PoolClient;
  readonly #url: string;
  constructor(target: pg.Pool | pg.PoolClient, url: string) {
    this.#target = target;
    this.#url = url;
  }

  async #query<R>(sql: string, params?: Params): Promise<pg.QueryResult<R & pg.QueryResultRow>> {
    const { text, names, name } = compile(sql);
    try {
      const query = { text, values: values(names, params, sql) };
      return await this.#target.query<R & pg.QueryResultRow>(name === undefined ? query : { ...query, name });
    } catch (error) {
      throw asStoreError(this.#url, error);
    }
  }

  async all<R>(sql: string, params?: Params): Promise<R[]> {
    return (await this.#query<R>(sql, params)).rows;
  }

  async get<R>(sql: string, params?: Params): Promise<R | undefined> {
    return (await this.#query<R>(sql, params)).rows[0];
  }

  async run(sql: string, params?: Params): Promise<number> {
    return (await this.#query(sql, params)).rowCount ?? 0;
  }
}

export class PgDb implements Sql {
  readonly pool: pg.Pool;
  readonly schema: string;
  readonly now: () => number;
  readonly #queries: Queries;
  readonly #config: pg.ClientConfig;
  readonly #url: string;

  constructor(url: string, options: PgDbOptions = {}) {
    this.schema = options.schema ?? schemaOf(url) ?? 'public';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.schema))
      throw configInvalid(
        `"${this.schema}" is not a schema name wabox uses (lower case, digits, _; at most 63)`,
        {
          code: 'store.bad_schema',
        },
      );
    this.now = options.now ?? Date.now;
    this.#config = { connectionString: url, types: TYPES, options: `-c search_path=${this.schema}` };
    this.pool = new pg.Pool({ ...this.#config, max: options.max ?? 8 });
    // a client whose server went away emits 'error' whether idle or checked out (pg/lib/client.js
    // _handleErrorEvent); its queries reject anyway, so the event must not crash the process
    this.pool.on('error', () => {});
    this.pool.on('connect', (client) => client.on('error', () => {}));
    this.#url = url;
    this.#queries = new Queries(this.pool, url);
  }

  /** A client of the pool; a server that cannot be reached is the store's transient error. */
  async #connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw asStoreError(this.#url, error);
    }
  }

  all<R>(sql: string, params?: Params): Promise<R[]> {
    return this.#queries.all<R>(sql, params);
  }

  get<R>(sql: string, params?: Params): Promise<R | undefined> {
    return this.#queries.get<R>(sql, params);
  }

  run(sql: string, params?: Params): Promise<number> {
    return this.#queries.run(sql, params);
  }

  /**
   * Runs `work` in a transaction on one client, committed before this resolves; retried from the start on
   * a deadlock or serialization failure, so `work` must not have effects outside the database.
   */
  async tx<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.#connect();
      const sql = new Queries(client, this.#url);
      let broken = false;
      try {
        await sql.run('BEGIN');
        const result = await work(sql);
        await sql.run('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        if (attempt < MAX_ATTEMPTS && RETRIED.has(sqlState(error) ?? '')) {
          // random backoff, so the transactions that deadlocked do not collide again in step
          await sleep(Math.random() * RETRY_BACKOFF_MS * attempt);
          continue;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }

  /** Runs `work` on one client of its own, outside the pool's rotation (LISTEN, session locks). */
  async session<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }

  /**
   * A connected client of its own, outside the pool (a LISTEN lasts as long as its follow). TCP keepalive
   * notices a peer that vanished without closing; the caller handles its 'error' and 'end'.
   */
  async connect(): Promise<pg.Client> {
    const client = new pg.Client({ ...this.#config, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    return client;
  }

  /** The store's URL without its password: for errors. */
  get location(): string {
    return redactUrl(String(this.#config.connectionString));
  }

  /** Applies the migrations newer than the schema's, each in its own transaction; the version it is at. */
  async migrate(migrations: readonly PgMigration[]): Promise<number> {
    const latest = migrations[migrations.length - 1]!.version;
    return this.session(async (client) => {
      // two processes starting together: the second waits here, then finds nothing to apply
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [`wabox.migrate.${this.schema}`]);
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
        await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
        const current = async () =>
          Number(
            (await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations'))
              .rows[0]?.v ?? 0,
          );
        const at = await current();
        if (at > latest)
          throw configInvalid(`the store has schema version ${at}, newer than this wabox knows (${latest})`, {
            code: 'store.too_new',
            hint: 'upgrade wabox',
          });
        for (const migration of migrations) {
          if (migration.version <= at) continue;
          await client.query('BEGIN');
          try {
            await client.query(migration.sql);
            await client.query(
              'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
              [migration.version, migration.name, this.now()],
            );
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK');
            throw error;
          }
        }
        return current();
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`wabox.migrate.${this.schema}`]);
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** wabox's own URL parameter `?schema=`: several stores (businesses, test runs) in one database. */
function schemaOf(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('schema') ?? undefined;
  } catch {
    return undefined;
  }
}

/** The SQLSTATE of a PostgreSQL error, undefined for anything else. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The connection failed (refused, reset, DNS) or the server is shutting down: worth answering 503. */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof WaboxError) return error.code === 'store.unreachable';
  // pg's own error when the server closes a busy connection: no code (pg/lib/client.js)
  if (error instanceof Error && error.message === 'Connection terminated unexpectedly') return true;
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return false;
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE'].includes(code) ||
    code.startsWith('08') || // connection_exception
    code === '57P01' || // admin_shutdown
    code === '57P03' // cannot_connect_now
  );
}

/** A connection-level failure as the store's error: the URL's password never appears in it. */
export function unreachable(url: string, error: unknown): WaboxError {
  return new WaboxError(
    'transient',
    `cannot reach the PostgreSQL store at ${redactUrl(url)}: ${reason(error)}`,
    {
      code: 'store.unreachable',
      hint: 'check that PostgreSQL runs and the URL (host, port, database, user) is right',
      cause: error,
    },
  );
}

/** A driver error as the store reports it: unreachable is transient and names the URL without its password. */
function asStoreError(url: string, error: unknown): unknown {
  return isUnreachable(error) && !(error instanceof WaboxError) ? unreachable(url, error) : error;
}

/** The URL with its password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}
