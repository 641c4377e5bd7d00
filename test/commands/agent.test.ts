// `wabox agent add|list|set|rm`, `wabox inbox --mine` and `assign --me` with each identity source:
// argv -> options through runF, then the commands against a real temp SQLite store.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import * as add from '../../src/commands/agent/add.js';
import * as list from '../../src/commands/agent/list.js';
import * as rm from '../../src/commands/agent/rm.js';
import * as set from '../../src/commands/agent/set.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { captureOptions, run, tempDir } from '../helpers/cli.js';

// a Tuesday: 17:30 in Kolkata (after 09:00-17:00), 13:00 in London (within it)
const NOW = new Date('2025-06-10T12:00:00.000Z');
const clock = { clock: () => NOW };

describe('argv -> options', () => {
  async function parse(argv: string[]) {
    const { code, stderr, seen } = await captureOptions(['agent', ...argv], (program, d, capture) => {
      const parent = program.command('agent');
      add.register(parent, d, capture);
      list.register(parent, d, capture);
      set.register(parent, d, capture);
      rm.register(parent, d, capture);
    });
    return { code, stderr, seen };
  }

  it.each([
    [['add', 'asha'], { name: 'asha' }],
    [
      [
        'add',
        'Ravi K',
        '--email',
        'ravi@example.com',
        '--hours',
        'mon-fri 09:00-17:00',
        '--tz',
        'Europe/London',
      ],
      { name: 'Ravi K', email: 'ravi@example.com', hours: 'mon-fri 09:00-17:00', tz: 'Europe/London' },
    ],
    [['add', 'asha', '--json'], { name: 'asha', json: true }],
    [['list'], {}],
    [['list', '--json'], { json: true }],
    [['set', 'asha', '--away'], { name: 'asha', away: true }],
    [['set', 'asha', '--available', '--json'], { name: 'asha', available: true, json: true }],
    [['set', 'asha', '--away', '--reassign'], { name: 'asha', away: true, reassign: true }],
    [['rm', 'asha'], { name: 'asha' }],
  ])('%j', async (argv, options) => {
    const r = await parse(argv as string[]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.seen).toEqual([options]);
  });

  it.each([[['add']], [['set']], [['rm']], [['list', '--bogus']], [['add', 'asha', '--hours']]])(
    '%j is a usage error',
    async (argv) => {
      const r = await parse(argv as string[]);
      expect(r.code).toBe(2);
      expect(r.seen).toEqual([]);
    },
  );
});

describe('against the store', () => {
  let env: Record<string, string>;
  beforeEach(() => {
    const dir = tempDir();
    env = { WABOX_DB: join(dir, 'wabox.db'), WABOX_CONFIG_DIR: join(dir, 'config') };
  });
  const cli = (argv: string[], extra: { env?: Record<string, string>; tty?: boolean } = {}) =>
    run(argv, { env: { ...env, ...extra.env }, overrides: clock, tty: extra.tty });
  const json = async (...argv: string[]) => {
    const r = await cli([...argv, '--json']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    return JSON.parse(r.stdout);
  };

  it('add, list, set and rm; list tells available/away and whether now is within their hours', async () => {
    expect(
      await json(
        'agent',
        'add',
        ' Asha ',
        '--email',
        'asha@example.com',
        '--hours',
        'mon-fri 09:00-17:00',
        '--tz',
        'Asia/Kolkata',
      ),
    ).toEqual({
      name: 'Asha',
      email: 'asha@example.com',
      hours: ['mon-fri 09:00-17:00'],
      timeZone: 'Asia/Kolkata',
      available: true,
      withinHours: false,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    const ravi = await cli([
      'agent',
      'add',
      'Ravi K',
      '--hours',
      'mon-fri 09:00-17:00',
      '--tz',
      'Europe/London',
    ]);
    expect({ code: ravi.code, stdout: ravi.stdout }).toEqual({ code: 0, stdout: 'added agent Ravi K\n' });
    expect((await json('agent', 'add', 'meera', '--tz', 'Asia/Kolkata')).hours).toBeNull();

    expect((await cli(['agent', 'list'])).stdout).toBe(
      [
        'Asha\tasha@example.com\tavailable\toff-hours\tmon-fri 09:00-17:00\tAsia/Kolkata',
        'Ravi K\t-\tavailable\tin-hours\tmon-fri 09:00-17:00\tEurope/London',
        'meera\t-\tavailable\tin-hours\talways\tAsia/Kolkata',
        '',
      ].join('\n'),
    );
    expect((await cli(['agent', 'list'], { tty: true })).stdout).toBe(
      [
        'NAME    EMAIL             STATUS     NOW        HOURS                TIME ZONE',
        'Asha    asha@example.com  available  off-hours  mon-fri 09:00-17:00  Asia/Kolkata',
        'Ravi K  -                 available  in-hours   mon-fri 09:00-17:00  Europe/London',
        'meera   -                 available  in-hours   always               Asia/Kolkata',
        '',
      ].join('\n'),
    );

    expect(await json('agent', 'set', 'Asha', '--away')).toMatchObject({
      changed: true,
      agent: { name: 'Asha', available: false },
    });
    expect((await cli(['agent', 'set', 'Asha', '--away'])).stdout).toBe('Asha: already away\n');
    expect((await cli(['agent', 'set', 'Asha', '--available'])).stdout).toBe('Asha: available\n');
    expect((await cli(['agent', 'rm', 'Ravi K'])).stdout).toBe('removed agent Ravi K\n');
    expect((await json('agent', 'list')).map((a: { name: string }) => a.name)).toEqual(['Asha', 'meera']);
  });

  it('an empty list says so on stderr; --json prints []', async () => {
    const r = await cli(['agent', 'list']);
    expect(r).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'no agents; add one with: wabox agent add <name>\n',
    });
    expect(await json('agent', 'list')).toEqual([]);
  });

  it("--tz defaults to the business hours' zone", async () => {
    expect((await cli(['hours', 'set', 'mon-fri 09:00-18:00', '--tz', 'America/New_York'])).code).toBe(0);
    expect((await json('agent', 'add', 'asha')).timeZone).toBe('America/New_York');
  });

  it('adding an existing name exits 1 and changes nothing', async () => {
    await json('agent', 'add', 'asha', '--email', 'asha@example.com', '--tz', 'Asia/Kolkata');
    expectError(
      await cli(['agent', 'add', 'asha', '--email', 'other@example.com']),
      1,
      'agent asha already exists',
      'availability: wabox agent set asha --away; anything else: wabox agent rm asha, then add it again',
    );
    expect((await json('agent', 'list'))[0].email).toBe('asha@example.com');
  });

  it.each([
    [
      ['--email', 'asha.example.com'],
      '"asha.example.com" is not an email address',
      'accepted form: name@example.com',
    ],
    [
      ['--email', 'asha@example'],
      '"asha@example" is not an email address',
      'accepted form: name@example.com',
    ],
    [
      ['--email', 'a sha@example.com'],
      '"a sha@example.com" is not an email address',
      'accepted form: name@example.com',
    ],
    [
      ['--hours', 'mon-fri 9-5'],
      'invalid hours "mon-fri 9-5": "9-5" is not a time range like 09:00-18:00',
      /^accepted form: <days>/,
    ],
    [
      ['--hours', 'someday 09:00-17:00'],
      'invalid hours "someday 09:00-17:00": "someday" is not a day or a run of days like mon-fri',
      /^accepted form: <days>/,
    ],
    [['--tz', 'Mars/Olympus'], 'unknown time zone "Mars/Olympus"', /^accepted form: an IANA time zone name/],
  ])('add %j exits 2 and adds nothing', async (flags, message, hint) => {
    expectError(await cli(['agent', 'add', 'asha', ...flags]), 2, message, hint);
    expect(await json('agent', 'list')).toEqual([]);
  });

  it('a bad name exits 2', async () => {
    expectError(
      await cli(['agent', 'add', 'a\tb']),
      2,
      /is not a valid agent name$/,
      /^an agent name is 1-64/,
    );
  });

  it('set and rm of an unknown agent exit 6; set needs exactly one of --available, --away (exit 2)', async () => {
    const hint = 'see them with: wabox agent list; add one with: wabox agent add zed';
    expectError(await cli(['agent', 'set', 'zed', '--away']), 6, 'no agent named zed', hint);
    expectError(await cli(['agent', 'rm', 'zed']), 6, 'no agent named zed', hint);
    await json('agent', 'add', 'asha', '--tz', 'UTC');
    const usage = 'wabox agent set <name> --away; back with: wabox agent set <name> --available';
    expectError(
      await cli(['agent', 'set', 'asha', '--available', '--away']),
      2,
      'give --available or --away, not both',
      usage,
    );
    expectError(await cli(['agent', 'set', 'asha']), 2, 'missing --available or --away', usage);
    expectError(
      await cli(['agent', 'set', 'asha', '--available', '--reassign']),
      2,
      '--reassign goes with --away',
      'wabox agent set <name> --away --reassign',
    );
    expect((await json('agent', 'list'))[0].available).toBe(true);
  });

  it('--away keeps the conversations; --away --reassign hands them on by the assign policy', async () => {
    const store = await openSqliteStore(env.WABOX_DB!);
    try {
      for (const waId of ['919800000001', '919800000002']) {
        await store.recordInbound({
          id: `wamid.${waId}`,
          waId,
          type: 'text',
          text: 'hi',
          timestamp: new Date(),
        });
        await store.setAssignee(waId, 'asha');
      }
    } finally {
      await store.close();
    }
    await json('agent', 'add', 'asha', '--tz', 'UTC');
    await json('agent', 'add', 'li', '--tz', 'UTC');
    expect((await json('agent', 'set', 'asha', '--away')).reassigned).toEqual([]);
    expect((await json('inbox', '--assigned', 'asha')).length).toBe(2);
    await json('agent', 'set', 'asha', '--available');
    expect((await cli(['config', 'set', 'assign', 'round-robin'])).code).toBe(0);
    const moved = await cli(['agent', 'set', 'asha', '--away', '--reassign']);
    expect({ code: moved.code, stdout: moved.stdout }).toEqual({
      code: 0,
      stdout: 'asha: away; 2 conversations reassigned (li 2)\n',
    });
    expect((await json('inbox', '--assigned', 'li')).map((c: { waId: string }) => c.waId).sort()).toEqual([
      '919800000001',
      '919800000002',
    ]);
  });
});

describe('who I am: inbox --mine and assign --me', () => {
  let env: Record<string, string>;
  beforeEach(async () => {
    const dir = tempDir();
    env = { WABOX_DB: join(dir, 'wabox.db'), WABOX_CONFIG_DIR: join(dir, 'config') };
    const store = openSqliteStore(env.WABOX_DB!);
    for (const [i, waId] of ['919876543210', '447700900123', '15550001111'].entries())
      await store.recordInbound({
        id: `wamid.${i}`,
        waId,
        type: 'text',
        text: 'Hi',
        timestamp: new Date(NOW.getTime() - (i + 1) * 60_000),
      });
    await store.setAssignee('919876543210', 'asha');
    await store.setAssignee('447700900123', 'ravi');
    await store.close();
  });
  const cli = (argv: string[], extra: Record<string, string> = {}) =>
    run(argv, { env: { ...env, ...extra }, overrides: clock });
  const mine = async (argv: string[], extra: Record<string, string> = {}) => {
    const r = await cli(['inbox', '--mine', ...argv, '--json'], extra);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    return JSON.parse(r.stdout).map((c: { waId: string }) => c.waId);
  };

  it('without an identity --mine is a usage error naming the three ways', async () => {
    expectError(
      await cli(['inbox', '--mine']),
      2,
      '--mine needs to know who you are',
      'say who you are with --as <agent>, or WABOX_AGENT=<agent>, or once: wabox config set agent-name <name>',
    );
    expectError(await cli(['inbox', '--mine'], { WABOX_AGENT: '' }), 2, '--mine needs to know who you are');
  });

  it('each source alone, then --as > WABOX_AGENT > agent-name', async () => {
    expect(await mine(['--as', 'asha'])).toEqual(['919876543210']);
    expect(await mine([], { WABOX_AGENT: 'ravi' })).toEqual(['447700900123']);
    expect((await cli(['config', 'set', 'agent-name', 'asha'])).code).toBe(0);
    expect(await mine([])).toEqual(['919876543210']);
    expect(await mine([], { WABOX_AGENT: 'ravi' })).toEqual(['447700900123']);
    expect(await mine(['--as', 'nobody'], { WABOX_AGENT: 'ravi' })).toEqual([]);
    expect(await mine(['--as', ' asha '], { WABOX_AGENT: 'ravi' })).toEqual(['919876543210']);
  });

  it('--mine with --assigned or --unassigned, and --as without --mine, exit 2', async () => {
    expectError(
      await cli(['inbox', '--mine', '--unassigned', '--as', 'asha']),
      2,
      'give one of --assigned <agent>, --unassigned or --mine',
    );
    expectError(await cli(['inbox', '--mine', '--assigned', 'ravi', '--as', 'asha']), 2, /^give one of/);
    expectError(
      await cli(['inbox', '--as', 'asha']),
      2,
      '--as goes with --mine',
      'wabox inbox --mine --as <agent>',
    );
    expectError(await cli(['inbox', '--mine', '--as', 'a,b']), 2, '"a,b" is not a valid agent name');
  });

  it('assign --me honours --as, then WABOX_AGENT, then agent-name; without any it exits 3', async () => {
    const me = async (argv: string[], extra: Record<string, string> = {}) => {
      const r = await cli(['assign', '+15550001111', '--me', ...argv, '--json'], extra);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      return JSON.parse(r.stdout).conversation.assignee;
    };
    expectError(
      await cli(['assign', '+15550001111', '--me']),
      3,
      '--me needs to know who you are',
      'say who you are with --as <agent>, or WABOX_AGENT=<agent>, or once: wabox config set agent-name <name>',
    );
    expect(await me([], { WABOX_AGENT: 'Meera' })).toBe('Meera');
    expect((await cli(['config', 'set', 'agent-name', 'asha'])).code).toBe(0);
    expect(await me([])).toBe('asha');
    expect(await me([], { WABOX_AGENT: 'ravi' })).toBe('ravi');
    expect(await me(['--as', 'Meera'], { WABOX_AGENT: 'ravi' })).toBe('Meera');
    expectError(await cli(['assign', '+15550001111', 'ravi', '--as', 'asha']), 2, '--as goes with --me');
  });
});
