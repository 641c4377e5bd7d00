// `messages list --follow` and `inbox --follow` (issue 15, item 7): the built CLI follows what another
// process writes, on SQLite (polling) and PostgreSQL (LISTEN/NOTIFY), filters applied, until a signal.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createDeps } from '../../src/cli/deps.js';
import { createTestIO } from '../../src/cli/test-io.js';
import { runInboxFollow } from '../../src/commands/inbox/list.js';
import { BIN, ROOT, run, spawnCli, tempDir } from '../helpers/cli.js';
import { describeStores, type TestStore } from '../helpers/stores.js';

const NOW = new Date('2025-06-10T12:00:00.000Z');
const ASHA = '919876543210';
const BOB = '447700900123';
const CHEN = '8613800138000';
const WAIT = { timeout: 20_000, interval: 20 };

const lines = <T = Record<string, unknown>>(text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);

await describeStores('--follow', (backend) => {
  let store: TestStore;
  let env: Record<string, string>;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    store = await backend.open();
    env = { WABOX_DB: backend.location(store), WABOX_CONFIG_DIR: join(tempDir(), 'config') };
    await store.recordInbound({ id: 'a1', waId: ASHA, type: 'text', text: 'Hi', timestamp: NOW });
    await store.recordInbound({ id: 'b1', waId: BOB, type: 'text', text: 'Price?', timestamp: NOW });
  });

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
    await store.close();
  });

  /** The built CLI, its output as it comes, and its exit code once it ends. */
  function follow(argv: string[]) {
    const proc = spawn(process.execPath, [BIN, ...argv], {
      cwd: ROOT,
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const out = { stdout: '', stderr: '' };
    proc.stdout!.on('data', (c: Buffer) => {
      out.stdout += c.toString('utf8');
    });
    proc.stderr!.on('data', (c: Buffer) => {
      out.stderr += c.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
    return { proc, out, exited };
  }

  it('messages list --follow: what another process writes, once each, in order, filtered; Ctrl-C: 130', async () => {
    // --limit 1: the latest stored message first, which also shows the follower has started
    const f = follow(['messages', 'list', '--follow', '--direction', 'in', '--limit', '1']);
    await vi.waitFor(() => expect(lines(f.out.stdout)).toHaveLength(1), WAIT);
    await store.recordInbound({ id: 'a2', waId: ASHA, type: 'text', text: 'one', timestamp: NOW });
    await store.recordOutbound({
      id: 'o1',
      waId: ASHA,
      type: 'text',
      text: 'not inbound',
      timestamp: NOW,
      status: 'accepted',
    });
    await store.recordInbound({ id: 'a2', waId: ASHA, type: 'text', text: 'one', timestamp: NOW });
    await store.recordInbound({ id: 'c1', waId: CHEN, type: 'text', text: 'two', timestamp: NOW });
    await vi.waitFor(() => expect(lines(f.out.stdout)).toHaveLength(3), WAIT);
    f.proc.kill('SIGINT');
    expect(await f.exited).toBe(130);
    expect(lines<{ id: string; waId: string }>(f.out.stdout).map((m) => [m.id, m.waId])).toEqual([
      ['b1', BOB],
      ['a2', ASHA],
      ['c1', CHEN],
    ]);
    expect(f.out.stderr).toBe('');
  });

  it('inbox --follow in a pipe: NDJSON of each changed conversation in view; SIGTERM: 0', async () => {
    const rowKeys = Object.keys(
      (JSON.parse((await spawnCli(['inbox', '--json'], { env })).stdout) as object[])[0]!,
    );
    const f = follow(['inbox', '--follow', '--unassigned', '--limit', '1']);
    type Row = { waId: string; status: string; assignee: string | null; unread: number; labels: string[] };
    const rows = () => lines<Row>(f.out.stdout);
    await vi.waitFor(() => expect(rows()).toHaveLength(1), WAIT);
    expect(rows()[0]!.waId).toBe(BOB); // the latest activity
    await store.setAssignee(ASHA, 'ravi'); // leaves the view: not printed
    await store.recordInbound({ id: 'c1', waId: CHEN, type: 'text', text: 'new', timestamp: NOW });
    await vi.waitFor(() => expect(rows().map((r) => r.waId)).toEqual([BOB, CHEN]), WAIT);
    await store.setConversationStatus(BOB, 'resolved');
    await vi.waitFor(() => expect(rows()).toHaveLength(3), WAIT);
    await store.addLabel(CHEN, 'vip');
    await vi.waitFor(() => expect(rows()).toHaveLength(4), WAIT);
    await store.setAssignee(ASHA, null); // back in view
    await vi.waitFor(() => expect(rows()).toHaveLength(5), WAIT);
    await store.recordInbound({ id: 'b2', waId: BOB, type: 'text', text: 'again', timestamp: NOW });
    await vi.waitFor(() => expect(rows()).toHaveLength(6), WAIT);
    f.proc.kill('SIGTERM');
    expect(await f.exited).toBe(0);
    expect(rows().map((r) => [r.waId, r.status, r.assignee, r.unread, r.labels])).toEqual([
      [BOB, 'open', null, 1, []],
      [CHEN, 'open', null, 1, []],
      [BOB, 'resolved', null, 1, []],
      [CHEN, 'open', null, 1, ['vip']],
      [ASHA, 'open', null, 1, []],
      [BOB, 'open', null, 2, []],
    ]);
    for (const row of rows()) expect(Object.keys(row)).toEqual(rowKeys);
    expect(f.out.stderr).toBe('');
  });

  it('inbox --follow on a terminal: the inbox, oldest activity first, then each change as its line', async () => {
    const io = createTestIO({ tty: true });
    const deps = createDeps(io, env, { clock: () => NOW });
    const controller = new AbortController();
    const following = runInboxFollow({}, deps, controller.signal, 20);
    try {
      await vi.waitFor(() => expect(io.stderr.text()).toContain('following changes'), WAIT);
      await store.setAssignee(ASHA, 'ravi');
      await vi.waitFor(() => expect(io.stdout.text()).toContain('@ravi'), WAIT);
      controller.abort('SIGINT');
      expect(await following).toBe(3);
    } finally {
      controller.abort('test end');
      await deps.close();
    }
    const out = io.stdout.text().trimEnd().split('\n');
    expect(out).toHaveLength(3);
    expect(out[0]).toContain(ASHA);
    expect(out[1]).toContain(BOB);
    expect(out[2]).toMatch(new RegExp(`${ASHA}.*@ravi`));
  });
});

it.each([
  [
    ['inbox', '--follow', '--before', 'misp1ds0.16'],
    '--before lists older conversations: it does not go with --follow',
  ],
  [
    ['messages', 'list', '--follow', '--before', 'misp1ds0.16'],
    '--before lists older messages: it does not go with --follow',
  ],
  [['inbox', '--follow', '--mine', '--unassigned'], 'give one of --assigned <agent>, --unassigned or --mine'],
])('%j: exit 2 with one error line', async (argv, message) => {
  const r = await run(argv, { env: { WABOX_DB: join(tempDir(), 'wabox.db') } });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n')[0]).toBe(`error: ${message}`);
});
