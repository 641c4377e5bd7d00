// `wabox report`: argv -> options through runF, then the command against a real temp store written through
// the store API (the browser suite, test/e2e/report-browser.test.ts, fills one through the real receiver).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import * as report from '../../src/commands/report.js';
import type { Report } from '../../src/core/report.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { captureOptions, run, spawnCli, tempDir } from '../helpers/cli.js';

// No business hours: the machine's zone and wall-clock durations; TZ=UTC for the spawned CLI.
const NOW = new Date('2025-06-10T12:00:00.000Z');
const ago = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);
const clock = { clock: () => NOW };
const ASHA = '919876543210';
const RAVI = '919800000002';
let env: Record<string, string>;
let dir: string;

beforeEach(async () => {
  dir = tempDir();
  env = { WABOX_DB: join(dir, 'wabox.db'), WABOX_CONFIG_DIR: join(dir, 'config'), TZ: 'UTC' };
  const store = openSqliteStore(env.WABOX_DB!, { now: () => NOW.getTime() });
  // Asha (priya's): writes 30 h ago, answered 10 minutes later. Ravi (arjun's): writes 5 h ago, answered
  // 2 hours later; a message that failed to send does not count as an answer.
  await store.recordInbound({
    id: 'in1',
    waId: ASHA,
    type: 'text',
    text: 'hi [ref:insta]',
    ref: 'insta',
    timestamp: ago(30),
  });
  await store.recordOutbound({
    id: 'out1',
    waId: ASHA,
    type: 'text',
    text: 'hello',
    timestamp: new Date(ago(30).getTime() + 600_000),
    status: 'accepted',
  });
  await store.recordInbound({ id: 'in2', waId: RAVI, type: 'text', text: 'price?', timestamp: ago(5) });
  await store.recordOutbound({
    id: 'out2',
    waId: RAVI,
    type: 'text',
    text: 'x',
    timestamp: ago(4),
    status: 'failed',
    error: { code: 131026, title: 'undeliverable' },
  });
  await store.recordOutbound({
    id: 'out3',
    waId: RAVI,
    type: 'text',
    text: 'Rs 499',
    timestamp: ago(3),
    status: 'accepted',
  });
  await store.setAssignee(ASHA, 'priya');
  await store.setAssignee(RAVI, 'arjun');
  await store.addLabel(ASHA, 'paid');
  await store.close();
});

describe('argv -> options', () => {
  it.each([
    [[], {}],
    [
      [
        '--since',
        '7d',
        '--until',
        '1d',
        '--agent',
        'priya',
        '--campaign',
        'diwali',
        '--customer-label',
        'Paid',
      ],
      { since: '7d', until: '1d', agent: 'priya', campaign: 'diwali', customerLabel: 'Paid' },
    ],
    [
      ['--html', 'r.html', '--json', '--rates', 'rates.csv'],
      { html: 'r.html', json: true, rates: 'rates.csv' },
    ],
  ])('%j', async (argv, options) => {
    const { code, stderr, seen } = await captureOptions(['report', ...argv], (program, d, capture) =>
      report.register(program, d, capture),
    );
    expect({ code, stderr, seen }).toEqual({ code: 0, stderr: '', seen: [options] });
  });
});

describe('wabox report', () => {
  const json = async (...argv: string[]) => {
    const r = await run(['report', '--since', '2d', ...argv, '--json'], { env, overrides: clock });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Report;
  };

  it('first responses by agent; a failed send is no answer; --agent and --customer-label', async () => {
    const all = await json('--customer-label', 'Paid');
    expect(all.totals.firstResponse).toMatchObject({ count: 2, medianSeconds: 600, p90Seconds: 7200 });
    expect(all.agents.map((a) => [a.agent, a.firstResponse.medianSeconds])).toEqual([
      ['arjun', 7200],
      ['priya', 600],
    ]);
    expect(all.refs).toEqual([{ ref: 'insta', conversations: 1, customers: 1 }]);
    expect(all.slaTargetSeconds).toBeNull();
    expect(all.totals.firstResponse.withinTargetShare).toBeNull();

    const priya = await json('--agent', 'priya');
    expect(priya.filters.agent).toBe('priya');
    expect(priya.totals).toMatchObject({ conversations: 1, inbound: 1, outPerson: 1 });
    expect(priya.agents.map((a) => a.agent)).toEqual(['priya']);
    // the default customer label is "customer": Asha's is "paid"
    expect(priya.refs).toEqual([{ ref: 'insta', conversations: 1, customers: 0 }]);

    expect((await json('--campaign', 'insta')).totals.conversations).toBe(1);
  });

  it('with a target: the share answered within it', async () => {
    expect((await run(['config', 'set', 'sla.first-response', '1h'], { env })).code).toBe(0);
    const r = await json();
    expect(r.slaTargetSeconds).toBe(3600);
    expect(r.totals.firstResponse).toMatchObject({ withinTarget: 1, withinTargetShare: 0.5 });
  });

  it('a summary on stdout without --json or --html', async () => {
    const r = await run(['report', '--since', '2d'], { env, overrides: clock });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('first response    median 10m, p90 2h 00m, 2 answered, 0 unanswered\n');
    expect(r.stdout).toContain('satisfaction      no questions\n');
  });

  it('satisfaction: a question Priya resolved answered 4, one of Arjun skipped; --agent keeps hers', async () => {
    const store = openSqliteStore(env.WABOX_DB!, { now: () => NOW.getTime() });
    for (const [waId, hours] of [
      [ASHA, 20],
      [RAVI, 2],
    ] as const) {
      await store.setConversationStatus(waId, 'resolved');
      const q = (await store.csat.schedule(waId, { resolvedAt: ago(hours), dueAt: ago(hours) }))!;
      await store.csat.take(q.id, ago(hours));
      await store.csat.finish(
        q.id,
        waId === ASHA
          ? { state: 'asked', wamid: 'wamid.q1', at: ago(hours) }
          : { state: 'skipped', reason: 'window_closed', at: ago(hours) },
      );
      if (waId === ASHA)
        await store.ingestWebhook([
          {
            receivedAt: ago(19),
            inbound: [
              {
                id: 'wamid.tap',
                waId,
                type: 'interactive',
                text: '4',
                timestamp: ago(19),
                replyTo: 'wamid.q1',
                payload: { interactive: { type: 'list_reply', list_reply: { id: `wabox-csat:${q.id}:4` } } },
              },
            ],
            echoes: [],
            statuses: [],
            raw: [],
          },
        ]);
    }
    await store.close();
    const r = await run(['report', '--since', '2d'], { env, overrides: clock });
    expect(r.stdout).toContain(
      'satisfaction      average 4.0/5, 1 of 1 asked answered (100%), 1 skipped, 0 pending\n',
    );
    // the tap is a customer message, but no wait: still 0 unanswered
    expect(r.stdout).toContain('first response    median 10m, p90 2h 00m, 2 answered, 0 unanswered\n');
    const priya = await json('--agent', 'priya');
    expect(priya.csat.totals).toMatchObject({ questions: 1, asked: 1, answered: 1, skipped: 0 });
    expect(priya.csat.agents.map((a) => a.agent)).toEqual(['priya']);
  });

  it('--html writes one file the spawned CLI builds with uPlot inlined, nothing on stdout', async () => {
    const file = join(dir, 'report.html');
    const r = await spawnCli(['report', '--since', '30d', '--html', file], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`wrote ${file}\n`);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('uPlot');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(readdirSync(dir).filter((f) => f.includes('report'))).toEqual(['report.html']);
  });

  it('bad --since, --until or labels: one-line error, exit 2, no file', async () => {
    const file = join(dir, 'report.html');
    const bad = async (argv: string[], message: RegExp) => {
      expectError(await run(['report', ...argv, '--html', file], { env, overrides: clock }), 2, message);
      expect(readdirSync(dir).filter((f) => f.includes('report'))).toEqual([]);
    };
    await bad(['--since', 'soon'], /^--since "soon" is neither a time nor a duration$/);
    await bad(['--until', 'later'], /^--until "later" is neither a time nor a duration$/);
    await bad(['--since', '1d', '--until', '2d'], /^--until \(.*\) is not after --since/);
    await bad(['--customer-label', 'a\tb'], /is not a valid label/);
    await bad(['--agent', '!'], /is not a valid agent name/);
  });

  it('an unwritable --html path: one-line error, exit 1, no file or temp file left; an old report stays whole', async () => {
    const notDir = join(dir, 'file');
    writeFileSync(notDir, 'x');
    expectError(
      await run(['report', '--html', join(notDir, 'r.html')], { env, overrides: clock }),
      1,
      `cannot write ${join(notDir, 'r.html')}: a part of the path is not a directory`,
    );
    const missing = join(dir, 'missing', 'r.html');
    expectError(
      await run(['report', '--html', missing], { env, overrides: clock }),
      1,
      `cannot write ${missing}: no such file or directory`,
    );
    const aDir = join(dir, 'out');
    mkdirSync(join(aDir, 'report.html'), { recursive: true });
    expectError(
      await run(['report', '--html', join(aDir, 'report.html')], { env, overrides: clock }),
      1,
      /^cannot write .*report\.html: it is a directory$/,
    );
    expect(readdirSync(aDir)).toEqual(['report.html']);
    const known = ['config', 'file', 'out', 'wabox.db', 'wabox.db-shm', 'wabox.db-wal'];
    expect(readdirSync(dir).filter((f) => !known.includes(f))).toEqual([]);

    const old = join(dir, 'old.html');
    writeFileSync(old, 'the old report');
    expectError(
      await run(['report', '--since', 'soon', '--html', old], { env, overrides: clock }),
      2,
      /--since/,
    );
    expect(readFileSync(old, 'utf8')).toBe('the old report');
  });
});
