import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { WaboxError } from '../../src/core/errors.js';
import { LATEST_VERSION, MIGRATIONS } from '../../src/store/schema.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';
import type { OutboundRecord } from '../../src/store/store.js';
import { tempDir } from '../helpers/cli.js';
import { describeStores, SQLITE, type TestStore } from '../helpers/stores.js';

const T0 = new Date('2025-06-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function out(id: string, waId: string, minutes: number, extra: Partial<OutboundRecord> = {}): OutboundRecord {
  return {
    id,
    waId,
    type: 'text',
    text: `hello ${id}`,
    timestamp: at(minutes),
    status: 'accepted',
    ...extra,
  };
}

function dbPath(): string {
  return join(tempDir('wabox-store-'), 'nested', 'dir', 'wabox.db');
}

function createPrivateDir(path: string): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
}

describe('opening and migrating', () => {
  it("cacheSizeKb sets the page cache; without it the connection keeps better-sqlite3's default", async () => {
    const sized = openSqliteStore(dbPath(), { cacheSizeKb: 32_000 });
    const plain = openSqliteStore(dbPath());
    try {
      expect(sized.db.pragma('cache_size', { simple: true })).toBe(-32_000);
      expect(plain.db.pragma('cache_size', { simple: true })).toBe(-16_000);
    } finally {
      await sized.close();
      await plain.close();
    }
  });

  it('walAutocheckpointPages sets how many WAL pages make a checkpoint', async () => {
    const store = openSqliteStore(dbPath(), { walAutocheckpointPages: 4000 });
    try {
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(4000);
    } finally {
      await store.close();
    }
  });

  it('creates the parent dir and the file with mode 0600, a fresh store keeps what it is given', async () => {
    const path = dbPath();
    const store = openSqliteStore(path);
    try {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
      expect(await store.recordOutbound(out('wamid.1', '919876543210', 0))).toBe(true);
      expect((await store.listMessages()).map((m) => [m.id, m.text])).toEqual([['wamid.1', 'hello wamid.1']]);
      // WAL: the first write creates the log, which inherits the database's mode
      expect(existsSync(`${path}-wal`)).toBe(true);
      expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it('stamps what it records with the clock it is given', async () => {
    const now = T0.getTime() + 123;
    const store = openSqliteStore(dbPath(), { now: () => now });
    try {
      await store.recordInbound({
        id: 'wamid.in',
        waId: '919876543210',
        type: 'text',
        text: 'hi',
        timestamp: at(-5),
      });
      await store.addLabel('919876543210', 'vip');
      const stamps = await SQLITE.rows(
        store,
        `SELECT created_at AS t FROM contacts UNION ALL SELECT updated_at FROM conversations
           UNION ALL SELECT created_at FROM contact_labels UNION ALL SELECT applied_at FROM schema_migrations`,
      );
      expect(stamps.length).toBeGreaterThan(3);
      expect(new Set(stamps.map((r) => (r as { t: number }).t))).toEqual(new Set([now]));
    } finally {
      await store.close();
    }
  });

  it('reopens without migrating again and keeps the data', async () => {
    const path = dbPath();
    const first = openSqliteStore(path, { now: () => 1000 });
    await first.recordOutbound(out('wamid.1', '919876543210', 0));
    await first.close();
    await first.close(); // idempotent
    const second = openSqliteStore(path, { now: () => 2000 });
    try {
      const applied = await SQLITE.rows(second, 'SELECT DISTINCT applied_at FROM schema_migrations');
      expect(applied).toEqual([{ applied_at: 1000 }]);
      expect((await second.listMessages()).map((m) => m.id)).toEqual(['wamid.1']);
    } finally {
      await second.close();
    }
  });

  it('two connections on one file both open (the second sees the schema already there)', async () => {
    const path = dbPath();
    const a = openSqliteStore(path);
    const b = openSqliteStore(path);
    try {
      await a.recordOutbound(out('wamid.a', '447700900123', 0));
      expect((await b.listMessages()).map((m) => m.id)).toEqual(['wamid.a']);
      expect((await SQLITE.rows(b, 'SELECT count(*) AS n FROM schema_migrations'))[0]).toEqual({
        n: MIGRATIONS.length,
      });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a store made by the first schema version keeps its data and takes new messages', async () => {
    const path = dbPath();
    // what wabox with only the first migration made, with a customer in it
    createPrivateDir(path);
    const raw = new Database(path);
    raw.exec(`CREATE TABLE schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
    raw.exec(MIGRATIONS[0]!.sql);
    raw.exec(`INSERT INTO schema_migrations VALUES (1, 'initial', 1);
      PRAGMA user_version = 1;
      INSERT INTO contacts (wa_id, name, first_seen_at, last_seen_at, created_at, updated_at)
        VALUES ('919876543210', 'Asha', 1, 2, 1, 1);
      INSERT INTO conversations (wa_id, last_inbound_at, last_message_at, unread, created_at, updated_at)
        VALUES ('919876543210', 2, 2, 1, 1, 1);
      INSERT INTO messages (wamid, direction, wa_id, type, text, timestamp, status, created_at)
        VALUES ('wamid.old', 'in', '919876543210', 'text', 'still here?', 2, 'received', 2);`);
    raw.close();
    const store = openSqliteStore(path);
    try {
      expect((await store.listConversations()).map((c) => [c.waId, c.name, c.unread])).toEqual([
        ['919876543210', 'Asha', 1],
      ]);
      expect((await store.listMessages()).map((m) => [m.id, m.text])).toEqual([['wamid.old', 'still here?']]);
      await store.recordInbound({
        id: 'wamid.new',
        waId: '919876543210',
        type: 'text',
        text: 'hi',
        timestamp: at(0),
      });
      await store.recordOutbound(out('wamid.out', '919876543210', 1));
      expect((await store.listMessages()).map((m) => m.id).sort()).toEqual([
        'wamid.new',
        'wamid.old',
        'wamid.out',
      ]);
      expect((await store.listConversations()).map((c) => [c.waId, c.name, c.unread])).toEqual([
        ['919876543210', 'Asha', 2],
      ]);
    } finally {
      await store.close();
    }
  });

  it('refuses a store from a newer wabox (config error)', () => {
    const path = dbPath();
    openSqliteStore(path).db.close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    let error: unknown;
    try {
      openSqliteStore(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WaboxError);
    expect((error as WaboxError).kind).toBe('config');
    expect((error as WaboxError).code).toBe('store.too_new');
    expect((error as WaboxError).message).toBe(
      `the store ${path} has schema version ${LATEST_VERSION + 1}, newer than this wabox knows (${LATEST_VERSION})`,
    );
  });

  it('a file that is not a database is a config error naming the path', () => {
    const path = join(tempDir(), 'not-a.db');
    writeFileSync(
      path,
      'this is not sqlite, just some text that is long enough to be a header......'.repeat(20),
    );
    let error: unknown;
    try {
      openSqliteStore(path);
    } catch (err) {
      error = err;
    }
    expect((error as WaboxError).kind).toBe('config');
    expect((error as WaboxError).code).toBe('store.open_failed');
    expect((error as WaboxError).message).toBe(`cannot open the store at ${path}: file is not a database`);
  });

  it('enforces foreign keys', () => {
    const store = openSqliteStore(dbPath());
    try {
      expect(() =>
        store.db
          .prepare(
            "INSERT INTO messages (wamid, direction, wa_id, type, timestamp, status, created_at) VALUES ('x', 'out', 'nobody', 'text', 1, 'accepted', 1)",
          )
          .run(),
      ).toThrow(/FOREIGN KEY constraint failed/);
    } finally {
      store.db.close();
    }
  });
});

await describeStores('records', (backend) => {
  describe('recordOutbound and listMessages', () => {
    async function seeded(): Promise<TestStore> {
      const store = await backend.open();
      await store.recordOutbound(out('wamid.a1', '919876543210', 0, { payload: { to: '919876543210' } }));
      await store.recordOutbound(out('wamid.b1', '447700900123', 10, { type: 'image', text: null }));
      await store.recordOutbound(
        out('', '447700900123', 20, {
          status: 'failed',
          error: { code: 131026, title: 'Message undeliverable', details: 'not on WhatsApp' },
        }),
      );
      await store.recordOutbound(
        out('wamid.a2', '919876543210', 30, { replyTo: 'wamid.in1', reason: 'away' }),
      );
      // same timestamp as a2: insertion order breaks the tie (newest first)
      await store.recordOutbound(out('wamid.a3', '919876543210', 30));
      return store;
    }

    it('returns every field, newest first (ties by insertion order)', async () => {
      const store = await seeded();
      try {
        const all = await store.listMessages();
        expect(all.map((m) => (m.id.startsWith('local.') ? 'local' : m.id))).toEqual([
          'wamid.a3',
          'wamid.a2',
          'local',
          'wamid.b1',
          'wamid.a1',
        ]);
        expect(all[1]).toEqual({
          id: 'wamid.a2',
          direction: 'out',
          waId: '919876543210',
          type: 'text',
          text: 'hello wamid.a2',
          timestamp: '2025-06-01T10:30:00.000Z',
          status: 'accepted',
          error: null,
          replyTo: 'wamid.in1',
          reason: 'away',
          pricing: null,
          cursor: {
            at: Date.parse('2025-06-01T10:30:00.000Z'),
            id: (
              (await backend.rows(store, "SELECT seq FROM messages WHERE wamid = 'wamid.a2'"))[0] as {
                seq: number;
              }
            ).seq,
          },
        });
        expect(all[2]).toMatchObject({
          waId: '447700900123',
          status: 'failed',
          error: { code: 131026, title: 'Message undeliverable', details: 'not on WhatsApp' },
        });
        expect(all[2]!.id).toMatch(/^local\.[0-9a-f-]{36}$/);
        expect(all[3]).toMatchObject({ id: 'wamid.b1', type: 'image', text: null });
        const payload = (
          await backend.rows(store, "SELECT payload FROM messages WHERE wamid = 'wamid.a1'")
        )[0];
        expect(payload).toEqual({ payload: '{"to":"919876543210"}' });
      } finally {
        await store.close();
      }
    });

    it('filters by contact, status, direction and since (inclusive), and limits', async () => {
      const store = await seeded();
      const ids = async (filter: Parameters<SqliteStore['listMessages']>[0]) =>
        (await store.listMessages(filter)).map((m) => (m.id.startsWith('local.') ? 'local' : m.id));
      try {
        expect(await ids({ waId: '919876543210' })).toEqual(['wamid.a3', 'wamid.a2', 'wamid.a1']);
        expect(await ids({ status: 'failed' })).toEqual(['local']);
        expect(await ids({ since: at(10) })).toEqual(['wamid.a3', 'wamid.a2', 'local', 'wamid.b1']);
        expect(await ids({ since: new Date(at(10).getTime() + 1) })).toEqual([
          'wamid.a3',
          'wamid.a2',
          'local',
        ]);
        expect(await ids({ waId: '447700900123', since: at(15) })).toEqual(['local']);
        expect(await ids({ limit: 2 })).toEqual(['wamid.a3', 'wamid.a2']);
        expect(await ids({ direction: 'in' })).toEqual([]);
        expect(await ids({ direction: 'out', limit: 1 })).toEqual(['wamid.a3']);
        await expect(store.listMessages({ limit: 0 })).rejects.toThrow(
          'limit must be a positive integer, got 0',
        );
      } finally {
        await store.close();
      }
    });

    it('records a wamid once: a second message with the same wamid returns false and changes nothing', async () => {
      const store = await backend.open();
      try {
        expect(await store.recordOutbound(out('wamid.same', '919876543210', 0))).toBe(true);
        expect(await store.recordOutbound(out('wamid.same', '447700900123', 10, { text: 'other' }))).toBe(
          false,
        );
        expect(await store.listMessages()).toEqual([
          expect.objectContaining({ id: 'wamid.same', waId: '919876543210', text: 'hello wamid.same' }),
        ]);
      } finally {
        await store.close();
      }
    });

    it('defaults to the newest 50', async () => {
      const store = await backend.open();
      try {
        for (let i = 0; i < 60; i++) await store.recordOutbound(out(`wamid.${i}`, '919876543210', i));
        const list = await store.listMessages();
        expect(list).toHaveLength(50);
        expect(list[0]!.id).toBe('wamid.59');
        expect(list[49]!.id).toBe('wamid.10');
      } finally {
        await store.close();
      }
    });

    it('creates the contact and the conversation, without touching the inbound window', async () => {
      const store = await seeded();
      try {
        expect(await backend.rows(store, 'SELECT wa_id, first_seen_at FROM contacts ORDER BY wa_id')).toEqual(
          [
            { wa_id: '447700900123', first_seen_at: null },
            { wa_id: '919876543210', first_seen_at: null },
          ],
        );
        expect(
          (
            await backend.rows(
              store,
              "SELECT last_outbound_at, last_inbound_at, unread FROM conversations WHERE wa_id = '919876543210'",
            )
          )[0],
        ).toEqual({ last_outbound_at: at(30).getTime(), last_inbound_at: null, unread: 0 });
        expect(await store.lastInboundAt('919876543210')).toBeNull();
      } finally {
        await store.close();
      }
    });
  });

  describe('inbound messages and statuses', () => {
    it('lastInboundAt: null for an unknown contact, the latest inbound time otherwise, never moved back', async () => {
      const store = await backend.open();
      try {
        expect(await store.lastInboundAt('919876543210')).toBeNull();
        const inbound = {
          id: 'wamid.in1',
          waId: '919876543210',
          name: 'Asha',
          type: 'text',
          text: 'Hi',
          timestamp: at(5),
        };
        expect(await store.recordInbound(inbound)).toBe(true);
        expect(await store.lastInboundAt('919876543210')).toEqual(at(5));
        // a redelivery changes nothing
        expect(await store.recordInbound(inbound)).toBe(false);
        // an older message delivered late does not move the window back
        expect(await store.recordInbound({ ...inbound, id: 'wamid.in0', timestamp: at(1) })).toBe(true);
        expect(await store.lastInboundAt('919876543210')).toEqual(at(5));
        expect(await store.lastInboundAt('447700900123')).toBeNull();
        expect((await backend.rows(store, 'SELECT unread, status FROM conversations'))[0]).toEqual({
          unread: 2,
          status: 'open',
        });
        expect((await backend.rows(store, 'SELECT name, first_seen_at FROM contacts'))[0]).toEqual({
          name: 'Asha',
          first_seen_at: at(1).getTime(),
        });
        const list = await store.listMessages({ direction: 'in' });
        expect(list.map((m) => [m.id, m.status])).toEqual([
          ['wamid.in1', 'received'],
          ['wamid.in0', 'received'],
        ]);
      } finally {
        await store.close();
      }
    });

    it('statuses are stored once per (wamid, status) and only move forward', async () => {
      const store = await backend.open();
      try {
        await store.recordOutbound(out('wamid.1', '919876543210', 0));
        expect(await store.recordStatus({ id: 'wamid.1', status: 'sent', timestamp: at(1) })).toBe(true);
        expect(await store.recordStatus({ id: 'wamid.1', status: 'read', timestamp: at(3) })).toBe(true);
        expect(await store.recordStatus({ id: 'wamid.1', status: 'delivered', timestamp: at(2) })).toBe(true);
        expect(await store.recordStatus({ id: 'wamid.1', status: 'read', timestamp: at(3) })).toBe(false);
        expect((await store.listMessages())[0]!.status).toBe('read');
        expect((await backend.rows(store, 'SELECT count(*) AS n FROM status_events'))[0]).toEqual({ n: 3 });
      } finally {
        await store.close();
      }
    });

    it('a failed status carries its error; a status that came before the send was recorded still applies', async () => {
      const store = await backend.open();
      try {
        const error = { code: 131047, title: 'Re-engagement message', details: null };
        await store.recordStatus({ id: 'wamid.2', status: 'failed', timestamp: at(1), error });
        await store.recordOutbound(out('wamid.2', '919876543210', 0));
        const [message] = await store.listMessages();
        expect(message).toMatchObject({ id: 'wamid.2', status: 'failed', error });
      } finally {
        await store.close();
      }
    });
  });
});
