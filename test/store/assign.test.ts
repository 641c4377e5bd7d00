// Assignment of new conversations in the ingest transaction (WebhookPost.assign): round-robin and
// least-open among agents who are available and within their hours at the customer's message.
import { describe, expect, it } from 'vitest';
import { pickAgent } from '../../src/core/assign.js';
import { parseHoursSpec } from '../../src/core/hours.js';
import type { WebhookPost } from '../../src/store/store.js';
import { describeStores, type StoreBackend, type TestStore } from '../helpers/stores.js';

// Monday 2 March 2026, 10:00 UTC (London is on UTC then)
const MON_10 = Date.UTC(2026, 2, 2, 10);
const MON_20 = Date.UTC(2026, 2, 2, 20);

async function withAgents(backend: StoreBackend): Promise<TestStore> {
  const store = await backend.open();
  const office = parseHoursSpec(['mon-fri 09:00-17:00']);
  await store.addAgent({ name: 'asha', email: null, week: office, timeZone: 'Europe/London' });
  await store.addAgent({ name: 'li', email: null, week: null, timeZone: 'Europe/London' });
  await store.addAgent({ name: 'ravi', email: null, week: null, timeZone: 'Europe/London' });
  await store.setAgentAvailable('ravi', false);
  return store;
}

function message(n: number, at: number, policy: WebhookPost['assign']): WebhookPost {
  return {
    receivedAt: new Date(at),
    inbound: [
      { id: `wamid.${n}.${at}`, waId: `9198000000${n}`, type: 'text', text: 'hi', timestamp: new Date(at) },
    ],
    echoes: [],
    statuses: [],
    raw: [],
    ...(policy ? { assign: policy } : {}),
  };
}

const assignees = async (store: TestStore) =>
  (await store.listConversations({ limit: 100 })).map((c) => [c.waId.slice(-2), c.assignee]).sort();

await describeStores('assignment', (backend) => {
  describe('assigning new conversations', () => {
    it('round-robin: in turn among available agents within their hours; nobody: unassigned', async () => {
      const store = await withAgents(backend);
      try {
        for (let n = 10; n < 14; n++) await store.ingestWebhook([message(n, MON_10 + n, 'round-robin')]);
        // after hours only li (no hours) can take one; ravi is away throughout
        await store.ingestWebhook([message(20, MON_20, 'round-robin')]);
        expect(await assignees(store)).toEqual([
          ['10', 'asha'],
          ['11', 'li'],
          ['12', 'asha'],
          ['13', 'li'],
          ['20', 'li'],
        ]);
        await store.setAgentAvailable('li', false);
        await store.ingestWebhook([message(21, MON_20, 'round-robin')]);
        expect((await store.getConversation('919800000021'))?.assignee).toBeNull();
      } finally {
        await store.close();
      }
    });

    it('keeps an assignee, assigns a reopened unassigned one, and manual assigns nothing', async () => {
      const store = await withAgents(backend);
      try {
        await store.ingestWebhook([message(30, MON_10, undefined)]);
        expect((await store.getConversation('919800000030'))?.assignee).toBeNull();
        await store.setConversationStatus('919800000030', 'resolved');
        await store.ingestWebhook([message(30, MON_10 + 1, 'least-open')]);
        expect((await store.getConversation('919800000030'))?.assignee).toBe('asha');
        await store.setAssignee('919800000030', 'ravi');
        await store.ingestWebhook([message(30, MON_10 + 2, 'least-open')]);
        expect((await store.getConversation('919800000030'))?.assignee).toBe('ravi');
        // least-open: the fewest open conversations (ties by name), so asha, then li once asha has two
        await store.ingestWebhook([message(31, MON_10 + 3, 'least-open')]);
        await store.setAssignee('919800000030', 'asha');
        await store.ingestWebhook([message(32, MON_10 + 4, 'least-open')]);
        expect((await store.getConversation('919800000032'))?.assignee).toBe('li');
        // a redelivery assigns nothing new
        await store.setAssignee('919800000032', null);
        await store.ingestWebhook([message(32, MON_10 + 4, 'least-open')]);
        expect((await store.getConversation('919800000032'))?.assignee).toBeNull();
      } finally {
        await store.close();
      }
    });
  });

  describe('an agent going away with its conversations', () => {
    it('round-robin hands the open ones to those in, the longest-quiet first; resolved ones stay', async () => {
      const store = await withAgents(backend);
      try {
        await store.addAgent({ name: 'zoe', email: null, week: null, timeZone: 'Europe/London' });
        for (let n = 40; n < 45; n++) await store.ingestWebhook([message(n, MON_10 + n, undefined)]);
        for (let n = 40; n < 45; n++) await store.setAssignee(`9198000000${n}`, 'li');
        await store.setConversationStatus('919800000044', 'resolved');
        await store.ingestWebhook([message(40, MON_10 + 100, undefined)]); // 40 is now the latest
        await store.setAgentAvailable('li', false);
        const reassigned = await store.reassignConversations('li', 'round-robin', new Date(MON_10 + 200));
        // asha (in hours) and zoe take turns; ravi and li are away; 44 is resolved and stays li's
        expect(reassigned.map((r) => [r.waId.slice(-2), r.assignee])).toEqual([
          ['41', 'asha'],
          ['42', 'zoe'],
          ['43', 'asha'],
          ['40', 'zoe'],
        ]);
        expect(await assignees(store)).toEqual([
          ['40', 'zoe'],
          ['41', 'asha'],
          ['42', 'zoe'],
          ['43', 'asha'],
          ['44', 'li'],
        ]);
        expect(await store.reassignConversations('li', 'round-robin', new Date(MON_10 + 300))).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('manual, or nobody within hours: the conversations become unassigned', async () => {
      const store = await withAgents(backend);
      try {
        for (let n = 50; n < 52; n++) {
          await store.ingestWebhook([message(n, MON_10 + n, undefined)]);
          await store.setAssignee(`9198000000${n}`, 'asha');
        }
        await store.setAgentAvailable('asha', false);
        expect(
          (await store.reassignConversations('asha', 'manual', new Date(MON_10))).map((r) => r.assignee),
        ).toEqual([null, null]);
        await store.setAssignee('919800000050', 'asha');
        await store.setAgentAvailable('li', false);
        // after hours nobody is in: asha's hours are over, li and ravi are away
        expect(await store.reassignConversations('asha', 'least-open', new Date(MON_20))).toEqual([
          { waId: '919800000050', assignee: null },
        ]);
      } finally {
        await store.close();
      }
    });
  });

  describe('pickAgent', () => {
    it.each([
      ['round-robin', ['a', 'b', 'c'], null, 'a'],
      ['round-robin', ['a', 'b', 'c'], 'a', 'b'],
      ['round-robin', ['a', 'b', 'c'], 'c', 'a'],
      ['round-robin', ['a', 'c'], 'b', 'c'],
      ['least-open', ['a', 'b', 'c'], null, 'b'],
      ['manual', ['a'], null, null],
      ['round-robin', [], null, null],
    ] as const)('%s among %j after %j: %j', (policy, eligible, last, expected) => {
      const open = new Map([
        ['a', 3],
        ['b', 1],
        ['c', 1],
      ]);
      expect(pickAgent(policy, eligible, last, open)).toBe(expected);
    });
  });
});
