// The campaign tables on both backends: creation with its recipients, the lease two runs contend for,
// the recipient's states (at most once: `sending` before the call, `unknown` after a crash), the
// in-doubt rows a status webhook proves sent, counts and outcomes joined with messages and statuses.
import { expect, it } from 'vitest';
import type { NewCampaign, WebhookPost } from '../../src/store/store.js';
import { describeStores } from '../helpers/stores.js';

const T = new Date('2026-10-20T09:00:00Z');
const later = (ms: number) => new Date(T.getTime() + ms);

function campaign(name: string, n: number, extra: Partial<NewCampaign> = {}): NewCampaign {
  return {
    name,
    template: 'diwali_offer',
    language: 'en',
    category: 'MARKETING',
    definition: { name: 'diwali_offer', components: [{ type: 'BODY', text: 'Hi {{1}}' }] },
    mapping: { body: ['name'] },
    ref: 'diwali',
    rate: 80,
    startAt: null,
    withinHours: false,
    recipients: Array.from({ length: n }, (_, i) => ({
      row: i + 1,
      waId: `9198${String(10_000_000 + i)}`,
      values: { body: [`Customer ${i + 1}`] },
    })),
    ...extra,
  };
}

const callbackOf = (id: number) => (row: number) => `wabox:campaign:${id}:${row}`;

await describeStores('campaigns', (backend) => {
  it('stores a campaign with its recipients once; a second of the same name is refused', async () => {
    const store = await backend.open({ now: () => T.getTime() });
    try {
      const c = campaign('diwali', 1203, {
        recipients: [
          ...campaign('x', 1203).recipients,
          { row: 1204, waId: '919810000000', values: {}, skipped: 'duplicate of row 1' },
        ],
      });
      const created = await store.campaigns.create(c);
      expect(created).toMatchObject({
        name: 'diwali',
        state: 'ready',
        rate: 80,
        ref: 'diwali',
        withinHours: false,
      });
      expect(created!.definition).toEqual(c.definition);
      expect(await store.campaigns.create(campaign('diwali', 2))).toBeNull();
      expect(await store.campaigns.counts(created!.id)).toEqual({
        pending: 1203,
        sending: 0,
        accepted: 0,
        failed: 0,
        unknown: 0,
        skipped: 1,
      });
      const page = await store.campaigns.recipients(created!.id, 1200, 10);
      expect(page.map((r) => [r.row, r.state, r.reason])).toEqual([
        [1201, 'pending', null],
        [1202, 'pending', null],
        [1203, 'pending', null],
        [1204, 'skipped', 'duplicate of row 1'],
      ]);
      expect(page[0]!.values).toEqual({ body: ['Customer 1201'] });
      expect((await store.campaigns.list()).map((x) => x.name)).toEqual(['diwali']);
    } finally {
      await store.close();
    }
  });

  it('a recipient twice (unskipped) is refused and nothing of the campaign is stored', async () => {
    const store = await backend.open();
    try {
      const c = campaign('twice', 2);
      const twice = {
        ...c,
        recipients: [c.recipients[0]!, { ...c.recipients[1]!, waId: c.recipients[0]!.waId }],
      };
      await expect(store.campaigns.create(twice)).rejects.toThrow();
      expect(await store.campaigns.get('twice')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('one run holds the lease; another is told who until it expires or is released', async () => {
    const store = await backend.open({ now: () => T.getTime() });
    try {
      const { id } = (await store.campaigns.create(campaign('lease', 1)))!;
      expect(await store.campaigns.lease(id, 'run-a', later(30_000))).toEqual({ held: true, owner: 'run-a' });
      expect(await store.campaigns.lease(id, 'run-b', later(30_000))).toEqual({
        held: false,
        owner: 'run-a',
      });
      expect(await store.campaigns.lease(id, 'run-a', later(60_000))).toEqual({ held: true, owner: 'run-a' });
      await store.campaigns.release(id, 'run-b'); // not its lease: nothing happens
      expect((await store.campaigns.get('lease'))!.leaseOwner).toBe('run-a');
      await store.campaigns.release(id, 'run-a');
      expect(await store.campaigns.lease(id, 'run-b', later(30_000))).toEqual({ held: true, owner: 'run-b' });
    } finally {
      await store.close();
    }
    // an expired lease is taken over: the clock has moved past run-b's
    const location = backend.location(store);
    const after = await backend.connect(location, { now: () => T.getTime() + 31_000 });
    try {
      const { id } = (await after.campaigns.get('lease'))!;
      expect(await after.campaigns.lease(id, 'run-c', later(90_000))).toEqual({ held: true, owner: 'run-c' });
    } finally {
      await after.close();
    }
  });

  it('pending → sending → accepted | failed | retry; a claim is taken once; a crash leaves unknown', async () => {
    const store = await backend.open({ now: () => T.getTime() });
    try {
      const { id } = (await store.campaigns.create(campaign('states', 5)))!;
      expect((await store.campaigns.due(id, T, 3)).map((r) => r.row)).toEqual([1, 2, 3]);
      expect(await store.campaigns.claim(id, 1)).toBe(true);
      expect(await store.campaigns.claim(id, 1)).toBe(false);
      await store.campaigns.settle(id, 1, { state: 'accepted', wamid: 'wamid.c1', at: T });
      await store.campaigns.claim(id, 2);
      await store.campaigns.settle(id, 2, { state: 'failed', code: 131026, reason: 'message undeliverable' });
      await store.campaigns.claim(id, 3);
      await store.campaigns.settle(id, 3, {
        state: 'retry',
        code: 131056,
        reason: 'pair rate limit',
        notBefore: later(6000),
      });
      // settling a row that is not being sent changes nothing
      await store.campaigns.settle(id, 1, { state: 'failed', code: 1, reason: 'late' });
      expect((await store.campaigns.due(id, T, 10)).map((r) => r.row)).toEqual([4, 5]);
      expect((await store.campaigns.due(id, later(6000), 10)).map((r) => r.row)).toEqual([3, 4, 5]);
      expect(await store.campaigns.nextDueAt(id)).toEqual(later(6000));
      await store.campaigns.claim(id, 4);
      // the run dies here: row 4 may or may not have reached Meta
      expect(await store.campaigns.markInDoubt(id)).toBe(1);
      const rows = await store.campaigns.recipients(id, 0, 10);
      expect(rows.map((r) => [r.row, r.state, r.errorCode, r.wamid, r.attempts])).toEqual([
        [1, 'accepted', null, 'wamid.c1', 1],
        [2, 'failed', 131026, null, 1],
        [3, 'pending', 131056, null, 1],
        [4, 'unknown', null, null, 1],
        [5, 'pending', null, null, 0],
      ]);
      expect(rows[0]!.sentAt).toEqual(T);
      expect(await store.campaigns.counts(id)).toMatchObject({
        accepted: 1,
        failed: 1,
        pending: 2,
        unknown: 1,
      });
    } finally {
      await store.close();
    }
  });

  it('resendUnknown: a row a status webhook proves sent is accepted, the others go back to pending', async () => {
    const store = await backend.open({ now: () => T.getTime() });
    try {
      const { id } = (await store.campaigns.create(campaign('doubt', 3)))!;
      for (const row of [1, 2, 3]) await store.campaigns.claim(id, row);
      await store.campaigns.markInDoubt(id);
      const status: WebhookPost = {
        receivedAt: later(1000),
        inbound: [],
        echoes: [],
        statuses: [
          {
            id: 'wamid.proven2',
            status: 'sent',
            timestamp: later(500),
            waId: '919810000001',
            payload: {
              id: 'wamid.proven2',
              status: 'sent',
              timestamp: String(Math.floor(later(500).getTime() / 1000)),
              recipient_id: '919810000001',
              biz_opaque_callback_data: callbackOf(id)(2),
            },
          },
        ],
        raw: [],
      };
      await store.ingestWebhook([status]);
      expect(await store.campaigns.resendUnknown(id, callbackOf(id))).toEqual({ proven: 1, resent: 2 });
      const rows = await store.campaigns.recipients(id, 0, 10);
      expect(rows.map((r) => [r.row, r.state, r.wamid])).toEqual([
        [1, 'pending', null],
        [2, 'accepted', 'wamid.proven2'],
        [3, 'pending', null],
      ]);
    } finally {
      await store.close();
    }
  });

  it('outcomes: delivery statuses of the accepted, failures by code, replies within the window, opt-outs', async () => {
    const store = await backend.open({ now: () => T.getTime() });
    try {
      const { id } = (await store.campaigns.create(campaign('results', 4)))!;
      const waId = (row: number) => `9198${String(10_000_000 + row - 1)}`;
      for (const row of [1, 2, 3]) {
        await store.campaigns.claim(id, row);
        await store.recordOutbound({
          id: `wamid.r${row}`,
          waId: waId(row),
          type: 'template',
          text: 'Hi',
          timestamp: T,
          status: 'accepted',
        });
        await store.campaigns.settle(id, row, { state: 'accepted', wamid: `wamid.r${row}`, at: T });
      }
      await store.campaigns.claim(id, 4);
      await store.campaigns.settle(id, 4, { state: 'failed', code: 131049, reason: 'ecosystem limit' });
      await store.recordStatus({ id: 'wamid.r1', status: 'read', timestamp: later(60_000), waId: waId(1) });
      await store.recordStatus({
        id: 'wamid.r2',
        status: 'delivered',
        timestamp: later(60_000),
        waId: waId(2),
      });
      // row 1 answers within 72 h, row 2 after it
      await store.recordInbound({
        id: 'wamid.in1',
        waId: waId(1),
        type: 'text',
        text: 'yes',
        timestamp: later(3_600_000),
      });
      await store.recordInbound({
        id: 'wamid.in2',
        waId: waId(2),
        type: 'text',
        text: 'late',
        timestamp: later(73 * 3_600_000),
      });
      expect(await store.campaigns.outcomes(id, 72 * 3_600_000)).toEqual({
        statuses: { read: 1, delivered: 1, accepted: 1 },
        failures: { '131049': 1 },
        replied: 1,
        optedOutSince: 0,
        pricedByCategory: {},
      });
    } finally {
      await store.close();
    }
  });

  it('claimMany and settleMany: one commit for a group; a row taken already is not claimed again', async () => {
    const store = await backend.open({ now: () => T.getTime() });
    try {
      const { id } = (await store.campaigns.create(campaign('groups', 4)))!;
      expect(await store.campaigns.claim(id, 2)).toBe(true);
      expect(await store.campaigns.claimMany(id, [1, 2, 3])).toEqual([1, 3]);
      await store.campaigns.settleMany(id, [
        { row: 1, outcome: { state: 'accepted', wamid: 'wamid.g1', at: T } },
        { row: 3, outcome: { state: 'retry', code: 130429, reason: 'slow down', notBefore: later(1000) } },
        { row: 4, outcome: { state: 'failed', code: 131026, reason: 'not claimed: unchanged' } },
      ]);
      const rows = await store.campaigns.recipients(id, 0, 10);
      expect(rows.map((r) => [r.row, r.state, r.wamid, r.attempts])).toEqual([
        [1, 'accepted', 'wamid.g1', 1],
        [2, 'sending', null, 1],
        [3, 'pending', null, 1],
        [4, 'pending', null, 0],
      ]);
      await store.recordOutboundMany([
        {
          id: 'wamid.g1',
          waId: rows[0]!.waId,
          type: 'template',
          text: 'x',
          timestamp: T,
          status: 'accepted',
        },
        {
          id: 'local.g4',
          waId: rows[3]!.waId,
          type: 'template',
          text: 'x',
          timestamp: T,
          status: 'failed',
          error: { code: 131050, title: 'stopped marketing', details: null },
        },
      ]);
      expect((await store.getMessages(['wamid.g1']))[0]!.status).toBe('accepted');
      // 131050 sets the opt-out, which the next campaign reads
      expect(await store.campaigns.optedOut()).toEqual(new Set([rows[3]!.waId]));
    } finally {
      await store.close();
    }
  });

  it('segment: stored contacts by label, campaign and last inbound, with not/and/or', async () => {
    const store = await backend.open({ now: () => T.getTime() });
    try {
      const inbound = (n: number, at: Date) =>
        store.recordInbound({
          id: `wamid.s${n}`,
          waId: `91980000000${n}`,
          name: `C${n}`,
          type: 'text',
          text: 'hi',
          timestamp: at,
        });
      await inbound(1, later(-2 * 86_400_000));
      await inbound(2, later(-40 * 86_400_000));
      await inbound(3, later(-1 * 86_400_000));
      await store.addLabel('919800000001', 'vip');
      await store.addLabel('919800000002', 'vip');
      await store.addLabel('919800000003', 'lost');
      const { parseSegment } = await import('../../src/core/segment.js');
      const pick = async (expr: string) =>
        (await store.campaigns.segment(parseSegment(expr), T)).map((c) => c.waId).sort();
      expect(await pick('label:vip')).toEqual(['919800000001', '919800000002']);
      expect(await pick('label:vip and last-inbound<30d')).toEqual(['919800000001']);
      expect(await pick('not label:lost')).toEqual(['919800000001', '919800000002']);
      expect(await pick('label:lost or last-inbound>30d')).toEqual(['919800000002', '919800000003']);
      const [first] = await store.campaigns.segment(parseSegment('label:vip'), T);
      expect(first).toEqual({ waId: '919800000001', phone: '919800000001', name: 'C1', optedOut: false });
    } finally {
      await store.close();
    }
  });
});
