// What `wabox report` reads from a store (store/report.ts), on both backends: the period's messages and a
// day before it, read a page at a time; their conversations; priced sends; campaigns of the period;
// satisfaction questions of its resolutions.
import { describe, expect, it } from 'vitest';
import { reportInputs } from '../../src/store/report.js';
import type { InboundRecord } from '../../src/store/store.js';
import { describeStores } from '../helpers/stores.js';

const T = new Date('2026-03-10T12:00:00.000Z');
const hours = (n: number) => new Date(T.getTime() + n * 3_600_000);
const SINCE = hours(0);
const UNTIL = hours(48);

await describeStores('reportInputs', (backend) => {
  describe('reads', () => {
    it('the messages from a day before `since` to `until`, across pages, with their conversations', async () => {
      const store = await backend.open({ now: () => T.getTime() });
      try {
        // one contact per hour from 30 h before `since` to 50 h after: ids by the hour
        for (let h = -30; h <= 50; h++)
          await store.recordInbound({
            id: `wamid.in${h}`,
            waId: `9198000${String(h + 100).padStart(5, '0')}`,
            type: 'text',
            text: h === 1 ? 'hi [ref:web]' : 'hi',
            ref: h === 1 ? 'web' : null,
            timestamp: hours(h),
          });
        await store.recordOutbound({
          id: 'wamid.out1',
          waId: '919800000101',
          type: 'text',
          text: 'hello',
          timestamp: hours(1.5),
          status: 'accepted',
          reason: 'greeting',
        });
        await store.recordStatus({
          id: 'wamid.out1',
          status: 'delivered',
          timestamp: hours(1.6),
          pricing: { model: 'PMP', type: 'free_customer_service', category: 'service' },
        });
        await store.addLabel('919800000101', 'customer');
        await store.setAssignee('919800000101', 'priya');

        const inputs = await reportInputs(store, SINCE, UNTIL, { pageSize: 7 });
        const inbound = inputs.messages.filter((m) => m.direction === 'in').map((m) => m.id);
        // hours -24 to 47: the day before `since` counts which conversations start; `until` is excluded
        expect(inbound.sort()).toEqual(Array.from({ length: 72 }, (_, i) => `wamid.in${i - 24}`).sort());
        expect(inputs.messages.find((m) => m.id === 'wamid.out1')).toEqual({
          id: 'wamid.out1',
          waId: '919800000101',
          direction: 'out',
          at: hours(1.5).getTime(),
          status: 'delivered',
          reason: 'greeting',
        });
        expect(inputs.conversations).toHaveLength(72);
        expect(inputs.conversations.find((c) => c.waId === '919800000101')).toEqual({
          waId: '919800000101',
          status: 'open',
          assignee: 'priya',
          campaign: 'web',
          labels: ['customer'],
        });
        expect(inputs.priced).toEqual([
          {
            id: 'wamid.out1',
            category: 'service',
            type: 'free_customer_service',
            country: 'IN',
            at: hours(1.5).getTime(),
            campaign: 'web',
            reason: 'autoreply:greeting',
          },
        ]);
        expect(inputs.campaigns).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('campaigns that existed in the period, with their sends and outcomes', async () => {
      let now = hours(-100).getTime();
      const store = await backend.open({ now: () => now });
      try {
        const campaign = (name: string) => ({
          name,
          template: 'offer',
          language: 'en',
          category: 'MARKETING',
          definition: {},
          mapping: {},
          ref: name,
          rate: 10,
          startAt: null,
          withinHours: false,
          recipients: [1, 2, 3].map((row) => ({ row, waId: `91980000${name.length}0${row}`, values: {} })),
        });
        await store.campaigns.create(campaign('old')); // created and last changed before the period
        now = hours(2).getTime();
        const { id } = (await store.campaigns.create(campaign('diwali')))!;
        for (const row of [1, 2]) {
          await store.campaigns.claim(id, row);
          await store.recordOutbound({
            id: `wamid.c${row}`,
            waId: `9198000060${row}`,
            type: 'template',
            text: 'offer',
            timestamp: hours(2),
            status: 'accepted',
          });
          await store.campaigns.settle(id, row, { state: 'accepted', wamid: `wamid.c${row}`, at: hours(2) });
        }
        await store.campaigns.claim(id, 3);
        await store.campaigns.settle(id, 3, { state: 'failed', code: 131026, reason: 'undeliverable' });
        await store.recordStatus({ id: 'wamid.c1', status: 'read', timestamp: hours(3) });
        await store.recordInbound({
          id: 'wamid.r1',
          waId: '91980000601',
          type: 'text',
          text: 'yes',
          timestamp: hours(4),
        });
        now = hours(100).getTime();
        await store.campaigns.create(campaign('later')); // created after the period

        const inputs = await reportInputs(store, SINCE, UNTIL, { pageSize: 2 });
        expect(inputs.campaigns).toEqual([
          {
            name: 'diwali',
            ref: 'diwali',
            state: 'ready',
            wamids: ['wamid.c1', 'wamid.c2'],
            accepted: 2,
            failed: 1,
            statuses: { read: 1, accepted: 1 },
            replied: 1,
          },
        ]);
      } finally {
        await store.close();
      }
    });

    it('satisfaction questions resolved in the period; the tap that answers one is marked', async () => {
      const store = await backend.open({ now: () => T.getTime() });
      try {
        const ASHA = '919800000701';
        const OLD = '919800000702';
        const inbound = (id: string, waId: string, h: number, extra: Partial<InboundRecord> = {}) =>
          store.ingestWebhook([
            {
              receivedAt: hours(h),
              inbound: [{ id, waId, type: 'text', text: 'hi', timestamp: hours(h), ...extra }],
              echoes: [],
              statuses: [],
              raw: [],
            },
          ]);
        const ask = async (waId: string, h: number, wamid: string) => {
          await store.setConversationStatus(waId, 'resolved');
          const q = (await store.csat.schedule(waId, { resolvedAt: hours(h), dueAt: hours(h) }))!;
          expect(await store.csat.take(q.id, hours(h))).toBe(true);
          expect(await store.csat.finish(q.id, { state: 'asked', wamid, at: hours(h) })).toBe(true);
          return q.id;
        };
        await inbound('wamid.a1', ASHA, -3);
        await ask(ASHA, -2, 'wamid.q0'); // resolved before the period
        await inbound('wamid.a2', ASHA, 1);
        await store.setAssignee(ASHA, 'priya');
        const id = await ask(ASHA, 2, 'wamid.q1');
        await inbound('wamid.tap', ASHA, 3, {
          type: 'interactive',
          text: '😀',
          replyTo: 'wamid.q1',
          payload: {
            type: 'interactive',
            interactive: { type: 'button_reply', button_reply: { id: `wabox-csat:${id}:5` } },
          },
        });
        await inbound('wamid.comment', ASHA, 3.05, { text: 'lovely' });
        // a contact quiet for three days whose conversation was resolved in the period
        await inbound('wamid.o1', OLD, -72, { ref: 'web' });
        await ask(OLD, 5, 'wamid.q2');

        const inputs = await reportInputs(store, SINCE, UNTIL, { pageSize: 2 });
        expect(inputs.csat).toEqual([
          {
            waId: ASHA,
            agent: 'priya',
            resolvedAt: hours(2).getTime(),
            state: 'answered',
            answeredAt: hours(3).getTime(),
            score: 5,
            comment: 'lovely',
          },
          {
            waId: OLD,
            agent: null,
            resolvedAt: hours(5).getTime(),
            state: 'asked',
            answeredAt: null,
            score: null,
            comment: null,
          },
        ]);
        const marked = inputs.messages.filter((m) => m.csatAnswer).map((m) => m.id);
        expect(marked).toEqual(['wamid.tap']);
        expect(inputs.conversations.find((c) => c.waId === OLD)).toMatchObject({ campaign: 'web' });
      } finally {
        await store.close();
      }
    });
  });
});
