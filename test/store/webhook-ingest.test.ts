// The store's webhook write path: group commit (a batch without savepoints, again POST by POST when one
// fails), idempotency, claims.
import { describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/store/sqlite.js';
import {
  type AutoReplyPlan,
  type ContactIdentity,
  type IngestResult,
  STOP_KEYWORDS_SETTING,
  type WebhookPost,
} from '../../src/store/store.js';
import { describeStores } from '../helpers/stores.js';

const T = new Date('2026-11-20T10:00:00Z');

function post(ids: string[], extra: Partial<WebhookPost> = {}): WebhookPost {
  return {
    receivedAt: T,
    inbound: ids.map((id) => ({
      id,
      waId: '919876543210',
      name: 'Asha',
      type: 'text',
      text: `m ${id}`,
      timestamp: T,
    })),
    echoes: [],
    statuses: [],
    raw: [],
    ...extra,
  };
}

const greet: AutoReplyPlan = {
  replies: [{ kind: 'greeting', reason: 'greeting', rule: null }],
  handoff: false,
  state: 'pending',
};

await describeStores('ingestWebhook', (backend) => {
  const open = () => backend.open();
  describe('ingestWebhook', () => {
    it('writes a batch in one transaction; a failing POST rolls back alone', async () => {
      const store = await open();
      const bad = post(['wamid.B1', 'wamid.B2']);
      bad.inbound[1]!.timestamp = new Date(Number.NaN); // fails after B1 was written in its savepoint
      const results = await store.ingestWebhook([post(['wamid.A']), bad, post(['wamid.C'])]);
      expect(results.map((r) => ('error' in r ? 'error' : r.newInbound))).toEqual([
        ['wamid.A'],
        'error',
        ['wamid.C'],
      ]);
      const ids = await backend.rows(store, 'SELECT wamid FROM messages ORDER BY seq');
      expect(ids).toEqual([{ wamid: 'wamid.A' }, { wamid: 'wamid.C' }]);
      await store.close();
    });

    it('a batch retried POST by POST after a failure keeps each claim and each unread count once', async () => {
      const store = await open();
      const claimed = (id: string) => post([id], { decide: () => greet });
      const bad = claimed('wamid.B');
      bad.inbound.push({ ...bad.inbound[0]!, id: 'wamid.B2', timestamp: new Date(Number.NaN) });
      const results = await store.ingestWebhook([claimed('wamid.A'), bad, claimed('wamid.C')]);
      expect(results.map((r) => ('error' in r ? 'error' : r.claims.map((c) => c.inboundWamid)))).toEqual([
        ['wamid.A'],
        'error',
        ['wamid.C'],
      ]);
      // the first attempt (all three, no savepoints) rolled back entirely: nothing of it is left twice
      expect(await backend.rows(store, 'SELECT inbound_wamid FROM auto_replies ORDER BY id')).toEqual([
        { inbound_wamid: 'wamid.A' },
        { inbound_wamid: 'wamid.C' },
      ]);
      expect((await backend.rows(store, 'SELECT unread FROM conversations'))[0]).toEqual({ unread: 2 });
      expect((await backend.rows(store, 'SELECT count(*) AS n FROM messages'))[0]).toEqual({ n: 2 });
      await store.close();
    });

    // SQLite's write lock; on PostgreSQL an unreachable server is the receiver's test (503)
    if (backend.name === 'sqlite')
      it('a batch that cannot be written at all fails as a whole, and nothing of it is stored', async () => {
        const store = (await open()) as SqliteStore;
        const reader = (await backend.connect(store.path)) as SqliteStore;
        // another connection holds the write lock: BEGIN IMMEDIATE gives up after busy_timeout
        store.db.pragma('busy_timeout = 0');
        reader.db.exec('BEGIN IMMEDIATE');
        await expect(store.ingestWebhook([post(['wamid.A']), post(['wamid.B'])])).rejects.toThrow(/locked/);
        reader.db.exec('ROLLBACK');
        await reader.close();
        expect((await backend.rows(store, 'SELECT count(*) AS n FROM messages'))[0]).toEqual({ n: 0 });
        await store.close();
      });

    it('redelivery: duplicates counted, nothing changed, no second claim', async () => {
      const store = await open();
      const decided: string[] = [];
      const decide = (m: { id: string }) => {
        decided.push(m.id);
        return greet;
      };
      const [first] = (await store.ingestWebhook([post(['wamid.A'], { decide })])) as IngestResult[];
      expect(first).toMatchObject({ newInbound: ['wamid.A'], duplicates: 0, handoffs: [] });
      expect(first!.claims).toMatchObject([
        { inboundWamid: 'wamid.A', reason: 'greeting', state: 'pending', takenAt: null },
      ]);
      const [again] = (await store.ingestWebhook([post(['wamid.A'], { decide })])) as IngestResult[];
      expect(again).toMatchObject({ newInbound: [], duplicates: 1, claims: [] });
      expect(decided).toEqual(['wamid.A']);
      expect((await backend.rows(store, 'SELECT unread FROM conversations'))[0]).toEqual({ unread: 1 });
      await store.close();
    });

    it('facts: previous inbound, last person-sent outbound, last away period, hand-off', async () => {
      const store = await open();
      const seen: unknown[] = [];
      await store.ingestWebhook([
        post(['wamid.1'], {
          decide: (_m, facts) => {
            seen.push(facts);
            return {
              replies: [{ kind: 'away', reason: 'away', rule: '2026-11-23T09:00:00+05:30' }],
              handoff: true,
              state: 'pending',
            };
          },
        }),
      ]);
      await store.recordOutbound({
        id: 'wamid.P',
        waId: '919876543210',
        type: 'text',
        text: 'hi',
        timestamp: T,
        status: 'accepted',
      });
      const later = post(['wamid.2']);
      later.inbound[0]!.timestamp = new Date(T.getTime() + 60_000);
      later.decide = (_m, facts) => {
        seen.push(facts);
        return null;
      };
      await store.ingestWebhook([later]);
      expect(seen).toEqual([
        { previousInboundAt: null, lastAgentReplyAt: null, lastAwayPeriod: null, handedOff: false },
        {
          previousInboundAt: T,
          lastAgentReplyAt: T,
          lastAwayPeriod: '2026-11-23T09:00:00+05:30',
          handedOff: true,
        },
      ]);
      await store.close();
    });

    it('claims: taken once (compare-and-set), finished with the outbound message, listed while pending', async () => {
      const store = await open();
      const [r] = (await store.ingestWebhook([post(['wamid.A'], { decide: () => greet })])) as IngestResult[];
      const id = r!.claims[0]!.id;
      expect((await store.pendingAutoReplies()).map((c) => [c.id, c.takenAt])).toEqual([[id, null]]);
      expect(await store.takeAutoReply(id, new Date(T.getTime() + 1000))).toBe(true);
      expect(await store.takeAutoReply(id, new Date(T.getTime() + 2000))).toBe(false);
      expect((await store.pendingAutoReplies())[0]!.takenAt).toBe(new Date(T.getTime() + 1000).toISOString());
      const recorded = await store.finishAutoReply(id, {
        state: 'sent',
        outbound: {
          id: 'wamid.OUT',
          waId: '919876543210',
          type: 'text',
          text: 'Hello',
          timestamp: T,
          status: 'accepted',
          reason: 'greeting',
        },
      });
      expect(recorded).toBe(true);
      expect(await store.pendingAutoReplies()).toEqual([]);
      expect((await backend.rows(store, 'SELECT state, outbound_wamid FROM auto_replies'))[0]).toEqual({
        state: 'sent',
        outbound_wamid: 'wamid.OUT',
      });
      expect((await backend.rows(store, "SELECT reason FROM messages WHERE direction = 'out'"))[0]).toEqual({
        reason: 'greeting',
      });
      await store.close();
    });

    it('a finished claim whose outbound wamid is already stored: the claim ends, the message is not recorded twice', async () => {
      const store = await open();
      const [r] = (await store.ingestWebhook([post(['wamid.A'], { decide: () => greet })])) as IngestResult[];
      const id = r!.claims[0]!.id;
      const message = {
        id: 'wamid.SAME',
        waId: '919876543210',
        type: 'text',
        text: 'Hello',
        timestamp: T,
        status: 'accepted' as const,
      };
      expect(await store.recordOutbound(message)).toBe(true);
      expect(await store.takeAutoReply(id, T)).toBe(true);
      expect(
        await store.finishAutoReply(id, {
          state: 'sent',
          outbound: { ...message, text: 'Welcome', reason: 'greeting' },
        }),
      ).toBe(false);
      expect((await backend.rows(store, 'SELECT state, outbound_wamid FROM auto_replies'))[0]).toEqual({
        state: 'sent',
        outbound_wamid: 'wamid.SAME',
      });
      expect(await backend.rows(store, "SELECT text, reason FROM messages WHERE direction = 'out'")).toEqual([
        { text: 'Hello', reason: null },
      ]);
      await store.close();
    });

    it('a known customer again changes nothing; a new id, a changed number or new stop words still count', async () => {
      const store = await open();
      const from = (id: string, identity: ContactIdentity, text = `m ${id}`) => {
        const p = post([id]);
        Object.assign(p.inbound[0]!, { identity, text });
        return p;
      };
      const ids = async () => {
        const { phone, userId, formerIds } = (await store.getContact('919876543210'))!;
        return { phone, userId, former: formerIds.map((f) => f.value).sort() };
      };
      await store.ingestWebhook([from('wamid.1', { phone: '919876543210' })]);
      await store.ingestWebhook([from('wamid.2', { phone: '919876543210', userId: 'IN.100' })]);
      await store.ingestWebhook([from('wamid.3', { phone: '919876543210', userId: 'IN.100' })]);
      expect(await ids()).toEqual({ phone: '919876543210', userId: 'IN.100', former: [] });
      // a new number with the same BSUID becomes the phone; the old number written from again, again
      await store.ingestWebhook([from('wamid.4', { phone: '919811111111', userId: 'IN.100' })]);
      expect((await ids()).phone).toBe('919811111111');
      await store.ingestWebhook([from('wamid.5', { phone: '919876543210' })]);
      expect(await ids()).toEqual({ phone: '919876543210', userId: 'IN.100', former: ['919811111111'] });
      // stop words are read once per batch: a change applies to the next one
      await store.setSetting(STOP_KEYWORDS_SETTING, ['basta']);
      const [stopped] = await store.ingestWebhook([from('wamid.6', { phone: '919876543210' }, 'basta')]);
      expect(stopped).toMatchObject({
        optOuts: [{ waId: '919876543210', optedOut: true, source: 'keyword' }],
      });
      await store.setSetting(STOP_KEYWORDS_SETTING, ['halt']);
      const [again] = await store.ingestWebhook([from('wamid.7', { phone: '919876543210' }, 'basta')]);
      expect(again).toMatchObject({ optOuts: [], newInbound: ['wamid.7'] });
      expect(await backend.rows(store, 'SELECT count(*) AS n FROM contacts')).toEqual([{ n: 1 }]);
      await store.close();
    });

    it('settings are JSON values shared through the store', async () => {
      const store = await open();
      expect(await store.getSetting('autoreply')).toBeUndefined();
      await store.setSetting('autoreply', {
        greeting: true,
        keywords: [{ phrases: ['price'], reply: '/price' }],
      });
      await store.setSetting('autoreply', { greeting: false });
      expect(await store.getSetting('autoreply')).toEqual({ greeting: false });
      await store.close();
    });
  });
});
