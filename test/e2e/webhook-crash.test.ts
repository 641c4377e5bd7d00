// The built `wabox webhook serve` as a child process: SIGKILL under load loses no acknowledged event;
// SIGTERM finishes the request in flight and exits 0. Load loops are bounded in count and time.
import { spawnSync } from 'node:child_process';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/cloud/webhook-signature.js';
import { serializeLikeMeta, simulatedTextMessage } from '../../src/cloud/webhook-simulate.js';
import { BIN, tempDir } from '../helpers/cli.js';
import { postSigned } from '../helpers/receiver.js';
import { killSpawned, serve } from '../helpers/spawned-receiver.js';

const SECRET = 'crash-test-app-secret';
afterEach(killSpawned);

function post(url: string, raw: Buffer, agent: Agent): Promise<number> {
  return postSigned(url, raw, SECRET, agent);
}

const bodyFor = (i: number) =>
  simulatedTextMessage({
    from: `9198${String(10_000_000 + (i % 50)).slice(-8)}`,
    text: `load ${i}`,
    now: new Date(),
  });

describe('crash safety of the receiver (spawned)', () => {
  it('SIGKILL under load: every event answered 200 is in the store exactly once after a restart', async () => {
    const dir = tempDir('wabox-crash-');
    const env = {
      WABOX_DB: join(dir, 'wabox.db'),
      WABOX_CONFIG_DIR: join(dir, 'config'),
      WABOX_APP_SECRET: SECRET,
      WABOX_VERIFY_TOKEN: 'verify-token-crash',
    };
    const first = await serve(env);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const sent = new Map<string, Buffer>();
    const acked = new Set<string>();
    const MAX = 4000;
    const started = Date.now();
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < MAX && Date.now() - started < 20_000) {
        const i = next++;
        const { id, body } = bodyFor(i);
        const raw = serializeLikeMeta(body);
        sent.set(id, raw);
        try {
          const status = await post(first.url, raw, agent);
          if (status === 200) acked.add(id);
        } catch {
          if (killed) return; // the receiver is gone: this one got no answer
        }
        if (!killed && acked.size >= 300) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    agent.destroy();
    expect(killed).toBe(true);
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThanOrEqual(300);

    const second = await serve(env);
    const db = new Database(env.WABOX_DB, { readonly: true });
    const count = db.prepare('SELECT count(*) AS n FROM messages WHERE wamid = ?');
    for (const id of acked) expect((count.get(id) as { n: number }).n, id).toBe(1);
    // Meta redelivers what got no answer (and duplicates happen): send everything again
    const again = new Agent({ keepAlive: true, maxSockets: 8 });
    const all = [...sent.entries()];
    let k = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (k < all.length) {
          const [, raw] = all[k++]!;
          statuses.push(await post(second.url, raw, again));
        }
      }),
    );
    again.destroy();
    expect(statuses.every((s) => s === 200)).toBe(true);
    const totals = db.prepare('SELECT count(*) AS n, count(DISTINCT wamid) AS d FROM messages').get() as {
      n: number;
      d: number;
    };
    expect(totals).toEqual({ n: sent.size, d: sent.size });
    db.close();
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(second.stderr()).toContain('"msg":"stopped"');
    // what the inbox keeps held through the kill: `db check` recomputes it from the messages
    const check = spawnSync(process.execPath, [BIN, 'db', 'check', '--json'], {
      env: { ...process.env, ...env },
    });
    expect(check.status, check.stderr.toString()).toBe(0);
    expect(JSON.parse(check.stdout.toString())).toEqual({ differences: [], repaired: false });
  }, 90_000);

  it('SIGTERM: the request in flight is finished and answered, then the process exits 0', async () => {
    const dir = tempDir('wabox-term-');
    const env = {
      WABOX_DB: join(dir, 'wabox.db'),
      WABOX_CONFIG_DIR: join(dir, 'config'),
      WABOX_APP_SECRET: SECRET,
    };
    const served = await serve(env);
    const { id, body } = bodyFor(1);
    const raw = serializeLikeMeta(body);
    const { port, pathname } = new URL(served.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const answer: Buffer[] = [];
    socket.on('data', (c: Buffer) => answer.push(c));
    socket.write(
      `POST ${pathname} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${raw.length}\r\nX-Hub-Signature-256: ${signPayload(raw, SECRET)}\r\n\r\n`,
    );
    socket.write(raw.subarray(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    served.child.kill('SIGTERM');
    // the receiver has seen the signal (bounded wait), and is still finishing the request
    for (let i = 0; i < 100 && !served.stderr().includes('"msg":"shutting down'); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(served.stderr()).toContain('"msg":"shutting down');
    expect(served.child.exitCode).toBeNull();
    // no half-close: Node's HTTP server ends a connection whose client sent FIN before the response
    socket.write(raw.subarray(10));
    expect(await served.exited).toEqual({ code: 0, signal: null });
    expect(Buffer.concat(answer).toString()).toMatch(/^HTTP\/1\.1 200/);
    const db = new Database(env.WABOX_DB, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM messages WHERE wamid = ?').get(id)).toEqual({ n: 1 });
    db.close();
  }, 60_000);
});
