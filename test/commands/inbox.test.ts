// `wabox inbox` and `wabox inbox show`: a real temp SQLite store seeded through the store's record
// methods; the read receipt of --mark-read goes to the fake Graph server on 127.0.0.1.

import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeCursor } from '../../src/core/cursor.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { run, spawnCli, tempDir } from '../helpers/cli.js';
import { PHONE_ID, runCloud } from '../helpers/cloud.js';
import { type FakeGraph, graphError, startFakeGraph } from '../helpers/graph-server.js';

const NOW = new Date('2025-06-10T12:00:00.000Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const iso = (minutes: number) => ago(minutes).toISOString();
const ASHA = '919876543210';
const BOB = '447700900123';
const CHEN = '8613800138000';
const clock = { clock: () => NOW };
let env: Record<string, string>;
let db: string;

/** Seeds through the public record methods; `extra` runs on the open store before it closes. */
async function seed(extra?: (store: SqliteStore) => Promise<void>): Promise<void> {
  const store = openSqliteStore(db);
  try {
    // Asha: asked, we answered (quoting her), she asked again 2 hours ago, an away reply went out
    await store.recordInbound({
      id: 'wamid.a1',
      waId: ASHA,
      name: 'Asha Rao',
      type: 'text',
      text: 'Is the chocolate cake with the candles ready for pick-up this evening, or tomorrow?',
      timestamp: ago(180),
    });
    await store.recordOutbound({
      id: 'wamid.a2',
      waId: ASHA,
      type: 'text',
      text: 'Yes! Come by at 5.',
      timestamp: ago(170),
      status: 'accepted',
      replyTo: 'wamid.a1',
    });
    // statuses out of order: read arrives before delivered and sent
    await store.recordStatus({ id: 'wamid.a2', status: 'read', timestamp: ago(160) });
    await store.recordStatus({ id: 'wamid.a2', status: 'delivered', timestamp: ago(168) });
    await store.recordStatus({ id: 'wamid.a2', status: 'sent', timestamp: ago(169) });
    await store.recordInbound({
      id: 'wamid.a3',
      waId: ASHA,
      type: 'text',
      text: 'Great, two candles please\nand a card',
      timestamp: ago(120),
      replyTo: 'wamid.a2',
    });
    await store.recordOutbound({
      id: 'wamid.a4',
      waId: ASHA,
      type: 'text',
      text: 'We are closed now; back tomorrow at 9.',
      timestamp: ago(119),
      status: 'accepted',
      reason: 'away',
    });
    // Bob: wrote 30 hours ago (window closed), our answer failed
    await store.recordInbound({
      id: 'wamid.b1',
      waId: BOB,
      name: 'Bob',
      type: 'image',
      text: null,
      timestamp: ago(1800),
    });
    await store.recordOutbound({
      id: 'wamid.b2',
      waId: BOB,
      type: 'text',
      text: 'Got it',
      timestamp: ago(1790),
      status: 'accepted',
    });
    await store.recordStatus({ id: 'wamid.b2', status: 'sent', timestamp: ago(1789) });
    await store.recordStatus({
      id: 'wamid.b2',
      status: 'failed',
      timestamp: ago(1788),
      error: { code: 131026, title: 'Message undeliverable', details: 'Unable to deliver the message' },
    });
    // Chen: we wrote first; no answer from them
    await store.recordOutbound({
      id: 'wamid.c1',
      waId: CHEN,
      type: 'template',
      text: 'diwali_offer',
      timestamp: ago(600),
      status: 'accepted',
    });
    await extra?.(store);
  } finally {
    await store.close();
  }
}

beforeEach(async () => {
  const dir = tempDir();
  db = join(dir, 'wabox.db');
  env = { WABOX_DB: db, WABOX_CONFIG_DIR: join(dir, 'config') };
});

const inbox = async (...args: string[]) => {
  const r = await run(['inbox', ...args, '--json'], { env, overrides: clock });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Array<Record<string, unknown>>;
};
const waIds = (list: Array<Record<string, unknown>>) => list.map((c) => c.waId);

describe('wabox inbox', () => {
  it('--json: one object per conversation, most recent first, with the documented fields', async () => {
    await seed(async (store) => {
      await store.addLabel(ASHA, 'vip');
      await store.addLabel(ASHA, 'cake order');
      await store.setAssignee(ASHA, 'ravi');
      // the campaign and referral are written by the webhook ingest (not part of these commands)
      store.db
        .prepare('UPDATE conversations SET campaign = ?, referral = ? WHERE wa_id = ?')
        .run('diwali-flyer', JSON.stringify({ source_type: 'ad', source_id: '123' }), ASHA);
    });
    const list = await inbox();
    expect(waIds(list)).toEqual([ASHA, CHEN, BOB]);
    expect(list[0]).toEqual({
      waId: ASHA,
      phone: '+919876543210',
      userId: null,
      parentUserId: null,
      username: null,
      name: 'Asha Rao',
      status: 'open',
      assignee: 'ravi',
      labels: ['cake order', 'vip'],
      campaign: 'diwali-flyer',
      referral: { source_type: 'ad', source_id: '123' },
      unread: 2,
      lastMessage: {
        id: 'wamid.a4',
        direction: 'out',
        type: 'text',
        text: 'We are closed now; back tomorrow at 9.',
        timestamp: iso(119),
        status: 'accepted',
        reason: 'away',
      },
      lastInboundAt: iso(120),
      windowOpen: true,
      windowClosesAt: new Date(ago(120).getTime() + 86_400_000).toISOString(),
      windowRemainingMs: 22 * 3_600_000,
      // the automatic away reply does not answer her
      unanswered: true,
      awaitingReplySince: iso(120),
      waitingMs: 120 * 60_000,
      handoffAt: null,
      // asked 180 minutes ago, answered 170 minutes ago; no hours set: wall-clock time
      firstResponseSeconds: 600,
      slaDueAt: null,
      slaRemainingMs: null,
      slaState: null,
      cursor: expect.stringMatching(/^[0-9a-z]+\.[0-9a-z]+$/),
    });
    // its place in the inbox: the time of its latest message
    expect(decodeCursor(String(list[0]?.cursor)).at).toBe(ago(119).getTime());
    expect(list[1]).toMatchObject({
      waId: CHEN,
      name: null,
      unread: 0,
      lastInboundAt: null,
      windowOpen: false,
      windowClosesAt: null,
      windowRemainingMs: null,
      unanswered: false,
      awaitingReplySince: null,
      waitingMs: null,
      campaign: null,
      referral: null,
    });
    expect(list[2]).toMatchObject({
      waId: BOB,
      windowOpen: false,
      windowRemainingMs: 0,
      // a failed answer did not reach him
      unanswered: true,
      waitingMs: 1800 * 60_000,
    });
  });

  it('filters: --unread --unanswered --label --status --assigned --unassigned --limit', async () => {
    await seed(async (store) => {
      await store.addLabel(BOB, 'wholesale');
      await store.setAssignee(CHEN, 'Asha K');
      await store.setConversationStatus(BOB, 'resolved');
    });
    expect(waIds(await inbox('--unread'))).toEqual([ASHA, BOB]);
    expect(waIds(await inbox('--unanswered'))).toEqual([ASHA]);
    expect(waIds(await inbox('--label', 'Wholesale'))).toEqual([BOB]);
    expect(waIds(await inbox('--label', 'nothing'))).toEqual([]);
    expect(waIds(await inbox('--status', 'resolved'))).toEqual([BOB]);
    expect(waIds(await inbox('--status', 'open'))).toEqual([ASHA, CHEN]);
    expect(waIds(await inbox('--assigned', 'Asha K'))).toEqual([CHEN]);
    expect(waIds(await inbox('--unassigned'))).toEqual([ASHA, BOB]);
    expect(waIds(await inbox('--limit', '1'))).toEqual([ASHA]);
    expect(waIds(await inbox('--unread', '--status', 'open'))).toEqual([ASHA]);
  });

  it('--before walks the inbox a page at a time, filters kept; a terminal gets the next command', async () => {
    await seed(async (store) => {
      await store.addLabel(ASHA, 'vip');
      await store.addLabel(BOB, 'vip');
    });
    const walk = async (...filters: string[]) => {
      const seen: unknown[] = [];
      let before: string[] = [];
      for (let page = 0; page < 5; page++) {
        const list = await inbox(...filters, '--limit', '1', ...before);
        if (list.length === 0) return seen;
        seen.push(...waIds(list));
        before = ['--before', String(list.at(-1)!.cursor)];
      }
      throw new Error('the walk did not end');
    };
    expect(await walk()).toEqual([ASHA, CHEN, BOB]);
    expect(await walk('--label', 'vip')).toEqual([ASHA, BOB]);
    expect(await walk('--unread')).toEqual([ASHA, BOB]);
    const tty = await run(['inbox', '--label', 'vip', '--limit', '1'], { env, overrides: clock, tty: true });
    expect(tty.code).toBe(0);
    const hint = /^more: wabox inbox --label vip --limit 1 --before ([0-9a-z.]+)$/m.exec(tty.stderr);
    expect(hint, tty.stderr).not.toBeNull();
    expect(waIds(await inbox('--label', 'vip', '--before', hint![1]!))).toEqual([BOB]);
    const end = await run(['inbox', '--label', 'vip'], { env, overrides: clock, tty: true });
    expect(end.stderr).not.toContain('more:');
    const bad = await run(['inbox', '--before', 'yesterday'], { env });
    expect({ code: bad.code, stderr: bad.stderr.split('\n')[0] }).toEqual({
      code: 2,
      stderr: 'error: --before "yesterday" is not a cursor wabox printed',
    });
  });

  it('bad filters are usage errors (exit 2)', async () => {
    await seed();
    const bad = async (...args: string[]) => (await run(['inbox', ...args], { env })).code;
    expect(await bad('--status', 'closed')).toBe(2);
    expect(await bad('--label', 'a,b')).toBe(2);
    expect(await bad('--limit', '0')).toBe(2);
    expect(await bad('--assigned', 'x', '--unassigned')).toBe(2);
    expect(await bad('extra')).toBe(2);
  });

  it('in a pipe: tab-separated lines, no colour', async () => {
    await seed(async (store) => {
      await store.addLabel(ASHA, 'vip');
    });
    const r = await run(['inbox'], { env, overrides: clock, color: true });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\u001b\[/);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]!.split('\t')).toEqual([
      '+919876543210',
      'Asha Rao',
      'open',
      '-',
      'vip',
      '-',
      '2',
      iso(119),
      new Date(ago(120).getTime() + 86_400_000).toISOString(),
      String(120 * 60_000),
      'We are closed now; back tomorrow at 9.',
      '-',
    ]);
    expect(lines[1]!.split('\t')[9]).toBe('-');
    expect(lines[2]!.split('\t').slice(0, 3)).toEqual(['+447700900123', 'Bob', 'open']);
  });

  it('on a terminal: unanswered conversations in red, with how long the customer has waited', async () => {
    await seed();
    const r = await run(['inbox'], { env, overrides: clock, tty: true, color: true });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const red = '\u001b[31m';
    expect(lines[0]!.startsWith(red)).toBe(true);
    expect(lines[0]).toContain('Asha Rao');
    expect(lines[0]).toContain('waiting 2h 00m');
    expect(lines[0]).toContain('window 22h 00m left');
    expect(lines[0]).toContain('2 unread');
    expect(lines[1]!.startsWith(red)).toBe(false);
    expect(lines[1]).toContain('+8613800138000');
    expect(lines[1]).not.toContain('waiting');
    expect(lines[2]!.startsWith(red)).toBe(true);
    expect(lines[2]).toContain('waiting 30h 00m');
    expect(lines[2]).toContain('window closed');
    // a terminal without colour (NO_COLOR, --no-color) keeps the words, drops the escapes
    const plain = await run(['inbox', '--no-color'], { env, overrides: clock, tty: true, color: true });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    expect(plain.stdout).toContain('waiting 2h 00m');
  });

  it('a profile name that is only the number again is not shown twice', async () => {
    await seed(async (store) => {
      await store.recordInbound({
        id: 'wamid.d1',
        waId: '919800000001',
        name: '+91 98000 00001',
        type: 'text',
        text: 'hello',
        timestamp: ago(1),
      });
    });
    const r = await run(['inbox', '--no-color'], { env, overrides: clock, tty: true });
    const line = r.stdout.split('\n').find((l) => l.includes('hello'))!;
    expect(line.match(/\+919800000001/g)).toHaveLength(1);
    expect(line).not.toContain('+91 98000 00001');
    const show = await run(['inbox', 'show', '+919800000001', '--no-color'], { env, overrides: clock });
    expect(show.stdout.split('\n')[0]).toBe('+919800000001');
    // --json keeps the name as WhatsApp sent it
    expect((await inbox()).find((c) => c.waId === '919800000001')?.name).toBe('+91 98000 00001');
  });

  it('an empty store: [] with --json, a note on stderr otherwise', async () => {
    expect(await inbox()).toEqual([]);
    const r = await run(['inbox'], { env });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'no conversations\n' });
  });
});

describe('wabox inbox: first response and the SLA target, in business hours', () => {
  // NOW is Tuesday 2025-06-10 12:00 UTC; the business opens mon-fri 09:00-18:00 UTC
  const utc = (text: string) => new Date(`2025-06-${text}Z`);
  async function seedWaits(): Promise<void> {
    const store = openSqliteStore(db);
    try {
      const ask = (id: string, waId: string, at: string) =>
        store.recordInbound({ id, waId, type: 'text', text: 'hello?', timestamp: utc(at) });
      // Asha asked at 17:55, answered at 09:05 the next morning (10 business minutes), asked again at 11:50
      await ask('wamid.a1', ASHA, '09T17:55:00');
      await store.recordOutbound({
        id: 'wamid.a2',
        waId: ASHA,
        type: 'text',
        text: 'Good morning!',
        timestamp: utc('10T09:05:00'),
        status: 'accepted',
      });
      await ask('wamid.a3', ASHA, '10T11:50:00');
      await ask('wamid.b1', BOB, '10T11:05:00');
      // 30 business minutes on Monday evening, 30 on Tuesday morning: due 09:30
      await ask('wamid.c1', CHEN, '09T17:30:00');
    } finally {
      await store.close();
    }
  }

  beforeEach(async () => {
    await seedWaits();
    expect((await run(['hours', 'set', 'mon-fri 09:00-18:00', '--tz', 'UTC'], { env })).code).toBe(0);
  });

  it('--json: firstResponseSeconds always, slaDueAt and slaState once a target is set', async () => {
    const before = await inbox();
    expect(before.find((c) => c.waId === ASHA)).toMatchObject({
      firstResponseSeconds: 600,
      slaDueAt: null,
      slaState: null,
    });
    expect((await run(['config', 'set', 'sla.first-response', '1h'], { env })).code).toBe(0);
    const list = await inbox();
    const of = (waId: string) => list.find((c) => c.waId === waId);
    expect(of(ASHA)).toMatchObject({
      firstResponseSeconds: 600,
      slaDueAt: '2025-06-10T12:50:00.000Z',
      slaRemainingMs: 50 * 60_000,
      slaState: 'ok',
    });
    // 5 minutes of a 1 hour target left is under 20%
    expect(of(BOB)).toMatchObject({
      firstResponseSeconds: null,
      slaDueAt: '2025-06-10T12:05:00.000Z',
      slaRemainingMs: 5 * 60_000,
      slaState: 'at-risk',
    });
    expect(of(CHEN)).toMatchObject({
      slaDueAt: '2025-06-10T09:30:00.000Z',
      slaRemainingMs: -150 * 60_000,
      slaState: 'over',
    });
  });

  it('on a terminal: time left or over; in a pipe: the state as the last column', async () => {
    expect((await run(['config', 'set', 'sla.first-response', '1h'], { env })).code).toBe(0);
    const tty = await run(['inbox'], { env, overrides: clock, tty: true });
    expect(tty.code).toBe(0);
    const line = (name: string) => tty.stdout.split('\n').find((l) => l.includes(name)) ?? '';
    expect(line('919876543210')).toContain('SLA 50m left');
    expect(line('447700900123')).toContain('SLA 5m left');
    expect(line('8613800138000')).toContain('over SLA by 2h 30m');
    const pipe = await run(['inbox'], { env, overrides: clock });
    const states = pipe.stdout
      .trimEnd()
      .split('\n')
      .map((l) => [l.split('\t')[0], l.split('\t').at(-1)]);
    expect(states).toEqual([
      ['+919876543210', 'ok'],
      ['+447700900123', 'at-risk'],
      ['+8613800138000', 'over'],
    ]);
  });

  it('config set refuses a target that is not a duration from 1m to 30d (exit 2)', async () => {
    for (const bad of ['soon', '30s', '31d', '15']) {
      const r = await run(['config', 'set', 'sla.first-response', bad], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('sla.first-response must be a duration');
    }
    expect((await run(['config', 'set', 'sla.first-response', '1H30M'], { env })).code).toBe(0);
    expect((await run(['config', 'get', 'sla.first-response'], { env })).stdout.trim()).toBe('1h30m');
  });
});

describe('wabox inbox show', () => {
  it('--json: the thread oldest first, statuses, quotes, automatic replies; marks it read', async () => {
    await seed();
    const r = await run(['inbox', 'show', '+91 98765 43210', '--json'], { env, overrides: clock });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.conversation).toMatchObject({ waId: ASHA, name: 'Asha Rao', unread: 0, unanswered: true });
    expect(out.hasMore).toBe(false);
    expect(out.markedRead).toBe(2);
    expect(out.readReceipt).toBeNull();
    expect(out.messages.map((m: { id: string }) => m.id)).toEqual([
      'wamid.a1',
      'wamid.a2',
      'wamid.a3',
      'wamid.a4',
    ]);
    expect(out.messages[1]).toEqual({
      id: 'wamid.a2',
      direction: 'out',
      type: 'text',
      text: 'Yes! Come by at 5.',
      timestamp: iso(170),
      // statuses arrived read, delivered, sent: read stays
      status: 'read',
      statusAt: iso(160),
      statuses: [
        { status: 'sent', timestamp: iso(169), error: null },
        { status: 'delivered', timestamp: iso(168), error: null },
        { status: 'read', timestamp: iso(160), error: null },
      ],
      error: null,
      replyTo: 'wamid.a1',
      quoted: {
        id: 'wamid.a1',
        direction: 'in',
        type: 'text',
        // 80 characters with the ellipsis
        text: 'Is the chocolate cake with the candles ready for pick-up this evening, or tomor…',
        timestamp: iso(180),
      },
      reason: null,
    });
    expect(out.messages[0]).toMatchObject({ direction: 'in', status: 'read', statuses: [] });
    expect(out.messages[2]).toMatchObject({
      replyTo: 'wamid.a2',
      quoted: { id: 'wamid.a2', text: 'Yes! Come by at 5.' },
    });
    expect(out.messages[3]).toMatchObject({ reason: 'away', quoted: null });
    // the inbox now shows it read
    expect((await inbox())[0]).toMatchObject({ waId: ASHA, unread: 0 });
    // showing it again marks nothing more
    const again = await run(['inbox', 'show', '+919876543210', '--json'], { env, overrides: clock });
    expect(JSON.parse(again.stdout).markedRead).toBe(0);
  });

  it('a failed status shows its error code and what it means', async () => {
    await seed();
    const r = await run(['inbox', 'show', '+447700900123', '--json'], { env, overrides: clock });
    const failed = JSON.parse(r.stdout).messages[1];
    expect(failed).toMatchObject({ id: 'wamid.b2', status: 'failed', statusAt: iso(1788) });
    expect(failed.error).toEqual({
      code: 131026,
      title: 'Message undeliverable',
      details: 'Unable to deliver the message',
      meaning: expect.stringMatching(/undeliverable/i),
      hint: expect.any(String),
    });
    expect(failed.statuses.map((s: { status: string }) => s.status)).toEqual(['sent', 'failed']);
    const human = await run(['inbox', 'show', '+447700900123'], { env, overrides: clock });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('failed');
    expect(human.stdout).toMatch(/✗ 131026 message undeliverable.*\(Unable to deliver the message\)/);
    expect(human.stdout).toContain('window closed');
  });

  it('human form: local times with seconds, direction, status, the quoted message, the reason', async () => {
    await seed();
    const r = await run(['inbox', 'show', '+919876543210'], { env, overrides: clock });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\u001b\[/);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Asha Rao +919876543210');
    expect(lines[1]).toMatch(/^open · window open until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(22h 00m left\)$/);
    expect(lines[2]).toBe('waiting for a reply for 2h 00m');
    expect(r.stdout).toMatch(/\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}← Asha Rao\n {4}Is the chocolate/);
    expect(r.stdout).toMatch(
      / {2}→ sent {2}✓✓ read \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n {4}↪ Asha Rao: "Is the chocolate cake/,
    );
    expect(r.stdout).toContain('    Great, two candles please\n    and a card\n');
    expect(r.stdout).toMatch(/→ automatic reply \(away\)/);
  });

  it('exact local times in the machine zone (spawned with TZ=Asia/Kolkata)', async () => {
    await seed();
    const r = await spawnCli(['inbox', 'show', '+919876543210', '--limit', '1'], {
      env: { ...env, TZ: 'Asia/Kolkata' },
    });
    expect(r.code).toBe(0);
    const local = new Date(ago(119).getTime() + 5.5 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
    expect(r.stdout).toContain(`${local}  → automatic reply (away)`);
    expect(r.stderr).toContain('older messages not shown');
  });

  it('--limit: the latest messages; a quoted message outside the page is still found', async () => {
    await seed();
    const r = await run(['inbox', 'show', '+919876543210', '--limit', '2', '--json'], {
      env,
      overrides: clock,
    });
    const out = JSON.parse(r.stdout);
    expect(out.hasMore).toBe(true);
    expect(out.messages.map((m: { id: string }) => m.id)).toEqual(['wamid.a3', 'wamid.a4']);
    expect(out.messages[0].quoted).toMatchObject({ id: 'wamid.a2', text: 'Yes! Come by at 5.' });
  });

  it('a reply to a message the store does not have: replyTo kept, quoted null', async () => {
    await seed(async (store) => {
      await store.recordInbound({
        id: 'wamid.c2',
        waId: CHEN,
        type: 'text',
        text: 'Interested',
        timestamp: ago(5),
        replyTo: 'wamid.elsewhere',
      });
    });
    const r = await run(['inbox', 'show', '+8613800138000', '--json'], { env, overrides: clock });
    expect(JSON.parse(r.stdout).messages[1]).toMatchObject({ replyTo: 'wamid.elsewhere', quoted: null });
    const human = await run(['inbox', 'show', '+8613800138000'], { env, overrides: clock });
    expect(human.stdout).toContain('↪ replying to a message not in the store (wamid.elsewhere)');
  });

  it('an unknown contact exits 6 with a hint; a bad number exits 2', async () => {
    await seed();
    expectError(
      await run(['inbox', 'show', '+15550001111'], { env }),
      6,
      'no conversation with +15550001111: the store has no message to or from this contact',
      /wabox inbox/,
    );
    const json = await run(['inbox', 'show', '+15550001111', '--json'], { env });
    expect(json.code).toBe(6);
    expect(JSON.parse(json.stderr).error).toMatchObject({ code: 'contact.not_found', exitCode: 6 });
    expect((await run(['inbox', 'show', 'not-a-number'], { env })).code).toBe(2);
  });
});

describe('wabox inbox show --mark-read', () => {
  let graph: FakeGraph;
  const MESSAGES = `/v23.0/${PHONE_ID}/messages`;
  beforeEach(async () => {
    graph = await startFakeGraph();
  });
  afterEach(async () => {
    await graph.close();
  });

  it("sends the read receipt for the customer's last message", async () => {
    await seed();
    graph.on('POST', MESSAGES, { json: { success: true } });
    const r = await runCloud(graph.url, ['inbox', 'show', '+919876543210', '--mark-read', '--json'], {
      db,
      overrides: clock,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(graph.calls('POST', MESSAGES).map((c) => c.json)).toEqual([
      { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.a3' },
    ]);
    const out = JSON.parse(r.stdout);
    expect(out.readReceipt).toEqual({ id: 'wamid.a3', success: true });
    expect(out.conversation.unread).toBe(0);
  });

  it('a refused receipt exits 4 and leaves the conversation unread', async () => {
    await seed();
    graph.on('POST', MESSAGES, graphError(131009, { message: '(#131009) Parameter value is not valid' }));
    const r = await runCloud(graph.url, ['inbox', 'show', '+919876543210', '--mark-read'], {
      db,
      overrides: clock,
    });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect((await inbox())[0]).toMatchObject({ waId: ASHA, unread: 2 });
  });

  it('nothing to mark when the customer never wrote: no request', async () => {
    await seed();
    const r = await runCloud(graph.url, ['inbox', 'show', '+8613800138000', '--mark-read', '--json'], {
      db,
      overrides: clock,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no message from the customer to mark as read');
    expect(JSON.parse(r.stdout).readReceipt).toBeNull();
    expect(graph.requests).toHaveLength(0);
  });
});
