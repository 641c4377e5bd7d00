// The store's inbox queries (issue 5) on a real SQLite file and a PostgreSQL schema, seeded through the public record methods.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WaboxError } from '../../src/core/errors.js';
import { describeStores, type TestStore } from '../helpers/stores.js';

const T0 = Date.parse('2025-06-10T08:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const ASHA = '919876543210';
const BOB = '447700900123';
const CHEN = '8613800138000';
await describeStores('the inbox', (backend) => {
  let store: TestStore;

  beforeEach(async () => {
    store = await backend.open();
    // Asha: wrote, we answered, she wrote twice more, an automatic away reply went out
    await store.recordInbound({
      id: 'a1',
      waId: ASHA,
      name: 'Asha',
      type: 'text',
      text: 'Hi',
      timestamp: at(0),
    });
    await store.recordOutbound({
      id: 'a2',
      waId: ASHA,
      type: 'text',
      text: 'Hello!',
      timestamp: at(1),
      status: 'accepted',
    });
    await store.recordInbound({ id: 'a3', waId: ASHA, type: 'text', text: 'Cake?', timestamp: at(10) });
    await store.recordInbound({ id: 'a4', waId: ASHA, type: 'text', text: 'Hello?', timestamp: at(12) });
    await store.recordOutbound({
      id: 'a5',
      waId: ASHA,
      type: 'text',
      text: 'We are closed',
      timestamp: at(13),
      status: 'accepted',
      reason: 'away',
    });
    // Bob: wrote, our answer failed
    await store.recordInbound({
      id: 'b1',
      waId: BOB,
      name: 'Bob',
      type: 'text',
      text: 'Price?',
      timestamp: at(20),
    });
    await store.recordOutbound({
      id: 'b2',
      waId: BOB,
      type: 'text',
      text: '40',
      timestamp: at(21),
      status: 'accepted',
    });
    await store.recordStatus({
      id: 'b2',
      status: 'failed',
      timestamp: at(22),
      error: { code: 131026, title: 'Message undeliverable', details: 'x' },
    });
    // Chen: we wrote first, never answered
    await store.recordOutbound({
      id: 'c1',
      waId: CHEN,
      type: 'text',
      text: 'Offer',
      timestamp: at(5),
      status: 'accepted',
    });
  });
  afterEach(async () => {
    await store.close();
  });

  describe('listConversations', () => {
    it('most recent activity first, with name, labels, unread, last message and the waiting time', async () => {
      const list = await store.listConversations();
      expect(list.map((c) => c.waId)).toEqual([BOB, ASHA, CHEN]);
      const asha = list[1]!;
      expect(asha).toMatchObject({
        waId: ASHA,
        name: 'Asha',
        status: 'open',
        assignee: null,
        labels: [],
        unread: 3,
        lastInboundAt: at(12).toISOString(),
        lastOutboundAt: at(13).toISOString(),
        // the away reply does not answer: she waits since her first unanswered message
        awaitingReplySince: at(10).toISOString(),
      });
      expect(asha.lastMessage).toMatchObject({ id: 'a5', direction: 'out', reason: 'away' });
      // a failed answer does not count either
      expect(list[0]!.awaitingReplySince).toBe(at(20).toISOString());
      expect(list[2]).toMatchObject({ name: null, unread: 0, lastInboundAt: null, awaitingReplySince: null });
    });

    it('filters: unread, unanswered, label, status, assignee, limit', async () => {
      const ids = async (filter: Parameters<TestStore['listConversations']>[0]) =>
        (await store.listConversations(filter)).map((c) => c.waId);
      expect(await ids({ unread: true })).toEqual([BOB, ASHA]);
      expect(await ids({ unanswered: true })).toEqual([BOB, ASHA]);
      expect(await store.addLabel(ASHA, 'vip')).toBe(true);
      expect(await store.addLabel(ASHA, 'vip')).toBe(false);
      expect(await store.addLabel(CHEN, 'lead')).toBe(true);
      expect(await ids({ label: 'vip' })).toEqual([ASHA]);
      expect(await store.setConversationStatus(BOB, 'resolved')).toBe(true);
      expect(await store.setConversationStatus(BOB, 'resolved')).toBe(false);
      expect(await ids({ status: 'resolved' })).toEqual([BOB]);
      expect(await ids({ status: 'open' })).toEqual([ASHA, CHEN]);
      // resolved is never unanswered
      expect(await ids({ unanswered: true })).toEqual([ASHA]);
      expect(await store.setAssignee(CHEN, 'ravi')).toBe(true);
      expect(await ids({ assignee: 'ravi' })).toEqual([CHEN]);
      expect(await ids({ assignee: null })).toEqual([BOB, ASHA]);
      expect(await ids({ limit: 1 })).toEqual([BOB]);
      expect(await ids({ unread: true, label: 'vip', status: 'open' })).toEqual([ASHA]);
    });

    it('a person answering ends the wait; a new inbound message reopens a resolved conversation', async () => {
      await store.recordOutbound({
        id: 'a6',
        waId: ASHA,
        type: 'text',
        text: 'Yes',
        timestamp: at(14),
        status: 'accepted',
      });
      expect((await store.getConversation(ASHA))!.awaitingReplySince).toBeNull();
      await store.setConversationStatus(ASHA, 'resolved');
      await store.recordInbound({ id: 'a7', waId: ASHA, type: 'text', text: 'Thanks', timestamp: at(30) });
      expect(await store.getConversation(ASHA)).toMatchObject({
        status: 'open',
        awaitingReplySince: at(30).toISOString(),
      });
    });
  });

  describe('getConversation and the setters', () => {
    it('null for an unknown contact; the setters throw not-found', async () => {
      expect(await store.getConversation('15550001111')).toBeNull();
      for (const call of [
        () => store.addLabel('15550001111', 'vip'),
        () => store.setAssignee('15550001111', 'ravi'),
        () => store.setConversationStatus('15550001111', 'resolved'),
      ]) {
        const err = await call().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WaboxError);
        expect((err as WaboxError).kind).toBe('not-found');
      }
      expect(await store.removeLabel('15550001111', 'vip')).toBe(false);
    });

    it('labels sorted; remove; unassign with null', async () => {
      await store.addLabel(ASHA, 'vip');
      await store.addLabel(ASHA, 'cake order');
      expect((await store.getConversation(ASHA))!.labels).toEqual(['cake order', 'vip']);
      expect(await store.removeLabel(ASHA, 'vip')).toBe(true);
      expect(await store.removeLabel(ASHA, 'vip')).toBe(false);
      expect((await store.getConversation(ASHA))!.labels).toEqual(['cake order']);
      await store.setAssignee(ASHA, 'ravi');
      expect(await store.setAssignee(ASHA, 'ravi')).toBe(false);
      expect(await store.setAssignee(ASHA, null)).toBe(true);
      expect((await store.getConversation(ASHA))!.assignee).toBeNull();
    });

    it('markConversationRead: unread 0, received messages become read, once', async () => {
      expect(await store.markConversationRead(ASHA, at(60))).toBe(3);
      expect(await store.markConversationRead(ASHA, at(61))).toBe(0);
      expect((await store.getConversation(ASHA))!.unread).toBe(0);
      const inbound = await store.listMessages({ waId: ASHA, direction: 'in' });
      expect(inbound.map((m) => m.status)).toEqual(['read', 'read', 'read']);
      expect((await store.getConversation(BOB))!.unread).toBe(1);
    });
  });

  describe('getThread', () => {
    it('oldest first, the latest n, statuses by time even when they arrived out of order', async () => {
      await store.recordStatus({ id: 'a2', status: 'read', timestamp: at(3) });
      await store.recordStatus({ id: 'a2', status: 'sent', timestamp: at(1) });
      await store.recordStatus({ id: 'a2', status: 'delivered', timestamp: at(2) });
      const thread = await store.getThread(ASHA, 10);
      expect(thread.hasMore).toBe(false);
      expect(thread.messages.map((m) => m.id)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
      const a2 = thread.messages[1]!;
      expect(a2.status).toBe('read');
      expect(a2.statusAt).toBe(at(3).toISOString());
      expect(a2.statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
      const short = await store.getThread(ASHA, 2);
      expect(short).toMatchObject({ hasMore: true });
      expect(short.messages.map((m) => m.id)).toEqual(['a4', 'a5']);
    });

    it('a failed status keeps its error', async () => {
      const [, b2] = (await store.getThread(BOB, 10)).messages;
      expect(b2).toMatchObject({ status: 'failed', error: { code: 131026, title: 'Message undeliverable' } });
      expect(b2!.statuses).toEqual([
        {
          status: 'failed',
          timestamp: at(22).toISOString(),
          error: { code: 131026, title: 'Message undeliverable', details: 'x' },
        },
      ]);
    });

    it('getMessages finds quoted messages by id', async () => {
      expect((await store.getMessages(['a1', 'nope', 'b2'])).map((m) => m.id).sort()).toEqual(['a1', 'b2']);
      expect(await store.getMessages([])).toEqual([]);
    });
  });

  describe('listMessagesAfter', () => {
    it('insertion order after a sequence number, with filters; sees writes of another connection', async () => {
      const start = await store.lastMessageSeq();
      expect(start).toBe(8);
      expect(await store.listMessagesAfter({ afterSeq: start })).toEqual([]);
      const other = await backend.connect(backend.location(store));
      try {
        // an old timestamp stored late still comes in insertion order
        await other.recordInbound({ id: 'late', waId: BOB, type: 'text', text: 'late', timestamp: at(-100) });
        await other.recordOutbound({
          id: 'new',
          waId: ASHA,
          type: 'text',
          text: 'new',
          timestamp: at(100),
          status: 'accepted',
        });
      } finally {
        await other.close();
      }
      const after = await store.listMessagesAfter({ afterSeq: start });
      expect(after.map((m) => [m.seq, m.id])).toEqual([
        [9, 'late'],
        [10, 'new'],
      ]);
      expect((await store.listMessagesAfter({ afterSeq: start, direction: 'out' })).map((m) => m.id)).toEqual(
        ['new'],
      );
      expect((await store.listMessagesAfter({ afterSeq: start, waId: BOB })).map((m) => m.id)).toEqual([
        'late',
      ]);
      expect((await store.listMessagesAfter({ afterSeq: start, limit: 1 })).map((m) => m.id)).toEqual([
        'late',
      ]);
      expect((await store.listMessagesAfter({ afterSeq: start, since: at(0) })).map((m) => m.id)).toEqual([
        'new',
      ]);
    });
  });
});
