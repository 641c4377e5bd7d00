// `wabox claim <contact>`: argv -> options through runF, then against a real temp store — one winner
// when several agent processes claim the same conversations at once.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import * as claim from '../../src/commands/claim.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { captureOptions, run, spawnCli, tempDir } from '../helpers/cli.js';

const CUSTOMERS = ['919800000001', '919800000002', '919800000003', '919800000004', '919800000005'];
let env: Record<string, string>;

beforeEach(async () => {
  const dir = tempDir();
  env = { WABOX_DB: join(dir, 'wabox.db'), WABOX_CONFIG_DIR: join(dir, 'config') };
  const store = openSqliteStore(env.WABOX_DB!);
  for (const [i, waId] of CUSTOMERS.entries())
    await store.recordInbound({ id: `wamid.${i}`, waId, type: 'text', text: 'hi', timestamp: new Date() });
  await store.close();
});

describe('argv -> options', () => {
  it.each([
    [['+919800000001'], { contact: '+919800000001' }],
    [['@asha.bakes', '--as', 'ravi', '--json'], { contact: '@asha.bakes', as: 'ravi', json: true }],
  ])('%j', async (argv, options) => {
    const { code, stderr, seen } = await captureOptions(['claim', ...argv], (program, d, capture) =>
      claim.register(program, d, capture),
    );
    expect({ code, stderr, seen }).toEqual({ code: 0, stderr: '', seen: [options] });
  });
});

describe('wabox claim', () => {
  const as = (agent: string, ...argv: string[]) =>
    run(['claim', ...argv], { env: { ...env, WABOX_AGENT: agent } });

  it("takes an unassigned conversation; again is fine; someone else's is exit 1 naming who has it", async () => {
    const first = await as('asha', '+919800000001');
    expect({ code: first.code, stdout: first.stdout }).toEqual({
      code: 0,
      stdout: '+919800000001: claimed\n',
    });
    expect((await as('asha', '+919800000001')).stdout).toBe('+919800000001: already yours\n');
    expectError(
      await as('ravi', '+919800000001'),
      1,
      '+919800000001 is assigned to asha',
      'to take it over: wabox assign +919800000001 ravi',
    );
    const mine = JSON.parse(
      (await run(['inbox', '--mine', '--json'], { env: { ...env, WABOX_AGENT: 'asha' } })).stdout,
    );
    expect(mine.map((c: { waId: string }) => c.waId)).toEqual(['919800000001']);
    const json = await as('ravi', '+919800000002', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ changed: true, conversation: { assignee: 'ravi' } });
  });

  it('needs to know who you are (exit 2); an unknown contact exits 6', async () => {
    const nobody = await run(['claim', '+919800000001'], { env });
    expect(nobody.code).toBe(2);
    expect(nobody.stderr.split('\n')[0]).toBe('error: claim needs to know who you are');
    expect((await as('asha', '+447700900123')).code).toBe(6);
  });

  it('four agents claiming five conversations at once (separate processes): one winner each', async () => {
    const agents = ['asha', 'ravi', 'li', 'meera'];
    const runs = CUSTOMERS.flatMap((waId) =>
      agents.map(async (agent) => ({
        waId,
        agent,
        r: await spawnCli(['claim', `+${waId}`, '--json'], { env: { ...env, WABOX_AGENT: agent } }),
      })),
    );
    const results = await Promise.all(runs);
    for (const waId of CUSTOMERS) {
      const mine = results.filter((x) => x.waId === waId);
      const winners = mine.filter((x) => x.r.code === 0);
      expect(winners, waId).toHaveLength(1);
      const winner = winners[0]!.agent;
      for (const loser of mine.filter((x) => x.r.code !== 0)) {
        expect(loser.r.code).toBe(1);
        expect(loser.r.stderr).toContain(`is assigned to ${winner}`);
      }
      const store = openSqliteStore(env.WABOX_DB!);
      expect((await store.getConversation(waId))?.assignee).toBe(winner);
      await store.close();
    }
  }, 60_000);
});
