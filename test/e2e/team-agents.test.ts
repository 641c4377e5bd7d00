// Four agents on one PostgreSQL store, each running the built `wabox` as separate processes at the same
// time, with a real receiver (a child process) taking the customers' messages. 50 new conversations
// arriving with `assign round-robin` are spread within one of even, and a reply to a colleague's is
// refused in a pipe. 50 more arriving while everybody is away stay unassigned; in the morning the four
// agents race through that backlog in the same order with `claim` then `reply`: each conversation is
// claimed by one agent and answered once (the fake Graph API's log), each losing claim exits 1 naming
// the winner.
import { Agent } from 'node:http';
import { afterAll, afterEach, expect, it } from 'vitest';
import { serializeLikeMeta, simulatedTextMessage } from '../../src/cloud/webhook-simulate.js';
import { spawnCli } from '../helpers/cli.js';
import { startFakeGraph } from '../helpers/graph-server.js';
import { describePg, dropTestSchemas } from '../helpers/pg.js';
import { MESSAGES_PATH, postSigned, sendReplies } from '../helpers/receiver.js';
import { killSpawned, serve, stopServed } from '../helpers/spawned-receiver.js';
import { startTeam } from '../helpers/team.js';

const SECRET = 'team-agents-app-secret';
const AGENTS = ['asha', 'li', 'meera', 'ravi'];
const BATCH = 50;
/** Customers of the day (round robin) and of the night (nobody available). */
const day = Array.from({ length: BATCH }, (_, i) => `9196${String(10_000_000 + i).slice(-8)}`);
const night = Array.from({ length: BATCH }, (_, i) => `9195${String(10_000_000 + i).slice(-8)}`);

type Env = Record<string, string>;
type Done = Awaited<ReturnType<typeof spawnCli>>;

afterEach(killSpawned);

/** The built CLI; fails the test with its stderr when it does not exit as expected. */
async function wabox(env: Env, argv: string[], code = 0): Promise<Done> {
  const done = await spawnCli(argv, { env, timeoutMs: 60_000 });
  expect(done.code, `wabox ${argv.join(' ')}:\n${done.stderr}`).toBe(code);
  return done;
}

/** One agent's conversations, as `inbox --mine --json` lists them. */
async function mine(env: Env): Promise<string[]> {
  const list = JSON.parse((await wabox(env, ['inbox', '--mine', '--json', '--limit', '1000'])).stdout);
  return list.map((c: { waId: string }) => c.waId).sort();
}

await describePg('four agents on one PostgreSQL store', () => {
  afterAll(dropTestSchemas);

  it('round robin within one of even; a backlog raced by four agents, each answered once', async () => {
    const graph = await startFakeGraph();
    graph.on('POST', MESSAGES_PATH, sendReplies(BATCH));
    const { env, store } = await startTeam(graph, SECRET);
    const receiverEnv = env(0);
    const agentEnv = new Map(AGENTS.map((name, i) => [name, { ...env(i + 1), WABOX_AGENT: name }]));
    const everyone = (argv: (name: string) => string[]) =>
      Promise.all(AGENTS.map((name) => wabox(agentEnv.get(name)!, argv(name))));
    await everyone((name) => ['agent', 'add', name]);
    await wabox(receiverEnv, ['config', 'set', 'assign', 'round-robin']);
    const receiver = await serve(receiverEnv);
    const http = new Agent({ keepAlive: true, maxSockets: 8 });
    /** The customers' first messages, eight at a time, as Meta delivers a burst. */
    const arrive = async (customers: readonly string[]) => {
      const now = new Date();
      const queue = [...customers];
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let from = queue.shift(); from !== undefined; from = queue.shift()) {
            const { body } = simulatedTextMessage({ from, name: `C${from.slice(-2)}`, text: 'hello?', now });
            statuses.push(await postSigned(receiver.url, serializeLikeMeta(body), SECRET, http));
          }
        }),
      );
      expect(statuses).toEqual(Array(customers.length).fill(200));
    };
    const replied = new Map<string, string[]>();
    const reply = async (name: string, waId: string) => {
      await wabox(agentEnv.get(name)!, ['reply', `+${waId}`, '--text', `${name} here, how can I help?`]);
      replied.set(waId, [...(replied.get(waId) ?? []), name]);
    };
    try {
      // the day: round robin among four available agents
      await arrive(day);
      const held = new Map<string, string[]>();
      for (const name of AGENTS) held.set(name, await mine(agentEnv.get(name)!));
      const counts = AGENTS.map((name) => held.get(name)!.length);
      expect(Math.max(...counts) - Math.min(...counts), `${counts}`).toBeLessThanOrEqual(1);
      expect([...held.values()].flat().sort()).toEqual([...day].sort());
      // a colleague's conversation is refused in a pipe
      await Promise.all(
        AGENTS.map(async (name, i) => {
          const colleague = AGENTS[(i + 1) % AGENTS.length]!;
          const theirs = held.get(colleague)![0]!;
          const refused = await wabox(agentEnv.get(name)!, ['reply', `+${theirs}`, '--text', 'me too'], 1);
          expect(refused.stderr).toContain(`+${theirs} is assigned to ${colleague}: not sent`);
        }),
      );

      // the night: everybody away, the conversations stay unassigned
      await everyone((name) => ['agent', 'set', name, '--away']);
      await arrive(night);
      const unassigned = JSON.parse(
        (await wabox(receiverEnv, ['inbox', '--unassigned', '--json', '--limit', '1000'])).stdout,
      );
      expect(unassigned.map((c: { waId: string }) => c.waId).sort()).toEqual([...night].sort());

      // the morning: four agents race through the backlog in the same order, claim then reply
      await everyone((name) => ['agent', 'set', name, '--available']);
      const claims = new Map<string, Array<{ name: string; done: Done }>>();
      await Promise.all(
        AGENTS.map(async (name) => {
          for (const waId of night) {
            const done = await spawnCli(['claim', `+${waId}`], {
              env: agentEnv.get(name)!,
              timeoutMs: 60_000,
            });
            claims.set(waId, [...(claims.get(waId) ?? []), { name, done }]);
            if (done.code === 0) await reply(name, waId);
          }
        }),
      );
      const racedTo = new Map<string, string>();
      for (const waId of night) {
        const tries = claims.get(waId)!;
        const winners = tries.filter((t) => t.done.code === 0).map((t) => t.name);
        expect(winners, `+${waId}`).toHaveLength(1);
        racedTo.set(waId, winners[0]!);
        for (const { done } of tries.filter((t) => t.name !== winners[0]))
          expect({ code: done.code, error: done.stderr.split('\n')[0] }).toEqual({
            code: 1,
            error: `error: +${waId} is assigned to ${winners[0]}`,
          });
        expect((await store.getConversation(waId))?.assignee).toBe(winners[0]);
      }

      // every conversation answered exactly once, by the agent who holds it; nothing else sent
      for (const [waId, name] of racedTo) expect(replied.get(waId), `+${waId}`).toEqual([name]);
      const sentTo = graph.calls('POST', MESSAGES_PATH).map((c) => (c.json as { to: string }).to);
      expect(sentTo.sort()).toEqual(night.map((waId) => `+${waId}`));
      graph.verify();
    } finally {
      await graph.close({ verify: false });
      http.destroy();
      await stopServed(receiver);
      await store.close();
    }
  }, 480_000);
});
