// Two `wabox webhook serve` processes on one PostgreSQL store, as a team runs them behind a load balancer:
// the same payloads reach both, each event is stored once and each automatic reply goes out once (the fake
// Graph API's log); then one receiver is SIGKILLed under load and everything it did not acknowledge is
// redelivered to the other: nothing lost, nothing doubled, nothing for `db check` to repair.
import { spawnSync } from 'node:child_process';
import { Agent } from 'node:http';
import { afterAll, afterEach, expect, it } from 'vitest';
import { serializeLikeMeta, simulatedTextMessage } from '../../src/cloud/webhook-simulate.js';
import { SETTINGS_KEY } from '../../src/core/autoreply.js';
import type { PostgresStore } from '../../src/store/postgres.js';
import { BIN } from '../helpers/cli.js';
import { type FakeGraph, startFakeGraph } from '../helpers/graph-server.js';
import { describePg, dropTestSchemas } from '../helpers/pg.js';
import { MESSAGES_PATH, postSigned, sendReplies } from '../helpers/receiver.js';
import { killSpawned, type Served, serve, stopServed } from '../helpers/spawned-receiver.js';
import { startTeam } from '../helpers/team.js';

const SECRET = 'team-receivers-app-secret';
const CONTACTS = 60;
const customer = (i: number) => `9197${String(10_000_000 + (i % CONTACTS)).slice(-8)}`;

afterEach(killSpawned);

await describePg('two receivers on one PostgreSQL store', () => {
  afterAll(dropTestSchemas);
  let graph: FakeGraph | undefined;
  afterEach(async () => {
    await graph?.close();
    graph = undefined;
  });

  async function team(): Promise<{ env: (n: number) => Record<string, string>; store: PostgresStore }> {
    const { env, store } = await startTeam(graph!, SECRET);
    await store.setSetting(SETTINGS_KEY, { greeting: true });
    const templates = {
      version: 1,
      templates: [{ name: 'welcome', kind: 'greeting', language: 'en', body: 'Hello {{contact.name}}!' }],
    };
    return { env: (n) => env(n, { 'templates.json': templates }), store };
  }

  /** Waits (bounded) until no automatic reply is pending: the receivers send them after acknowledging. */
  async function repliesSettled(store: PostgresStore): Promise<void> {
    for (let i = 0; i < 200 && (await store.pendingAutoReplies()).length > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
  }

  it('the same payloads to both: every event stored once, every greeting sent once', async () => {
    graph = await startFakeGraph();
    graph.on('POST', MESSAGES_PATH, sendReplies(CONTACTS));
    const { env, store } = await team();
    const receivers = [await serve(env(1)), await serve(env(2))];
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    try {
      const now = new Date();
      const statuses: number[] = [];
      // one client loop, alternating which receiver gets each payload first; both get every payload
      for (let i = 0; i < CONTACTS; i++) {
        const raw = serializeLikeMeta(
          simulatedTextMessage({ from: customer(i), name: `C${i}`, text: `hello ${i}`, now }).body,
        );
        const order = i % 2 === 0 ? receivers : [...receivers].reverse();
        statuses.push(...(await Promise.all(order.map((r) => postSigned(r.url, raw, SECRET, agent)))));
      }
      expect(statuses).toEqual(Array(CONTACTS * 2).fill(200));
      await repliesSettled(store);
      const stored = await store.db.all<{ n: number; d: number }>(
        "SELECT count(*) AS n, count(DISTINCT wamid) AS d FROM messages WHERE direction = 'in'",
      );
      expect(stored).toEqual([{ n: CONTACTS, d: CONTACTS }]);
      const sends = graph.calls('POST', MESSAGES_PATH).map((c) => (c.json as { to: string }).to);
      expect(sends).toHaveLength(CONTACTS);
      expect(new Set(sends).size).toBe(CONTACTS);
      expect(await store.db.all('SELECT state, count(*) AS n FROM auto_replies GROUP BY state')).toEqual([
        { state: 'sent', n: CONTACTS },
      ]);
    } finally {
      agent.destroy();
      await Promise.all(receivers.map(stopServed));
      await store.close();
    }
  }, 90_000);

  it('SIGKILL one under load, redeliver the rest to the other: nothing lost, nothing doubled', async () => {
    graph = await startFakeGraph();
    const { env, store } = await team();
    // the contacts were greeted long ago: this load sends no replies (the fake API refuses any request)
    await store.setSetting(SETTINGS_KEY, { greeting: false });
    const a = await serve(env(1));
    const b = await serve(env(2));
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const sent = new Map<string, Buffer>();
    const acked = new Set<string>();
    const MAX = 1500;
    let next = 0;
    let killed = false;
    const started = Date.now();
    const worker = async () => {
      while (next < MAX && Date.now() - started < 20_000) {
        const i = next++;
        const { id, body } = simulatedTextMessage({ from: customer(i), text: `load ${i}`, now: new Date() });
        const raw = serializeLikeMeta(body);
        sent.set(id, raw);
        const target: Served = i % 2 === 0 ? a : b;
        try {
          if ((await postSigned(target.url, raw, SECRET, agent)) === 200) acked.add(id);
        } catch {
          // a's connection died with it: this one got no answer, Meta will redeliver it
        }
        if (!killed && acked.size >= 200) {
          killed = true;
          a.child.kill('SIGKILL');
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: 8 }, worker));
      expect(killed).toBe(true);
      expect((await a.exited).signal).toBe('SIGKILL');
      const count = async (id: string) =>
        (await store.db.get<{ n: number }>('SELECT count(*) AS n FROM messages WHERE wamid = @id', { id }))!
          .n;
      for (const id of acked) expect(await count(id), id).toBe(1);
      // everything again to the survivor (what a got and never answered, and duplicates)
      const again = new Agent({ keepAlive: true, maxSockets: 8 });
      const all = [...sent.values()];
      let k = 0;
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (k < all.length) statuses.push(await postSigned(b.url, all[k++]!, SECRET, again));
        }),
      );
      again.destroy();
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(await store.db.all('SELECT count(*) AS n, count(DISTINCT wamid) AS d FROM messages')).toEqual([
        { n: sent.size, d: sent.size },
      ]);
      const check = spawnSync(process.execPath, [BIN, 'db', 'check', '--json'], {
        env: { ...process.env, ...env(3) },
      });
      expect(check.status, check.stderr.toString()).toBe(0);
      expect(JSON.parse(check.stdout.toString())).toEqual({ differences: [], repaired: false });
    } finally {
      agent.destroy();
      await stopServed(b);
      await store.close();
    }
  }, 90_000);
});
