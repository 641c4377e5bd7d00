// `wabox config set assign round-robin`: the receiver gives each new conversation to the next available
// agent (a real receiver on a real SQLite file).
import { afterEach, describe, expect, it } from 'vitest';
import { serializeLikeMeta, simulatedTextMessage } from '../../src/cloud/webhook-simulate.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { run } from '../helpers/cli.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.stop().catch(() => undefined);
});

async function receiver(policy: string | undefined): Promise<Receiver> {
  const r = await startReceiver({
    now: new Date('2026-03-02T10:00:00Z'),
    before: async (env) => {
      if (policy !== undefined)
        expect((await run(['config', 'set', 'assign', policy], { env })).code).toBe(0);
      const store = openSqliteStore(env.WABOX_DB!);
      for (const name of ['asha', 'li'])
        await store.addAgent({ name, email: null, week: null, timeZone: 'Europe/London' });
      await store.close();
    },
  });
  receivers.push(r);
  return r;
}

async function customersWrite(r: Receiver): Promise<unknown[]> {
  for (const from of ['919800000001', '919800000002', '919800000003']) {
    const m = simulatedTextMessage({ from, name: 'C', text: 'hi', now: r.now.value });
    expect((await r.post(serializeLikeMeta(m.body))).status).toBe(200);
  }
  return r.rows('SELECT wa_id, assignee FROM conversations ORDER BY wa_id');
}

describe('the receiver assigns new conversations', () => {
  it('round-robin from the config', async () => {
    expect(await customersWrite(await receiver('round-robin'))).toEqual([
      { wa_id: '919800000001', assignee: 'asha' },
      { wa_id: '919800000002', assignee: 'li' },
      { wa_id: '919800000003', assignee: 'asha' },
    ]);
  });

  it('manual (the default): nobody', async () => {
    const rows = (await customersWrite(await receiver(undefined))) as Array<{ assignee: string | null }>;
    expect(rows.map((r) => r.assignee)).toEqual([null, null, null]);
  });
});
