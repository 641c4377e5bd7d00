// The store suites run on both backends: a SQLite file in a temp dir, and a PostgreSQL schema of its own
// (test/helpers/pg.ts; skipped with the reason printed, or failing under WABOX_REQUIRE_PG=1).
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from './cli.js';
import { describePg, dropTestSchemas, PG_TEST_URL, testSchema } from './pg.js';

export type TestStore = SqliteStore | PostgresStore;

export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  /** A new, empty store; `location` is what WABOX_DB names it by (for child processes). */
  open(options?: { now?: () => number }): Promise<TestStore>;
  /** Another connection to the store at `location` (another process would open it so). */
  connect(location: string, options?: { now?: () => number }): Promise<TestStore>;
  /** Where a store lives, as WABOX_DB gives it. */
  location(store: TestStore): string;
  /** The rows of a query on the store's own connection (SQL both dialects read alike). */
  rows<R = Record<string, unknown>>(store: Store, sql: string): Promise<R[]>;
}

export const SQLITE: StoreBackend = {
  name: 'sqlite',
  async open(options) {
    return openSqliteStore(join(tempDir('wabox-store-'), 'wabox.db'), options);
  },
  async connect(location, options) {
    return openSqliteStore(location, options);
  },
  location: (store) => (store as SqliteStore).path,
  async rows<R>(store: Store, sql: string) {
    return (store as SqliteStore).db.prepare(sql).all() as R[];
  },
};

const locations = new WeakMap<TestStore, string>();

export const POSTGRES: StoreBackend = {
  name: 'postgres',
  async open(options) {
    return this.connect(`${PG_TEST_URL}?schema=${testSchema()}`, options);
  },
  async connect(location, options) {
    const store = await openPostgresStore(location, { max: 4, ...options });
    locations.set(store, location);
    return store;
  },
  location: (store) => locations.get(store)!,
  async rows<R>(store: Store, sql: string) {
    return (store as PostgresStore).db.all<R>(sql);
  },
};

/** Runs `body` once per backend, in a describe named after it. */
export async function describeStores(name: string, body: (backend: StoreBackend) => void): Promise<void> {
  describe(`${name} (sqlite)`, () => body(SQLITE));
  await describePg(`${name} (postgres)`, () => {
    afterAll(dropTestSchemas);
    body(POSTGRES);
  });
}
