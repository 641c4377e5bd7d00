// Satisfaction questions in the store, on both backends: one per resolution period, claimed once across
// connections, answered by a button or list reply at ingest (once, redelivery or not), a comment after.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { InboundRecord, Store, WebhookPost } from '../../src/store/store.js';
import { describeStores, type TestStore } from '../helpers/stores.js';

const ASHA = '919876543210';
const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

function post(message: InboundRecord, receivedAt = message.timestamp): WebhookPost {
  return { receivedAt, inbound: [message], echoes: [], statuses: [], raw: [] };
}

const text = (id: string, minutes: number, body: string): InboundRecord => ({
  id,
  waId: ASHA,
  type: 'text',
  text: body,
  timestamp: at(minutes),
});

const reply = (id: string, minutes: number, questionId: number, score: number, kind = 'button_reply') => ({
  id,
  waId: ASHA,
  type: 'interactive',
  text: String(score),
  timestamp: at(minutes),
  payload: {
    type: 'interactive',
    interactive: { type: kind, [kind]: { id: `wabox-csat:${questionId}:${score}` } },
  },
});

await describeStores('csat questions', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
    await store.ingestWebhook([post(text('wamid.in1', 0, 'my order is late'))]);
    await store.setAssignee(ASHA, 'ravi');
  });
  afterEach(async () => {
    await store.close();
  });

  const resolve = async (s: Store, minutes: number) => {
    await s.setConversationStatus(ASHA, 'resolved');
    return s.csat.schedule(ASHA, { resolvedAt: at(minutes), dueAt: at(minutes + 10) });
  };

  it('one question per period: a second resolve without a new customer message schedules none', async () => {
    const first = await resolve(store, 5);
    expect(first).toMatchObject({
      waId: ASHA,
      agent: 'ravi',
      state: 'pending',
      resolvedAt: at(5),
      dueAt: at(15),
      askedAt: null,
      score: null,
    });
    await store.setConversationStatus(ASHA, 'open');
    expect(await resolve(store, 6)).toBeNull();
    // a new message from the customer starts a new period
    await store.ingestWebhook([post(text('wamid.in2', 30, 'one more thing'))]);
    expect(await resolve(store, 31)).toMatchObject({ state: 'pending', resolvedAt: at(31) });
    expect((await store.csat.list()).map((q) => q.resolvedAt)).toEqual([at(5), at(31)]);
  });

  it('due, taken once across connections, asked, then answered once with its comment', async () => {
    const q = (await resolve(store, 5))!;
    expect(await store.csat.due(at(14))).toEqual([]);
    expect((await store.csat.due(at(15))).map((d) => d.id)).toEqual([q.id]);
    const other = await backend.connect(backend.location(store));
    try {
      const takes = await Promise.all([store.csat.take(q.id, at(15)), other.csat.take(q.id, at(15))]);
      expect(takes.filter(Boolean)).toHaveLength(1);
    } finally {
      await other.close();
    }
    expect(await store.csat.finish(q.id, { state: 'asked', wamid: 'wamid.q1', at: at(15) })).toBe(true);
    expect(await store.csat.finish(q.id, { state: 'skipped', reason: 'x', at: at(15) })).toBe(false);

    const answer = reply('wamid.a1', 16, q.id, 5);
    const [first] = await store.ingestWebhook([post(answer)]);
    expect(first).toMatchObject({ newInbound: ['wamid.a1'] });
    // the redelivery stores nothing; a second tap keeps the first answer
    const [again] = await store.ingestWebhook([post(answer)]);
    expect(again).toMatchObject({ duplicates: 1, newInbound: [] });
    await store.ingestWebhook([post(text('wamid.c1', 18, 'quick and friendly, thanks'))]);
    // the answer and its comment do not start a new period
    await store.setConversationStatus(ASHA, 'resolved');
    expect(await store.csat.schedule(ASHA, { resolvedAt: at(20), dueAt: at(20) })).toBeNull();
    await store.ingestWebhook([post(reply('wamid.a2', 21, q.id, 1))]);
    await store.ingestWebhook([post(text('wamid.c2', 22, 'and another thing'))]);
    expect(await store.csat.list({ waId: ASHA })).toEqual([
      expect.objectContaining({
        id: q.id,
        state: 'answered',
        score: 5,
        answeredAt: at(16),
        askedAt: at(15),
        questionWamid: 'wamid.q1',
        answerWamid: 'wamid.a1',
        comment: 'quick and friendly, thanks',
      }),
    ]);
  });

  it('an answer keeps the conversation resolved; a text long after is no comment', async () => {
    const q = (await resolve(store, 5))!;
    await store.csat.take(q.id, at(5));
    await store.csat.finish(q.id, { state: 'asked', wamid: 'wamid.q1', at: at(5) });
    await store.ingestWebhook([post(reply('wamid.a1', 6, q.id, 3, 'list_reply'))]);
    expect((await store.getConversation(ASHA))!.status).toBe('resolved');
    await store.ingestWebhook([post(text('wamid.late', 6 + 11, 'hello again'))]);
    const [answered] = await store.csat.list();
    expect(answered).toMatchObject({ score: 3, comment: null });
    // the customer's new message reopens it as always
    expect((await store.getConversation(ASHA))!.status).toBe('open');
  });

  it('a rating and its comment get no automatic reply; the next message does', async () => {
    const q = (await resolve(store, 5))!;
    await store.csat.take(q.id, at(5));
    await store.csat.finish(q.id, { state: 'asked', wamid: 'wamid.q1', at: at(5) });
    const greet = (m: InboundRecord): WebhookPost => ({
      ...post(m),
      decide: () => ({
        replies: [{ kind: 'greeting', reason: 'greeting', rule: null }],
        handoff: false,
        state: 'pending',
      }),
    });
    const claims = async (m: InboundRecord) => {
      const [result] = await store.ingestWebhook([greet(m)]);
      return (result as { claims: unknown[] }).claims.length;
    };
    expect(await claims(reply('wamid.a1', 6, q.id, 1))).toBe(0);
    expect(await claims(text('wamid.c1', 7, 'too slow'))).toBe(0);
    expect(await claims(text('wamid.n1', 8, 'hello?'))).toBe(1);
    expect(await store.csat.list()).toEqual([expect.objectContaining({ score: 1, comment: 'too slow' })]);
  });

  it('a reply naming an unasked or unknown question records nothing', async () => {
    const q = (await resolve(store, 5))!;
    await store.ingestWebhook([post(reply('wamid.a1', 6, q.id, 5))]); // still pending: never sent
    await store.ingestWebhook([post(reply('wamid.a2', 7, q.id + 100, 5))]);
    expect(await store.csat.list()).toEqual([expect.objectContaining({ state: 'pending', score: null })]);
  });

  it('listCsat filters by resolution time and agent; a skip keeps its reason', async () => {
    const q = (await resolve(store, 5))!;
    await store.ingestWebhook([post(text('wamid.in2', 60, 'hi'))]);
    await store.setAssignee(ASHA, 'meena');
    await resolve(store, 61);
    expect(await store.csat.take(q.id, at(20))).toBe(true);
    expect(await store.csat.finish(q.id, { state: 'skipped', reason: 'window_closed', at: at(20) })).toBe(
      true,
    );
    expect((await store.csat.list({ since: at(30) })).map((r) => r.agent)).toEqual(['meena']);
    expect((await store.csat.list({ agent: 'ravi' })).map((r) => [r.state, r.reason])).toEqual([
      ['skipped', 'window_closed'],
    ]);
    expect(await store.csat.list({ agent: 'nobody' })).toEqual([]);
    expect((await store.exportContact(ASHA)).csat).toHaveLength(2);
  });
});
