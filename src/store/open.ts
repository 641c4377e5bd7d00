// The library's way in: opens the store a location names — a `postgres://` URL (PostgreSQL, ./postgres.ts)
// or a SQLite file path (./sqlite.ts) — loading its driver only when called.
import { POSTGRES_URL } from '../core/db-location.js';
import type { PostgresStore, PostgresStoreOptions } from './postgres.js';
import type { SqliteStore, SqliteStoreOptions } from './sqlite.js';

export interface OpenStoreOptions {
  /** The clock of the times the store records itself; default Date.now. */
  now?: () => number;
  /** Used when the location is a SQLite file. */
  sqlite?: Omit<SqliteStoreOptions, 'now'>;
  /** Used when the location is a PostgreSQL URL. */
  postgres?: Omit<PostgresStoreOptions, 'now'>;
}

export async function openStore(
  location: string,
  options: OpenStoreOptions = {},
): Promise<SqliteStore | PostgresStore> {
  const now = options.now === undefined ? {} : { now: options.now };
  if (POSTGRES_URL.test(location)) {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore(location, { ...options.postgres, ...now });
  }
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore(location, { ...options.sqlite, ...now });
}
