// Following a store (issue 15, item 7): what another connection commits reaches a follower once, filters
// applied. SQLite polls; PostgreSQL is notified (LISTEN/NOTIFY): no query while nothing happens, a
// transaction that commits late with a lower seq is not missed, a dropped connection is reopened.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { PostgresStore } from '../../src/store/postgres.js';
import { channelName } from '../../src/store/postgres-follow.js';
import type { Follow, SequencedMessage } from '../../src/store/store.js';
import { describePg, PG_TEST_URL } from '../helpers/pg.js';
import { describeStores, POSTGRES, type TestStore } from '../helpers/stores.js';

const NOW = new Date('2025-06-10T08:00:00.000Z');
const ASHA = '919876543210';
const BOB = '447700900123';
const CHEN = '8613800138000';
const WAIT = { timeout: 10_000, interval: 10 };

/** Collects what a follow yields in the background; `done` resolves when the iteration ends. */
function collect<T>(follow: Follow<T[]>) {
  const items: T[] = [];
  const batches: T[][] = [];
  const done = (async () => {
    for await (const batch of follow) {
      batches.push(batch);
      items.push(...batch);
    }
  })();
  return { items, batches, done };
}

const ids = (messages: SequencedMessage[]) => messages.map((m) => m.id);

async function pgQuery<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

await describeStores('following the store', (backend) => {
  let follower: TestStore;
  let writer: TestStore;
  let controller: AbortController;

  beforeEach(async () => {
    follower = await backend.open();
    writer = await backend.connect(backend.location(follower));
    await writer.recordInbound({ id: 'seed', waId: ASHA, type: 'text', text: 'old', timestamp: NOW });
    await writer.recordInbound({ id: 'seed.b', waId: BOB, type: 'text', text: 'old', timestamp: NOW });
    controller = new AbortController();
  });

  afterEach(async () => {
    controller.abort('test end');
    await writer.close();
    await follower.close();
  });

  // the PostgreSQL-only tests are defined on that backend only (a SQLite twin would be a skip)
  const pgOnly: typeof it = backend.name === 'postgres' ? it : ((() => {}) as unknown as typeof it);
  const inbound = (id: string, waId = ASHA) =>
    writer.recordInbound({ id, waId, type: 'text', text: id, timestamp: NOW });

  it('messages another connection writes come once each, in order, filters applied; abort ends it', async () => {
    const follow = await follower.followMessages(
      { direction: 'in' },
      { signal: controller.signal, pollMs: 20 },
    );
    expect(follow.mode).toBe(backend.name === 'postgres' ? 'notify' : 'poll');
    const seen = collect(follow);
    await inbound('m1');
    await writer.recordOutbound({
      id: 'o1',
      waId: ASHA,
      type: 'text',
      text: 'out',
      timestamp: NOW,
      status: 'accepted',
    });
    await inbound('m2', BOB);
    await inbound('m1'); // a redelivery is not a new message
    await inbound('m3');
    await vi.waitFor(() => expect(ids(seen.items)).toContain('m3'), WAIT);
    controller.abort('SIGINT');
    await seen.done;
    expect(ids(seen.items)).toEqual(['m1', 'm2', 'm3']);
    expect(seen.items.map((m) => m.seq)).toEqual([...seen.items.map((m) => m.seq)].sort((a, b) => a - b));
  });

  it('a contact filter follows that contact only (any of its identifiers)', async () => {
    const follow = await follower.followMessages({ waId: BOB }, { signal: controller.signal, pollMs: 20 });
    const seen = collect(follow);
    await inbound('a1');
    await inbound('b1', BOB);
    await inbound('b2', BOB);
    await vi.waitFor(() => expect(ids(seen.items)).toEqual(['b1', 'b2']), WAIT);
  });

  it('conversations: assigned, resolved, a new message, a label, a new contact each yield its key', async () => {
    const follow = await follower.followConversations({ signal: controller.signal, pollMs: 20 });
    const seen = collect(follow);
    const after = async (change: () => Promise<unknown>, key: string) => {
      const from = seen.batches.length;
      await change();
      await vi.waitFor(() => expect(seen.batches.slice(from).flat()).toContain(key), WAIT);
    };
    await after(() => writer.setAssignee(ASHA, 'ravi'), ASHA);
    await after(() => writer.setConversationStatus(BOB, 'resolved'), BOB);
    await after(() => inbound('c1', CHEN), CHEN);
    await after(() => writer.addLabel(BOB, 'vip'), BOB);
    await after(() => writer.removeLabel(BOB, 'vip'), BOB);
    await after(() => writer.markConversationRead(ASHA), ASHA);
    await after(() => inbound('a2'), ASHA);
    controller.abort('SIGTERM');
    await seen.done;
  });

  pgOnly(
    'postgres: no query while nothing happens, and a write is heard with the poll interval out of reach',
    async () => {
      const app = `wabox_follow_${randomBytes(4).toString('hex')}`;
      const quiet = await POSTGRES.connect(`${backend.location(follower)}&application_name=${app}`);
      try {
        const options = { signal: controller.signal, pollMs: 3_600_000 };
        const messages = collect(await quiet.followMessages({}, options));
        const conversations = collect(await quiet.followConversations(options));
        await inbound('w1');
        await vi.waitFor(() => expect(ids(messages.items)).toEqual(['w1']), WAIT);
        await vi.waitFor(() => expect(conversations.items).toContain(ASHA), WAIT);
        const activity = () =>
          pgQuery<{ pid: number; query_start: Date; state: string; query: string }>(
            'SELECT pid, query_start, state, query FROM pg_stat_activity WHERE application_name = $1 ORDER BY pid',
            [app],
          );
        const before = await activity();
        // the two LISTEN connections at least; polling (every 250 ms on SQLite) would start queries here
        expect(before.filter((a) => a.query.startsWith('LISTEN')).length).toBe(2);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(await activity()).toEqual(before);
        await inbound('w2');
        await vi.waitFor(() => expect(ids(messages.items)).toEqual(['w1', 'w2']), WAIT);
        controller.abort('SIGINT');
        await Promise.all([messages.done, conversations.done]);
      } finally {
        await quiet.close();
      }
    },
  );

  pgOnly(
    'postgres: a schema without the notify trigger is an error, not a follow that never hears',
    async () => {
      await (writer as PostgresStore).db.run('DROP TRIGGER messages_notify ON messages');
      await expect(follower.followMessages({}, { signal: controller.signal })).rejects.toMatchObject({
        code: 'store.no_notify',
      });
    },
  );

  pgOnly('postgres: a transaction that commits after a later seq is not missed, nor repeated', async () => {
    const seen = collect(await follower.followMessages({}, { signal: controller.signal }));
    const schema = new URL(backend.location(follower)).searchParams.get('schema')!;
    const late = new pg.Client({ connectionString: PG_TEST_URL, options: `-c search_path=${schema}` });
    await late.connect();
    try {
      await late.query('BEGIN');
      const { rows } = await late.query<{ seq: string }>(
        `INSERT INTO messages (wamid, direction, wa_id, type, text, timestamp, status, created_at)
           VALUES ('late', 'in', $1, 'text', 'late', $2, 'received', $2) RETURNING seq`,
        [ASHA, NOW.getTime()],
      );
      await inbound('early');
      await vi.waitFor(() => expect(ids(seen.items)).toEqual(['early']), WAIT);
      expect(Number(rows[0]!.seq)).toBeLessThan(seen.items[0]!.seq);
      await late.query('COMMIT');
      await vi.waitFor(() => expect(ids(seen.items)).toEqual(['early', 'late']), WAIT);
      await inbound('after');
      await vi.waitFor(() => expect(ids(seen.items)).toEqual(['early', 'late', 'after']), WAIT);
    } finally {
      await late.end();
    }
  });

  pgOnly(
    'postgres: a dropped LISTEN connection is reopened and what was written meanwhile is caught up',
    async () => {
      const schema = new URL(backend.location(follower)).searchParams.get('schema')!;
      // a conversation last touched an hour ago: what follows changes only its contact's labels
      await inbound('old', CHEN);
      await pgQuery(
        `UPDATE "${schema}".conversations SET updated_at = updated_at - 3600000 WHERE wa_id = $1`,
        [CHEN],
      );
      const messages = collect(await follower.followMessages({}, { signal: controller.signal }));
      const conversations = collect(await follower.followConversations({ signal: controller.signal }));
      const listening = async (kind: 'm' | 'c') =>
        (
          await pgQuery<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE query = $1', [
            `LISTEN "${channelName(kind, schema)}"`,
          ])
        ).map((r) => r.pid);
      const [m] = await listening('m');
      const [c] = await listening('c');
      expect(m).toBeDefined();
      expect(c).toBeDefined();
      // a label added while nobody listens (committed in the same round trip as the drop) changes no
      // conversation row: it is caught up all the same
      const labeller = new pg.Client({ connectionString: PG_TEST_URL });
      await labeller.connect();
      try {
        await labeller.query(`SET search_path = "${schema}"`);
        await labeller.query('BEGIN');
        await labeller.query("INSERT INTO contact_labels (wa_id, label, created_at) VALUES ($1, 'vip', 0)", [
          CHEN,
        ]);
        await labeller.query(
          `SELECT pg_terminate_backend(pid) FROM unnest(ARRAY[${Number(m)}, ${Number(c)}]) AS pid; COMMIT`,
        );
      } finally {
        await labeller.end();
      }
      await inbound('during');
      await vi.waitFor(async () => {
        expect(await listening('m')).toHaveLength(1);
        expect(await listening('m')).not.toEqual([m]);
      }, WAIT);
      await inbound('later', BOB);
      await vi.waitFor(() => expect(ids(messages.items)).toEqual(['during', 'later']), WAIT);
      await vi.waitFor(
        () => expect(conversations.items).toEqual(expect.arrayContaining([ASHA, BOB, CHEN])),
        WAIT,
      );
    },
  );
});

await describePg('following a store in a schema with a long name', () => {
  // 63 bytes: the longest name PostgreSQL keeps (a longer one would be cut)
  const schema = `wabox_t_${randomBytes(4).toString('hex')}_${'long'.repeat(11)}`;
  afterAll(() => pgQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));

  it('the channel is the md5 of a schema name too long for it, on both sides', async () => {
    expect(Buffer.byteLength(schema)).toBe(61);
    expect(channelName('m', schema)).toMatch(/^wabox_m_[0-9a-f]{32}$/);
    const store = await POSTGRES.connect(`${PG_TEST_URL}?schema=${schema}`);
    const controller = new AbortController();
    try {
      const seen = collect(await store.followMessages({}, { signal: controller.signal }));
      await store.recordInbound({ id: 'x', waId: ASHA, type: 'text', text: 'x', timestamp: NOW });
      await vi.waitFor(() => expect(ids(seen.items)).toEqual(['x']), WAIT);
    } finally {
      controller.abort('test end');
      await store.close();
    }
  });
});
