import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeCursor } from '../../src/core/cursor.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { expectError } from '../helpers/assert.js';
import { run, spawnCli, tempDir } from '../helpers/cli.js';

const NOW = new Date('2025-06-10T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
let env: Record<string, string>;

beforeEach(async () => {
  const dir = tempDir();
  env = { WABOX_DB: join(dir, 'wabox.db'), WABOX_CONFIG_DIR: join(dir, 'config') };
  const store = openSqliteStore(env.WABOX_DB!);
  await store.recordOutbound({
    id: 'wamid.old',
    waId: '919876543210',
    type: 'text',
    text: 'Order #41 is ready',
    timestamp: hoursAgo(48),
    status: 'accepted',
  });
  await store.recordOutbound({
    id: 'wamid.img',
    waId: '447700900123',
    type: 'image',
    text: null,
    timestamp: hoursAgo(5),
    status: 'accepted',
  });
  await store.recordOutbound({
    id: 'local.failed-1',
    waId: '447700900123',
    type: 'text',
    text: 'Are you\tthere?\nHello',
    timestamp: hoursAgo(2),
    status: 'failed',
    error: { code: 131026, title: 'Message undeliverable' },
  });
  await store.recordOutbound({
    id: 'wamid.new',
    waId: '919876543210',
    type: 'text',
    text: 'Order #42 is ready',
    timestamp: hoursAgo(1),
    status: 'accepted',
    replyTo: 'wamid.question',
  });
  await store.close();
});

const clock = { clock: () => NOW };
const ids = (stdout: string) => (JSON.parse(stdout) as Array<{ id: string }>).map((m) => m.id);

describe('wabox messages list', () => {
  it('--json: every message, newest first, with the documented fields', async () => {
    const r = await run(['messages', 'list', '--json'], { env, overrides: clock });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const list = JSON.parse(r.stdout);
    expect(list.map((m: { id: string }) => m.id)).toEqual([
      'wamid.new',
      'local.failed-1',
      'wamid.img',
      'wamid.old',
    ]);
    expect(list[0]).toEqual({
      id: 'wamid.new',
      direction: 'out',
      waId: '919876543210',
      userId: null,
      parentUserId: null,
      username: null,
      type: 'text',
      text: 'Order #42 is ready',
      timestamp: '2025-06-10T11:00:00.000Z',
      status: 'accepted',
      error: null,
      replyTo: 'wamid.question',
      reason: null,
      pricing: null,
      cursor: expect.stringMatching(/^[0-9a-z]+\.[0-9a-z]+$/),
    });
    expect(decodeCursor(list[0].cursor).at).toBe(Date.parse('2025-06-10T11:00:00.000Z'));
    expect(list[1]).toMatchObject({
      status: 'failed',
      error: { code: 131026, title: 'Message undeliverable' },
    });
    expect(list[2]).toMatchObject({ type: 'image', text: null });
  });

  it('--to takes any phone form, with --country or the configured default-country', async () => {
    expect(
      ids((await run(['messages', 'list', '--to', '+91 98765 43210', '--json'], { env })).stdout),
    ).toEqual(['wamid.new', 'wamid.old']);
    expect(
      ids(
        (await run(['messages', 'list', '--to', '07700 900123', '--country', 'GB', '--json'], { env }))
          .stdout,
      ),
    ).toEqual(['local.failed-1', 'wamid.img']);
    expect((await run(['config', 'set', 'default-country', 'IN'], { env })).code).toBe(0);
    expect(ids((await run(['messages', 'list', '--to', '098765 43210', '--json'], { env })).stdout)).toEqual([
      'wamid.new',
      'wamid.old',
    ]);
    expect(
      ids((await run(['messages', 'list', '--to', '0044 7700 900124', '--json'], { env })).stdout),
    ).toEqual([]);
  });

  it('--since takes a duration or an ISO time; --status and --limit filter', async () => {
    const list = async (...args: string[]) => {
      const r = await run(['messages', 'list', ...args, '--json'], { env, overrides: clock });
      expect(r.code).toBe(0);
      return ids(r.stdout);
    };
    expect(await list('--since', '24h')).toEqual(['wamid.new', 'local.failed-1', 'wamid.img']);
    expect(await list('--since', '2h')).toEqual(['wamid.new', 'local.failed-1']);
    expect(await list('--since', '2025-06-10T09:00:00+02:00')).toEqual([
      'wamid.new',
      'local.failed-1',
      'wamid.img',
    ]);
    expect(await list('--status', 'failed')).toEqual(['local.failed-1']);
    expect(await list('--limit', '1')).toEqual(['wamid.new']);
    expect(await list('--to', '+919876543210', '--since', '7d', '--limit', '5')).toEqual([
      'wamid.new',
      'wamid.old',
    ]);
  });

  it('plain tab-separated lines in a pipe, text on one line (its tab and newline escaped)', async () => {
    const r = await run(['messages', 'list', '--limit', '3'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '2025-06-10T11:00:00.000Z\tout\t919876543210\ttext\taccepted\tOrder #42 is ready',
        '2025-06-10T10:00:00.000Z\tout\t447700900123\ttext\tfailed\tAre you\\tthere?\\nHello',
        '2025-06-10T07:00:00.000Z\tout\t447700900123\timage\taccepted\t-',
        '',
      ].join('\n'),
    );
  });

  it('a table on a terminal', async () => {
    const r = await run(['messages', 'list', '--status', 'failed'], { env, tty: true });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toMatch(/│ TIME +│ DIR +│ CONTACT +│ TYPE +│ STATUS +│ TEXT +│/);
    expect(r.stdout).toContain('│ → out │ +447700900123 │ text │ failed (131026) │ Are you\\tthere?\\nHello');
  });

  it('--before walks the pages with the cursor of the last row; a terminal gets the next command as a hint', async () => {
    const first = await run(['messages', 'list', '--limit', '2', '--json'], { env });
    const page1 = JSON.parse(first.stdout) as Array<{ id: string; cursor: string }>;
    expect(page1.map((m) => m.id)).toEqual(['wamid.new', 'local.failed-1']);
    // a message stored meanwhile, newer than the cursor: the walk neither repeats nor skips a row
    const store = openSqliteStore(env.WABOX_DB!);
    await store.recordOutbound({
      id: 'wamid.newest',
      waId: '919876543210',
      type: 'text',
      text: 'now',
      timestamp: NOW,
      status: 'accepted',
    });
    await store.close();
    const second = await run(['messages', 'list', '--limit', '2', '--json', '--before', page1[1]!.cursor], {
      env,
    });
    expect(ids(second.stdout)).toEqual(['wamid.img', 'wamid.old']);
    const last = JSON.parse(second.stdout) as Array<{ cursor: string }>;
    expect(
      ids((await run(['messages', 'list', '--json', '--before', last[1]!.cursor], { env })).stdout),
    ).toEqual([]);
    // on a terminal, with more to come: the command for the next page, the filters kept
    const tty = await run(['messages', 'list', '--to', '+919876543210', '--limit', '1'], { env, tty: true });
    expect(tty.code).toBe(0);
    const hint = /^more: wabox messages list --to \+919876543210 --limit 1 --before ([0-9a-z.]+)$/m.exec(
      tty.stderr,
    );
    expect(hint, tty.stderr).not.toBeNull();
    const next = await run(
      ['messages', 'list', '--to', '+919876543210', '--limit', '1', '--before', hint![1]!, '--json'],
      {
        env,
      },
    );
    expect(ids(next.stdout)).toEqual(['wamid.new']);
    // the last page on a terminal, and any page in a pipe or as JSON: no hint
    const end = await run(['messages', 'list', '--to', '+919876543210', '--limit', '5'], { env, tty: true });
    expect(end.stderr).not.toContain('more:');
    expect((await run(['messages', 'list', '--limit', '1'], { env })).stderr).toBe('');
  });

  it('--ndjson streams every message (or --limit), newest first, one object per line', async () => {
    const all = await run(['messages', 'list', '--ndjson'], { env });
    expect(all.code).toBe(0);
    const lines = all.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; cursor: string });
    expect(lines.map((m) => m.id)).toEqual(['wamid.new', 'local.failed-1', 'wamid.img', 'wamid.old']);
    expect(lines[0]).toMatchObject({ waId: '919876543210', text: 'Order #42 is ready' });
    const two = await run(['messages', 'list', '--ndjson', '--limit', '2', '--direction', 'out'], { env });
    expect(two.stdout.trimEnd().split('\n')).toHaveLength(2);
    const after = await run(['messages', 'list', '--ndjson', '--before', lines[1]!.cursor], { env });
    expect(
      after.stdout
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id),
    ).toEqual(['wamid.img', 'wamid.old']);
  });

  it('--before takes only a cursor wabox printed; --ndjson and --follow do not mix', async () => {
    expectError(
      await run(['messages', 'list', '--before', '2025-06-10'], { env }),
      2,
      '--before "2025-06-10" is not a cursor wabox printed',
      'pass the cursor field of the last row of a --json page (or the one on the "more:" line after a page)',
    );
    expectError(
      await run(['messages', 'list', '--ndjson', '--follow'], { env }),
      2,
      '--ndjson does not go with --follow',
      '--ndjson streams stored messages; --follow streams new ones; --json prints one array',
    );
    const json = await run(['messages', 'list', '--ndjson', '--json'], { env });
    expect({ code: json.code, stdout: json.stdout }).toEqual({ code: 2, stdout: '' });
    expect(JSON.parse(json.stderr).error).toMatchObject({
      code: 'usage.conflict',
      message: '--ndjson does not go with --json',
    });
  });

  it('no messages: empty JSON array, or a note on stderr and nothing on stdout', async () => {
    const json = await run(['messages', 'list', '--status', 'read', '--json'], { env });
    expect({ code: json.code, stdout: json.stdout }).toEqual({ code: 0, stdout: '[]\n' });
    const human = await run(['messages', 'list', '--status', 'read'], { env });
    expect(human).toMatchObject({ code: 0, stdout: '', stderr: 'no messages\n' });
  });

  it('bad arguments are usage errors (exit 2)', async () => {
    expectError(
      await run(['messages', 'list', '--since', 'yesterday'], { env }),
      2,
      '--since "yesterday" is neither a time nor a duration',
      'use an ISO 8601 time (2025-06-01, 2025-06-01T09:00+05:30) or a duration (30m, 24h, 7d, 2w)',
    );
    expectError(
      await run(['messages', 'list', '--limit', '0'], { env }),
      2,
      '--limit must be a whole number from 1 to 100000, not "0"',
    );
    expectError(
      await run(['messages', 'list', '--status', 'lost'], { env }),
      2,
      /^option '--status <status>' argument 'lost' is invalid\. Allowed choices are accepted, failed/,
    );
    expectError(
      await run(['messages', 'list', '--to', '98765 43210'], { env }),
      2,
      '"98765 43210" has no country code',
    );
  });

  it('an unreachable postgres:// store: exit 5 naming it, its password never shown', async () => {
    const result = await run(['messages', 'list'], {
      env: { ...env, WABOX_DB: 'postgres://wabox:pw-secret-1@127.0.0.1:1/wabox' },
    });
    expectError(
      result,
      5,
      /^cannot reach the PostgreSQL store at postgres:\/\/wabox:\*\*\*@127\.0\.0\.1:1\/wabox: connect ECONNREFUSED/,
      'check that PostgreSQL runs and the URL (host, port, database, user) is right',
    );
    expect(result.stdout + result.stderr).not.toContain('pw-secret-1');
  });

  it('an unusable store path is a config error (exit 3) naming it', async () => {
    const file = join(tempDir(), 'file');
    await run(['config', 'path'], { env }); // nothing to do with the store
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'x');
    const r = await run(['messages', 'list'], { env: { ...env, WABOX_DB: join(file, 'sub', 'wabox.db') } });
    expectError(r, 3, new RegExp(`^cannot open the store at ${join(file, 'sub', 'wabox.db')}: ENOTDIR`));
  });

  it('the store is closed when the command ends', async () => {
    let closed = 0;
    const real = openSqliteStore(env.WABOX_DB!);
    const store: Store = Object.assign(Object.create(real) as Store, {
      listMessages: real.listMessages.bind(real),
      getContact: real.getContact.bind(real),
      close: async () => {
        closed++;
        await real.close();
      },
    });
    const r = await run(['messages', 'list', '--json'], { env, overrides: { store: async () => store } });
    expect(r.code).toBe(0);
    expect(closed).toBe(1);
    expect(real.db.open).toBe(false);
  });

  it('the built CLI lists messages (better-sqlite3 loads from the bundle)', async () => {
    const r = await spawnCli(['messages', 'list', '--to', '+447700900123', '--json'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(ids(r.stdout)).toEqual(['local.failed-1', 'wamid.img']);
  });
});
