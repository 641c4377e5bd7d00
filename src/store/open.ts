// The library's way in: opens the SQLite store, loading better-sqlite3 (a native module) only when called.
import type { SqliteStore, SqliteStoreOptions } from './sqlite.js';

export async function openStore(path: string, options?: SqliteStoreOptions): Promise<SqliteStore> {
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore(path, options);
}
