// `wabox messages list` with inbound messages (issue 5): --direction, --from, and --follow streaming
// NDJSON while another connection (or process) writes to the same SQLite file.

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeps } from '../../src/cli/deps.js';
import { createTestIO } from '../../src/cli/test-io.js';
import { runMessagesFollow } from '../../src/commands/messages/list.js';
import { decodeCursor } from '../../src/core/cursor.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { BIN, ROOT, run, tempDir } from '../helpers/cli.js';

const NOW = new Date('2025-06-10T12:00:00.000Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const ASHA = '919876543210';
const BOB = '447700900123';
const clock = { clock: () => NOW };
let env: Record<string, string>;
let db: string;

beforeEach(async () => {
  const dir = tempDir();
  db = join(dir, 'wabox.db');
  env = { WABOX_DB: db, WABOX_CONFIG_DIR: join(dir, 'config') };
  const store = openSqliteStore(db);
  await store.recordInbound({ id: 'in.a1', waId: ASHA, type: 'text', text: 'Hi', timestamp: minutesAgo(50) });
  await store.recordOutbound({
    id: 'out.a2',
    waId: ASHA,
    type: 'text',
    text: 'Hello',
    timestamp: minutesAgo(40),
    status: 'accepted',
  });
  await store.recordInbound({
    id: 'in.b1',
    waId: BOB,
    type: 'text',
    text: 'Price?',
    timestamp: minutesAgo(30),
  });
  await store.close();
});

const ids = async (...args: string[]) => {
  const r = await run(['messages', 'list', ...args, '--json'], { env, overrides: clock });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as Array<{ id: string }>).map((m) => m.id);
};

/** Writes through a second connection, as `wabox webhook serve` would. */
async function write(fn: (store: ReturnType<typeof openSqliteStore>) => Promise<unknown>): Promise<void> {
  const store = openSqliteStore(db);
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

describe('messages list: inbound messages', () => {
  it('lists both directions; --direction in|out; --from is --to plus --direction in', async () => {
    expect(await ids()).toEqual(['in.b1', 'out.a2', 'in.a1']);
    expect(await ids('--direction', 'in')).toEqual(['in.b1', 'in.a1']);
    expect(await ids('--direction', 'out')).toEqual(['out.a2']);
    expect(await ids('--from', '+91 98765 43210')).toEqual(['in.a1']);
    expect(await ids('--from', '+919876543210', '--direction', 'in')).toEqual(['in.a1']);
    expect(await ids('--to', '+919876543210')).toEqual(['out.a2', 'in.a1']);
    expect(await ids('--direction', 'in', '--since', '45m')).toEqual(['in.b1']);
    const r = await run(['messages', 'list', '--direction', 'in'], { env });
    expect(r.stdout.split('\n')[0]!.split('\t').slice(1, 3)).toEqual(['in', BOB]);
  });

  it('conflicting or bad flags exit 2', async () => {
    const code = async (...args: string[]) => (await run(['messages', 'list', ...args], { env })).code;
    expect(await code('--from', '+919876543210', '--to', '+447700900123')).toBe(2);
    expect(await code('--from', '+919876543210', '--direction', 'out')).toBe(2);
    expect(await code('--direction', 'sideways')).toBe(2);
  });
});

describe('messages list --follow', () => {
  const lines = (text: string) =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { id: string; direction: string; text: string });

  it('streams messages another connection writes, once each, as NDJSON; stops when aborted', async () => {
    const io = createTestIO();
    const deps = createDeps(io, env, clock);
    const controller = new AbortController();
    // --limit 1: the last stored message first, which also shows the follower has started
    const following = runMessagesFollow({ limit: '1' }, deps, controller.signal, 10);
    try {
      await vi.waitFor(() => expect(lines(io.stdout.text()).map((m) => m.id)).toEqual(['in.b1']), {
        timeout: 10_000,
        interval: 10,
      });
      await write(async (store) => {
        await store.recordInbound({ id: 'in.a3', waId: ASHA, type: 'text', text: 'नमस्ते 🙏', timestamp: NOW });
        // a redelivery is not a new message
        await store.recordInbound({ id: 'in.a3', waId: ASHA, type: 'text', text: 'नमस्ते 🙏', timestamp: NOW });
        await store.recordOutbound({
          id: 'out.a4',
          waId: ASHA,
          type: 'text',
          text: 'Hi!',
          timestamp: NOW,
          status: 'accepted',
        });
      });
      await vi.waitFor(() => expect(lines(io.stdout.text())).toHaveLength(3), {
        timeout: 10_000,
        interval: 10,
      });
      controller.abort('SIGINT');
      expect(await following).toBe(3);
    } finally {
      controller.abort('test end');
      await deps.close();
    }
    const out = lines(io.stdout.text());
    expect(out.map((m) => m.id)).toEqual(['in.b1', 'in.a3', 'out.a4']);
    expect(out[1]).toEqual({
      id: 'in.a3',
      direction: 'in',
      waId: ASHA,
      userId: null,
      parentUserId: null,
      username: null,
      type: 'text',
      text: 'नमस्ते 🙏',
      timestamp: NOW.toISOString(),
      status: 'received',
      error: null,
      replyTo: null,
      reason: null,
      pricing: null,
      cursor: expect.stringMatching(/^[0-9a-z]+\.[0-9a-z]+$/),
    });
    // a streamed message's cursor is its place in messages list: the page after it starts after it
    expect(decodeCursor(String((out[1] as { cursor?: string }).cursor)).at).toBe(NOW.getTime());
    expect(io.stderr.text()).toBe('');
  });

  it('filters apply to the stream; --since replays the stored ones oldest first', async () => {
    const io = createTestIO();
    const deps = createDeps(io, env, clock);
    const controller = new AbortController();
    const following = runMessagesFollow({ direction: 'in', since: '1h' }, deps, controller.signal, 10);
    try {
      await vi.waitFor(() => expect(lines(io.stdout.text())).toHaveLength(2), {
        timeout: 10_000,
        interval: 10,
      });
      await write(async (store) => {
        await store.recordOutbound({
          id: 'out.x',
          waId: BOB,
          type: 'text',
          text: 'no',
          timestamp: NOW,
          status: 'accepted',
        });
        await store.recordInbound({ id: 'in.b2', waId: BOB, type: 'text', text: 'yes', timestamp: NOW });
      });
      await vi.waitFor(() => expect(lines(io.stdout.text())).toHaveLength(3), {
        timeout: 10_000,
        interval: 10,
      });
      controller.abort('SIGTERM');
      await following;
    } finally {
      controller.abort('test end');
      await deps.close();
    }
    expect(lines(io.stdout.text()).map((m) => m.id)).toEqual(['in.a1', 'in.b1', 'in.b2']);
  });

  describe('the built CLI', () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      child = undefined;
    });

    it('streams while another process writes; Ctrl-C (SIGINT) ends it with exit 130', async () => {
      const proc = spawn(process.execPath, [BIN, 'messages', 'list', '--follow', '--limit', '1'], {
        cwd: ROOT,
        env: { ...process.env, ...env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      let stdout = '';
      let stderr = '';
      proc.stdout!.on('data', (c: Buffer) => {
        stdout += c.toString('utf8');
      });
      proc.stderr!.on('data', (c: Buffer) => {
        stderr += c.toString('utf8');
      });
      const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
      await vi.waitFor(() => expect(lines(stdout)).toHaveLength(1), { timeout: 20_000, interval: 20 });
      await write(async (store) => {
        for (let i = 0; i < 3; i++)
          await store.recordInbound({
            id: `in.s${i}`,
            waId: ASHA,
            type: 'text',
            text: `m${i}`,
            timestamp: NOW,
          });
      });
      await vi.waitFor(() => expect(lines(stdout)).toHaveLength(4), { timeout: 20_000, interval: 20 });
      proc.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(lines(stdout).map((m) => m.id)).toEqual(['in.b1', 'in.s0', 'in.s1', 'in.s2']);
      expect(stderr).toBe('');
    });
  });
});
