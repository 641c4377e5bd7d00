// `wabox db copy`: a SQLite store filled from our webhook fixtures and the inbox's own writes, copied to
// PostgreSQL and back, reads the same through the commands; a target with rows is refused; an interrupted
// copy resumes; passwords never show.
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parseWebhook } from '../../src/cloud/webhook-events.js';
import { parseHoursSpec } from '../../src/core/hours.js';
import { toWebhookPost } from '../../src/server/ingest.js';
import { type CopiedTable, copyStore, type TableRows } from '../../src/store/copy.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { run, tempDir } from '../helpers/cli.js';
import { ownWebhookFixtures } from '../helpers/fixtures.js';
import { describePg, dropTestSchemas, PG_TEST_URL, testSchema } from '../helpers/pg.js';
import { POSTGRES } from '../helpers/stores.js';

const T = new Date('2026-11-20T10:00:00Z');

/** A SQLite store with every kind of row: fixtures through the ingest path, labels, notes, agents. */
async function seeded(): Promise<string> {
  const path = join(tempDir('wabox-copy-'), 'wabox.db');
  const store = openSqliteStore(path, { now: () => T.getTime() });
  try {
    for (const { body } of ownWebhookFixtures())
      await store.ingestWebhook([toWebhookPost(parseWebhook(body as { entry: unknown[] }), T)]);
    const [first, second] = await store.listConversations();
    await store.addLabel(first!.waId, 'vip');
    await store.addLabel(first!.waId, 'Ärger');
    await store.addLabel(second!.waId, 'vip');
    await store.addNote(first!.waId, { author: 'asha', text: 'call before 5' });
    await store.addAgent({
      name: 'asha',
      email: null,
      week: parseHoursSpec(['mon-fri 09:00-17:00']),
      timeZone: 'UTC',
    });
    await store.setAssignee(first!.waId, 'asha');
    await store.setConversationStatus(second!.waId, 'resolved');
    await store.recordOutbound({
      id: '',
      waId: second!.waId,
      type: 'text',
      text: 'refused',
      timestamp: T,
      status: 'failed',
      error: { code: 131026, title: 'Message undeliverable' },
    });
    const { id } = (await store.campaigns.create({
      name: 'diwali',
      template: 'offer',
      language: 'en',
      category: 'MARKETING',
      definition: { name: 'offer' },
      mapping: {},
      ref: 'diwali',
      rate: 80,
      startAt: null,
      withinHours: false,
      recipients: [
        { row: 1, waId: first!.waId, values: { body: ['Asha'] } },
        { row: 2, waId: second!.waId, values: { body: ['Ravi'] }, skipped: 'opted out' },
      ],
    }))!;
    await store.campaigns.claim(id, 1);
  } finally {
    await store.close();
  }
  return path;
}

const env = (db: string) => ({ WABOX_DB: db, WABOX_CONFIG_DIR: join(tempDir(), 'config') });

/** What the commands show of a store: every message and the whole inbox, as JSON. */
async function views(db: string): Promise<string[]> {
  const out: string[] = [];
  for (const args of [
    ['messages', 'list', '--json', '--limit', '1000'],
    ['inbox', '--json', '--limit', '1000'],
    ['inbox', '--json', '--label', 'vip'],
  ]) {
    // the inbox's waiting times count to now: one instant for every store
    const r = await run(args, {
      env: env(db),
      overrides: { clock: () => new Date(T.getTime() + 3_600_000) },
    });
    expect(r.code, r.stderr).toBe(0);
    out.push(r.stdout);
  }
  return out;
}

await describePg('db copy', () => {
  afterAll(dropTestSchemas);

  it('SQLite → PostgreSQL → SQLite: the same messages and inbox, verified table by table', async () => {
    const a = await seeded();
    // trust authentication ignores the password: it must not show anywhere
    const pg = `${PG_TEST_URL.replace('postgres://postgres@', 'postgres://postgres:pw-secret-9@')}?schema=${testSchema()}`;
    const b = join(tempDir('wabox-copy-'), 'back.db');
    const there = await run(['db', 'copy', a, pg, '--json'], { env: env(a) });
    expect(there.code, there.stderr).toBe(0);
    const result = JSON.parse(there.stdout) as {
      verified: boolean;
      tables: Array<{ table: string; copied: number }>;
    };
    expect(result.verified).toBe(true);
    expect(result.tables.find((t) => t.table === 'messages')!.copied).toBeGreaterThan(20);
    expect(there.stdout + there.stderr).not.toContain('pw-secret-9');
    const back = await run(['db', 'copy', pg, b], { env: env(a) });
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/^messages\t(\d+)\/\1\tcopied \1\tchecksum ok$/m);
    expect(back.stdout).toMatch(/^campaign_recipients\t2\/2\tcopied 2\tchecksum ok$/m);
    expect(back.stderr).toMatch(/every table verified/);
    expect(back.stdout + back.stderr).not.toContain('pw-secret-9');

    const original = await views(a);
    expect(await views(pg)).toEqual(original);
    expect(await views(b)).toEqual(original);
    for (const db of [pg, b]) {
      const check = await run(['db', 'check', '--json'], { env: env(db) });
      expect(JSON.parse(check.stdout)).toEqual({ differences: [], repaired: false });
    }
    // new rows after the copy get new ids on PostgreSQL (its sequences moved past the copied ones)
    const store = await POSTGRES.connect(pg);
    try {
      expect(
        await store.recordInbound({
          id: 'wamid.after',
          waId: '919876543210',
          type: 'text',
          text: 'x',
          timestamp: T,
        }),
      ).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('a target with rows is refused (exit 2) unless --append; same store and a missing source too', async () => {
    const a = await seeded();
    const b = join(tempDir('wabox-copy-'), 'b.db');
    expect((await run(['db', 'copy', a, b], { env: env(a) })).code).toBe(0);
    expectError(
      await run(['db', 'copy', a, b], { env: env(a) }),
      2,
      /^the target store is not empty \(contacts, contact_ids, .*messages/,
      'copy into a new store, or add --append to add the rows it does not have',
    );
    const appended = await run(['db', 'copy', a, b, '--append', '--json'], { env: env(a) });
    expect(appended.code, appended.stderr).toBe(0);
    expect(
      (JSON.parse(appended.stdout) as { tables: Array<{ copied: number }> }).tables.every(
        (t) => t.copied === 0,
      ),
    ).toBe(true);
    expectError(await run(['db', 'copy', a, a], { env: env(a) }), 2, '<from> and <to> are the same store');
    const missing = join(tempDir(), 'missing.db');
    expectError(
      await run(['db', 'copy', missing, b], { env: env(a) }),
      2,
      `cannot read ${missing}: no such file or directory`,
    );
  });

  it('an interrupted copy resumes where it stopped and ends verified', async () => {
    const a = openSqliteStore(await seeded());
    const target = await POSTGRES.open();
    try {
      const real = target.tables();
      let pages = 0;
      const failing: TableRows = {
        ...real,
        async insert(table: CopiedTable, rows) {
          if (table.name === 'messages' && ++pages === 3) throw new Error('connection lost');
          return real.insert(table, rows);
        },
      };
      const options = { append: false, sourceName: 'a.db', pageSize: 4, now: T.getTime() };
      await expect(copyStore(a.tables(), failing, options)).rejects.toThrow('connection lost');
      const half = await POSTGRES.rows<{ n: number }>(target, 'SELECT count(*) AS n FROM messages');
      expect(half).toEqual([{ n: 8 }]);
      // another source is refused: the target has rows
      await expect(copyStore(a.tables(), real, { ...options, sourceName: 'other.db' })).rejects.toThrow(
        /not empty/,
      );
      const resumed = await copyStore(a.tables(), real, options);
      expect(resumed).toMatchObject({ resumed: true, verified: true });
      expect(resumed.tables.find((t) => t.table === 'messages')!.copied).toBe(
        resumed.tables.find((t) => t.table === 'messages')!.source.rows - 8,
      );
    } finally {
      await a.close();
      await target.close();
    }
  });
});
