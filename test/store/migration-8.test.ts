// Migration 8 (erasures, forgotten_messages) on a store left at version 7 by the previous release, on
// both backends: the data stays, and the new tables work (a contact from before is forgotten).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.js';
import { PgDb } from '../../src/store/postgres-db.js';
import { PG_MIGRATIONS } from '../../src/store/postgres-schema.js';
import { LATEST_VERSION, MIGRATIONS } from '../../src/store/schema.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/cli.js';
import { describePg, dropTestSchemas, PG_TEST_URL, testSchema } from '../helpers/pg.js';

const ASHA = '919876543210';
// what version 7 holds: a contact with a conversation and a message
const SEED = `
INSERT INTO contacts (wa_id, name, phone, created_at, updated_at) VALUES ('${ASHA}', 'Asha', '${ASHA}', 1, 1);
INSERT INTO contact_ids (kind, value, wa_id, created_at) VALUES ('phone', '${ASHA}', '${ASHA}', 1);
INSERT INTO conversations (wa_id, last_inbound_at, last_message_at, last_seq, unread, awaiting_since, created_at, updated_at)
  VALUES ('${ASHA}', 2, 2, 1, 1, 2, 1, 1);
INSERT INTO messages (seq, wamid, direction, wa_id, type, text, timestamp, status, created_at)
  VALUES (1, 'wamid.v7', 'in', '${ASHA}', 'text', 'from before', 2, 'received', 2);
`;

/** The store from version 7 reads as before, then forgets its contact and refuses the redelivery. */
async function upgradedWorks(store: Store): Promise<void> {
  expect((await store.listMessages()).map((m) => [m.id, m.text])).toEqual([['wamid.v7', 'from before']]);
  expect(await store.checkConversations()).toEqual([]);
  const erasure = await store.forgetContact(ASHA);
  expect(erasure.counts).toMatchObject({ messages: 1, forgottenMessages: 1, identifiers: 1 });
  expect(
    await store.recordInbound({
      id: 'wamid.v7',
      waId: ASHA,
      type: 'text',
      text: 'again',
      timestamp: new Date(2),
    }),
  ).toBe(false);
  expect(await store.listMessages()).toEqual([]);
}

describe('migration 8 on SQLite', () => {
  it('a store at version 7 upgrades to 8, keeps its rows and forgets', async () => {
    const dir = tempDir('wabox-v7-');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'wabox.db');
    const raw = new Database(path);
    raw.exec(`CREATE TABLE schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
    for (const m of MIGRATIONS.filter((m) => m.version <= 7)) {
      raw.exec(m.sql);
      raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, 1)').run(m.version, m.name);
    }
    raw.pragma('user_version = 7');
    raw.exec(SEED);
    raw.close();
    const store = openSqliteStore(path);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      await upgradedWorks(store);
    } finally {
      await store.close();
    }
  });
});

await describePg('migration 8 on PostgreSQL', () => {
  afterAll(dropTestSchemas);

  it('a schema at version 7 upgrades to 8, keeps its rows and forgets', async () => {
    const url = `${PG_TEST_URL}?schema=${testSchema()}`;
    const old = new PgDb(url);
    try {
      expect(await old.migrate(PG_MIGRATIONS.filter((m) => m.version <= 7))).toBe(7);
      await old.session((client) => client.query(SEED));
    } finally {
      await old.close();
    }
    const store = await openPostgresStore(url);
    try {
      const applied = await store.db.all<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY 1',
      );
      expect(applied.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
      await upgradedWorks(store);
    } finally {
      await store.close();
    }
  });
});
