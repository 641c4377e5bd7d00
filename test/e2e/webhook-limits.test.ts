// The built `wabox webhook serve` as a child process against unauthenticated clients that hold memory
// or connections: large unsigned bodies left unfinished, slow headers (slowloris). Its memory stays
// bounded (VmRSS from /proc) and signed POSTs keep getting 200. Bounded in count; deadlines only as
// bounds on waiting, never as assertions.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serializeLikeMeta, simulatedTextMessage } from '../../src/cloud/webhook-simulate.js';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';
import { postSigned } from '../helpers/receiver.js';

const SECRET = 'limits-test-app-secret';
const children: ChildProcess[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function serve(args: string[] = []): Promise<{ child: ChildProcess; url: string; port: number }> {
  const dir = tempDir('wabox-limits-');
  const child = spawn(process.execPath, [BIN, 'webhook', 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      WABOX_DB: join(dir, 'wabox.db'),
      WABOX_CONFIG_DIR: join(dir, 'config'),
      WABOX_APP_SECRET: SECRET,
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /"url":"([^"]+)".*"msg":"listening"/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', () => reject(new Error(`the receiver exited before listening:\n${err}`)));
  });
  return { child, url, port: Number(new URL(url).port) };
}

/** VmRSS of a process in bytes. */
function rss(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

function signedPost(url: string, agent: Agent): Promise<number> {
  const raw = serializeLikeMeta(
    simulatedTextMessage({ from: '919876543210', text: 'hello', now: new Date() }).body,
  );
  return postSigned(url, raw, SECRET, agent);
}

const MiB = 1024 * 1024;

/** Opens a connection, sends a POST's headers announcing `declared` bytes and `sent` of them, idles. */
function unfinishedPost(port: number, path: string, declared: number, sent: number) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  const answer: Buffer[] = [];
  socket.on('data', (c: Buffer) => answer.push(c));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const written = new Promise<void>((resolve) => {
    socket.once('connect', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`,
      );
      socket.write(Buffer.alloc(sent, 0x20), () => resolve());
    });
    socket.once('close', () => resolve());
  });
  return { socket, written, closed, answer: () => Buffer.concat(answer).toString() };
}

describe('the receiver bounds what unauthenticated clients make it hold', () => {
  it('200 connections with 1 MiB - 1 unsigned bytes each, then idle: RSS stays bounded, signed POSTs get 200', async () => {
    // a long request timeout keeps the accepted attackers open: only refused ones get closed
    const { child, url, port } = await serve(['--request-timeout', '120']);
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    for (let i = 0; i < 5; i++) expect(await signedPost(url, agent)).toBe(200);
    const before = rss(child.pid!);
    const path = new URL(url).pathname;
    const attackers = Array.from({ length: 200 }, () => unfinishedPost(port, path, MiB, MiB - 1));
    await Promise.all(attackers.map((a) => a.written));
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push(await signedPost(url, agent));
    // the buffer budget lets large bodies hold 32 MiB; the rest are refused with 503 and closed. A
    // refused attacker may never read its 503: the server's RST for the bytes it still sends drops it.
    const closedNow = () => attackers.filter((a) => a.socket.destroyed);
    for (let i = 0; i < 100 && closedNow().length <= 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const grown = rss(child.pid!) - before;
    // with the budget held, a POST that sends no body gets its 503 before any RST can drop it
    const probe = unfinishedPost(port, path, MiB, 0);
    await probe.closed;
    agent.destroy();
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(grown).toBeLessThan(96 * MiB);
    expect(closedNow().length).toBeGreaterThan(100);
    const answers = attackers.map((a) => a.answer()).filter(Boolean);
    expect(answers.every((a) => a.startsWith('HTTP/1.1 503'))).toBe(true);
    expect(probe.answer()).toMatch(/^HTTP\/1\.1 503/);
    expect(probe.answer()).toMatch(/\r\nretry-after: 5\r\n/i);
    expect(probe.answer()).toMatch(/\r\nconnection: close\r\n/i);
  }, 60_000);

  it('an unfinished body is answered 408 and closed after --request-timeout', async () => {
    const { url, port } = await serve(['--request-timeout', '1']);
    const slow = unfinishedPost(port, new URL(url).pathname, 100, 10);
    await slow.closed;
    expect(slow.answer()).toMatch(/^HTTP\/1\.1 408/);
  }, 30_000);

  it('slowloris: 100 connections sending headers a byte at a time are closed; signed POSTs get 200 meanwhile', async () => {
    const { url, port } = await serve(['--request-timeout', '1']);
    const agent = new Agent({ keepAlive: false });
    const head = 'POST /webhook HTTP/1.1\r\nHost: x\r\nX-Slow: ';
    const slow = Array.from({ length: 100 }, () => {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      socket.on('error', () => undefined);
      let i = 0;
      const timer = setInterval(() => {
        if (socket.destroyed || i >= 200) return;
        socket.write(i < head.length ? head[i]! : 'a');
        i++;
      }, 100);
      return new Promise<void>((resolve) =>
        socket.once('close', () => {
          clearInterval(timer);
          resolve();
        }),
      );
    });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await signedPost(url, agent));
    expect(statuses.every((s) => s === 200)).toBe(true);
    // every slow connection is closed by the receiver (the test would time out otherwise)
    await Promise.all(slow);
    expect(await signedPost(url, agent)).toBe(200);
  }, 30_000);

  it('refuses limits that are not whole numbers (exit 2)', async () => {
    const child = spawn(process.execPath, [BIN, 'webhook', 'serve', '--max-buffer', '0'], {
      cwd: ROOT,
      env: { ...process.env, WABOX_APP_SECRET: SECRET, WABOX_CONFIG_DIR: tempDir('wabox-limits-') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/^error: --max-buffer must be a whole number of at least 1/m);
  }, 30_000);
});
