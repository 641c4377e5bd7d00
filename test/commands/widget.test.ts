// `wabox widget build|preview`: argv -> options through runF, bad flags and bad agents files (one line, exit
// code, nothing written), the configuration embedded in the script, the reply time measured from a real
// SQLite store, and the preview server on 127.0.0.1.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import * as build from '../../src/commands/widget/build.js';
import * as preview from '../../src/commands/widget/preview.js';
import { PREVIEW_CSP, runWidgetPreview } from '../../src/commands/widget/preview.js';
import type { WidgetConfig } from '../../src/core/widget.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { captureOptions, run, spawnCli, tempDir } from '../helpers/cli.js';

/** The configuration a built script carries, read back from it. */
function embedded(script: string): WidgetConfig {
  const template = readFileSync(join(import.meta.dirname, '../../dist/widget.js'), 'utf8');
  const [before, after] = template.split('__WABOX_WIDGET__') as [string, string];
  expect(script.startsWith(before) && script.endsWith(after)).toBe(true);
  return JSON.parse(script.slice(before.length, script.length - after.length));
}

describe('argv -> options', () => {
  async function parse(argv: string[]) {
    const { code, stderr, seen } = await captureOptions(['widget', ...argv], (program, d, capture) => {
      const parent = program.command('widget');
      build.register(parent, d, capture);
      preview.register(parent, d, capture);
    });
    return { code, stderr, seen };
  }

  it.each([
    [['build', '--phone', '+919876543210', '-o', 'w.js'], { phone: '+919876543210', output: 'w.js' }],
    [
      [
        'build',
        '--agents',
        'a.yaml',
        '--text',
        'Hi {TITLE}',
        '--ref',
        'web',
        '--position',
        'left',
        '--color',
        '#075e54',
        '--label',
        'Ask us',
        '--reply-time',
        '5m',
        '-c',
        'IN',
        '--output',
        '-',
        '--json',
      ],
      {
        agents: 'a.yaml',
        text: 'Hi {TITLE}',
        ref: 'web',
        position: 'left',
        color: '#075e54',
        label: 'Ask us',
        replyTime: '5m',
        country: 'IN',
        output: '-',
        json: true,
      },
    ],
    [
      ['preview', '--phone', '+919876543210', '--port', '8000', '--at', '2026-03-08T23:00'],
      { phone: '+919876543210', port: '8000', at: '2026-03-08T23:00' },
    ],
  ])('%j', async (argv, options) => {
    const r = await parse(argv as string[]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.seen).toEqual([options]);
  });

  it.each([[['build', '--bogus']], [['build', '-o']], [['preview', '--port']], [['build', 'extra']]])(
    '%j is a usage error',
    async (argv) => {
      const r = await parse(argv as string[]);
      expect(r.code).toBe(2);
      expect(r.seen).toEqual([]);
    },
  );
});

describe('wabox widget build', () => {
  let dir: string;
  let env: Record<string, string>;
  let out: string;
  beforeEach(() => {
    dir = tempDir();
    env = { WABOX_CONFIG_DIR: join(dir, 'config'), WABOX_DB: join(dir, 'wabox.db') };
    out = join(dir, 'wabox-widget.js');
  });

  it('embeds the number, text, ref, look and the business hours', async () => {
    expect((await run(['hours', 'set', 'mon-fri 09:00-17:30', '--tz', 'Asia/Kolkata'], { env })).code).toBe(
      0,
    );
    expect((await run(['hours', 'closed', 'add', '2026-12-25'], { env })).code).toBe(0);
    const r = await run(
      [
        'widget',
        'build',
        '--phone',
        '+91 98765 43210',
        '--text',
        "Hi, I'm looking at {TITLE}",
        '--ref',
        'web',
        '--position',
        'left',
        '--color',
        '#2D6',
        '--reply-time',
        '90s',
        '-o',
        out,
        '--json',
      ],
      { env },
    );
    expect(r.code).toBe(0);
    const script = readFileSync(out, 'utf8');
    expect(JSON.parse(r.stdout)).toEqual({
      file: out,
      bytes: Buffer.byteLength(script),
      gzipBytes: expect.any(Number),
      people: [{ name: null, waId: '919876543210', hours: true }],
      replyMinutes: 2,
    });
    expect(embedded(script)).toEqual({
      people: [
        {
          name: null,
          waId: '919876543210',
          hours: {
            timeZone: 'Asia/Kolkata',
            week: [[[540, 1050]], [[540, 1050]], [[540, 1050]], [[540, 1050]], [[540, 1050]], [], []],
            closed: ['2026-12-25'],
          },
        },
      ],
      text: "Hi, I'm looking at {TITLE}",
      ref: 'web',
      position: 'left',
      color: '#22dd66',
      label: 'Chat on WhatsApp',
      replyMinutes: 2,
    });
  });

  it('without hours the button is always online; -o - writes the script to stdout', async () => {
    const r = await run(['widget', 'build', '--phone', '+14155550123', '-o', '-'], { env });
    expect(r.code).toBe(0);
    expect(embedded(r.stdout).people).toEqual([{ name: null, waId: '14155550123', hours: null }]);
  });

  it('agents: each with a number and hours; the business closed dates apply to all', async () => {
    expect((await run(['hours', 'set', 'mon-fri 09:00-17:00', '--tz', 'Europe/London'], { env })).code).toBe(
      0,
    );
    expect((await run(['hours', 'closed', 'add', '2026-12-25'], { env })).code).toBe(0);
    const agents = join(dir, 'agents.yaml');
    writeFileSync(
      agents,
      `- name: Asha
  phone: "+91 98765 43210"
  hours: ["mon-fri 09:00-13:00,14:00-18:00", "sat 10:00-14:00"]
  tz: Asia/Kolkata
  closed: [2026-10-20]
- name: Ben
  phone: 07700 900123
  hours: fri 20:00-02:00
- name: Chen
  phone: "+8613800138000"
`,
    );
    const r = await run(['widget', 'build', '--agents', agents, '--country', 'GB', '-o', out], { env });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(embedded(readFileSync(out, 'utf8')).people).toEqual([
      {
        name: 'Asha',
        waId: '919876543210',
        hours: {
          timeZone: 'Asia/Kolkata',
          week: [
            [
              [540, 780],
              [840, 1080],
            ],
            [
              [540, 780],
              [840, 1080],
            ],
            [
              [540, 780],
              [840, 1080],
            ],
            [
              [540, 780],
              [840, 1080],
            ],
            [
              [540, 780],
              [840, 1080],
            ],
            [[600, 840]],
            [],
          ],
          closed: ['2026-10-20', '2026-12-25'],
        },
      },
      {
        name: 'Ben',
        waId: '447700900123',
        hours: {
          timeZone: 'Europe/London',
          week: [[], [], [], [], [[1200, 120]], [], []],
          closed: ['2026-12-25'],
        },
      },
      { name: 'Chen', waId: '8613800138000', hours: null },
    ]);
  });

  it('measures the reply time: the median first response of the last 30 days, in business time', async () => {
    const NOW = new Date('2026-06-10T12:00:00Z');
    const store = openSqliteStore(env.WABOX_DB!);
    try {
      // waits of 4, 10 and 30 minutes answered within 30 days; one of 600 minutes answered 40 days ago
      const waits: Array<[string, string, number]> = [
        ['919800000001', '2026-06-09T10:00:00Z', 4],
        ['919800000002', '2026-06-08T10:00:00Z', 10],
        ['919800000003', '2026-06-01T10:00:00Z', 30],
        ['919800000004', '2026-05-01T10:00:00Z', 600],
      ];
      for (const [waId, at, minutes] of waits) {
        const asked = new Date(at);
        await store.recordInbound({
          id: `wamid.in${waId}`,
          waId,
          type: 'text',
          text: 'hi?',
          timestamp: asked,
        });
        await store.recordOutbound({
          id: `wamid.out${waId}`,
          waId,
          type: 'text',
          text: 'hello',
          timestamp: new Date(asked.getTime() + minutes * 60_000),
          status: 'accepted',
        });
      }
    } finally {
      await store.close();
    }
    const r = await run(['widget', 'build', '--phone', '+14155550123', '-o', out, '--json'], {
      env,
      overrides: { clock: () => NOW },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).replyMinutes).toBe(10);
    // with hours that close at 10:05, the 10- and 30-minute waits count 5 business minutes
    expect((await run(['hours', 'set', 'daily 09:00-10:05', '--tz', 'UTC'], { env })).code).toBe(0);
    const inHours = await run(['widget', 'build', '--phone', '+14155550123', '-o', out, '--json'], {
      env,
      overrides: { clock: () => NOW },
    });
    expect(JSON.parse(inHours.stdout).replyMinutes).toBe(5);
  });

  it.each([
    [['--phone', '+14155550123'], 'missing -o <file>'],
    [['-o', 'OUT'], 'missing --phone or --agents'],
    [
      ['--phone', '+14155550123', '--agents', 'a.yaml', '-o', 'OUT'],
      '--phone and --agents both say who answers: choose one',
    ],
    [['--phone', '+14155550123', '--color', 'green', '-o', 'OUT'], 'invalid color "green"'],
    [
      ['--phone', '+14155550123', '--position', 'top', '-o', 'OUT'],
      'invalid position "top": use left or right',
    ],
    [['--phone', '+14155550123', '--ref', 'no spaces', '-o', 'OUT'], /^invalid ref "no spaces"/],
    [['--phone', '+14155550123', '--reply-time', 'soon', '-o', 'OUT'], 'invalid --reply-time "soon"'],
    [['--phone', '+14155550123', '--label', ' ', '-o', 'OUT'], 'the label must be 1-40 characters'],
    [['--phone', '+14155550123', '--text', '  ', '-o', 'OUT'], 'the text is empty'],
    [['--phone', '12', '-o', 'OUT'], '"12" has no country code'],
  ])('%j: exit 2, one line, nothing written', async (argv, message) => {
    const r = await spawnCli(['widget', 'build', ...argv.map((a) => (a === 'OUT' ? out : a))], { env });
    expectError(r, 2, message);
    expect(existsSync(out)).toBe(false);
  });

  it('-o - with --json: a JSON error, exit 2', async () => {
    const r = await spawnCli(['widget', 'build', '--phone', '+14155550123', '-o', '-', '--json'], { env });
    expect({ code: r.code, stdout: r.stdout, stderr: JSON.parse(r.stderr) }).toEqual({
      code: 2,
      stdout: '',
      stderr: {
        error: {
          code: 'usage.conflict',
          message: '--json needs stdout, where the script would go: pass -o <file>',
          exitCode: 2,
        },
      },
    });
  });

  it.each([
    ['- name: Asha\n  phone: [', /^.+agents\.yaml is not valid YAML: /],
    ['name: Asha', 'AGENTS: expected a non-empty list of agents'],
    ['[]', 'AGENTS: expected a non-empty list of agents'],
    ['- Asha', 'AGENTS: entry 1 is not a mapping of name, phone, hours, tz, closed'],
    [
      '- name: Asha\n  phone: "+919876543210"\n  email: a@b.c',
      'AGENTS: entry 1: "email" is not a known field (name, phone, hours, tz, closed)',
    ],
    ['- phone: "+919876543210"', 'AGENTS: entry 1: name is missing'],
    ['- name: Asha\n  phone: "+919876543210"\n- name: Ben', 'AGENTS: entry 2 (Ben): phone is missing'],
    [
      '- name: Asha\n  phone: "+919876543210"\n- name: Asha\n  phone: "+919876543211"',
      'AGENTS: entry 2 (Asha): the name appears twice',
    ],
    [
      '- name: Asha\n  phone: "+919876543210"\n  hours: mon-fry 09:00-17:00',
      'AGENTS: entry 1 (Asha): invalid hours "mon-fry 09:00-17:00": "mon-fry" is not a day or a run of days like mon-fri',
    ],
    [
      '- name: Asha\n  phone: "+919876543210"\n  tz: Mars/Base',
      'AGENTS: entry 1 (Asha): unknown time zone "Mars/Base"',
    ],
    [
      '- name: Asha\n  phone: "+919876543210"\n  closed: [2026-02-30]',
      'AGENTS: entry 1 (Asha): invalid date "2026-02-30"',
    ],
    ['- name: Asha\n  phone: "12"', 'AGENTS: entry 1 (Asha): "12" has no country code'],
  ])('agents file %j: exit 2, one line, the old output kept', async (yaml, message) => {
    const agents = join(dir, 'agents.yaml');
    writeFileSync(agents, yaml);
    writeFileSync(out, 'old');
    const r = await spawnCli(['widget', 'build', '--agents', agents, '-o', out], { env });
    expectError(r, 2, typeof message === 'string' ? message.replace('AGENTS', agents) : message);
    expect(readFileSync(out, 'utf8')).toBe('old');
  });

  it('a missing agents file: exit 2 naming it', async () => {
    const r = await spawnCli(['widget', 'build', '--agents', join(dir, 'nope.yaml'), '-o', out], { env });
    expectError(r, 2, /nope\.yaml.*no such file or directory/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('wabox widget preview', () => {
  it('serves the demo page and the script under a strict CSP, the clock pinned by --at, until aborted', async () => {
    const dir = tempDir();
    const env = { WABOX_CONFIG_DIR: join(dir, 'config'), WABOX_DB: join(dir, 'wabox.db') };
    expect(
      (await run(['hours', 'set', 'mon-fri 09:00-17:00', '--tz', 'America/New_York'], { env })).code,
    ).toBe(0);
    const { deps } = await run(['--version'], { env });
    const stop = new AbortController();
    let url = '';
    const running = runWidgetPreview({ phone: '+14155550123', at: '2026-03-08T02:30', port: '0' }, deps, {
      signal: stop.signal,
      onListening: (u) => (url = u),
    });
    await expect.poll(() => url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    expect(page.headers.get('content-security-policy')).toBe(PREVIEW_CSP);
    const html = await page.text();
    // 02:30 does not exist in New York that night: read with the offset before the jump, 07:30 UTC
    expect(html).toContain(
      '<script src="/wabox-widget.js" data-now="2026-03-08T07:30:00.000Z" defer></script>',
    );
    const script = await (await fetch(new URL('/wabox-widget.js', url))).text();
    expect(embedded(script).people[0]!.waId).toBe('14155550123');
    expect((await fetch(new URL('/other', url))).status).toBe(404);
    stop.abort();
    await running;
    await expect(fetch(url)).rejects.toThrow();
  });

  it('the built CLI prints the URL and stops on SIGINT with exit 0', async () => {
    const dir = tempDir();
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, '../../bin/wabox.js'), 'widget', 'preview', '--phone', '+14155550123'],
      {
        env: { ...process.env, WABOX_CONFIG_DIR: join(dir, 'config'), WABOX_DB: join(dir, 'wabox.db') },
      },
    );
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    await expect.poll(() => stdout, { timeout: 20_000 }).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\n$/);
    expect((await fetch(stdout.trim())).status).toBe(200);
    const exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
  });

  it('a bad --port or --at: exit 2', async () => {
    expectError(
      await run(['widget', 'preview', '--phone', '+14155550123', '--port', 'x']),
      2,
      'invalid port "x": use 0-65535',
    );
    expectError(
      await run(['widget', 'preview', '--phone', '+14155550123', '--at', 'tomorrow']),
      2,
      'invalid time "tomorrow"',
    );
  });
});
