// The store's webhook write path: group commit (a batch without savepoints, again POST by POST when one
// fails), idempotency, claims.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { AutoReplyPlan, IngestResult, WebhookPost } from '../../src/store/store.js';
import { tempDir } from '../helpers/cli.js';

const T = new Date('2026-11-20T10:00:00Z');
const open = () => openSqliteStore(join(tempDir('wabox-ingest-'), 'wabox.db'));

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

describe('ingestWebhook', () => {
  it('writes a batch in one transaction; a failing POST rolls back alone', async () => {
    const store = open();
    const bad = post(['wamid.B1', 'wamid.B2']);
    bad.inbound[1]!.timestamp = new Date(Number.NaN); // fails after B1 was written in its savepoint
    const results = await store.ingestWebhook([post(['wamid.A']), bad, post(['wamid.C'])]);
    expect(results.map((r) => ('error' in r ? 'error' : r.newInbound))).toEqual([
      ['wamid.A'],
      'error',
      ['wamid.C'],
    ]);
    const ids = store.db.prepare('SELECT wamid FROM messages ORDER BY seq').all();
    expect(ids).toEqual([{ wamid: 'wamid.A' }, { wamid: 'wamid.C' }]);
    await store.close();
  });

  it('a batch retried POST by POST after a failure keeps each claim and each unread count once', async () => {
    const store = open();
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
    expect(store.db.prepare('SELECT inbound_wamid FROM auto_replies ORDER BY id').all()).toEqual([
      { inbound_wamid: 'wamid.A' },
      { inbound_wamid: 'wamid.C' },
    ]);
    expect(store.db.prepare('SELECT unread FROM conversations').get()).toEqual({ unread: 2 });
    expect(store.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 2 });
    await store.close();
  });

  it('a batch that cannot be written at all fails as a whole, and nothing of it is stored', async () => {
    const store = open();
    const reader = openSqliteStore(store.path);
    // another connection holds the write lock: BEGIN IMMEDIATE gives up after busy_timeout
    store.db.pragma('busy_timeout = 0');
    reader.db.exec('BEGIN IMMEDIATE');
    await expect(store.ingestWebhook([post(['wamid.A']), post(['wamid.B'])])).rejects.toThrow(/locked/);
    reader.db.exec('ROLLBACK');
    await reader.close();
    expect(store.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    await store.close();
  });

  it('redelivery: duplicates counted, nothing changed, no second claim', async () => {
    const store = open();
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
    expect(store.db.prepare('SELECT unread FROM conversations').get()).toEqual({ unread: 1 });
    await store.close();
  });

  it('facts: previous inbound, last person-sent outbound, last away period, hand-off', async () => {
    const store = open();
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
    const store = open();
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
    expect(store.db.prepare('SELECT state, outbound_wamid FROM auto_replies').get()).toEqual({
      state: 'sent',
      outbound_wamid: 'wamid.OUT',
    });
    expect(store.db.prepare("SELECT reason FROM messages WHERE direction = 'out'").get()).toEqual({
      reason: 'greeting',
    });
    await store.close();
  });

  it('a finished claim whose outbound wamid is already stored: the claim ends, the message is not recorded twice', async () => {
    const store = open();
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
    expect(store.db.prepare('SELECT state, outbound_wamid FROM auto_replies').get()).toEqual({
      state: 'sent',
      outbound_wamid: 'wamid.SAME',
    });
    expect(store.db.prepare("SELECT text, reason FROM messages WHERE direction = 'out'").all()).toEqual([
      { text: 'Hello', reason: null },
    ]);
    await store.close();
  });

  it('settings are JSON values shared through the store', async () => {
    const store = open();
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
