// Our own webhook payloads (test/fixtures/webhooks, written from Meta's documented shapes) posted to a
// real `wabox webhook serve` on 127.0.0.1 as Meta sends them (escaped unicode, signed), and what the
// store holds afterwards, value by value. They need nothing beside the clone.
import { afterEach, describe, expect, it } from 'vitest';
import { serializeLikeMeta } from '../../src/cloud/webhook-simulate.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { ownWebhook, ownWebhookFixtures } from '../helpers/fixtures.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.stop().catch(() => undefined);
});

const ASHA = '919876543210';
const RAVI = '919825012345';
const OUR = (suffix: string) => `wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQUJDREVGMDEyMzQ1Njc4O${suffix}`;

/** One stored inbound message: [type, text, reply_to]; always from ASHA unless `wa_id` is given. */
type Msg = [type: string, text: string | null, replyTo?: string | null, waId?: string];
interface Expected {
  messages?: Msg[];
  /** [status, error code or null] rows of status_events. */
  statuses?: Array<[string, number | null]>;
  raw?: string[];
  name?: string | null;
  campaign?: string | null;
  referral?: boolean;
}

const EXPECTED: Record<string, Expected> = {
  text: { messages: [['text', 'Is the paneer tikka available today?']] },
  'text-unicode': {
    messages: [['text', 'નમસ્તે 🙏 કેક કેટલાની છે? [ref:diwali-24]']],
    name: 'અમર',
    campaign: 'diwali-24',
  },
  'text-reply': { messages: [['text', 'Is this still available?', OUR('UEA')]] },
  image: { messages: [['image', 'This one, in red']] },
  video: { messages: [['video', 'the leak under the sink']] },
  'audio-voice': { messages: [['audio', null]] },
  document: { messages: [['document', 'invoice-1042.pdf']] },
  sticker: { messages: [['sticker', null]] },
  location: { messages: [['location', "Asha's Kitchen"]] },
  'location-pin': { messages: [['location', '19.076,72.8777']] },
  contacts: { messages: [['contacts', 'Ravi Shah']] },
  'interactive-button-reply': { messages: [['interactive', 'Yes, confirm', OUR('UIA')]] },
  'interactive-list-reply': { messages: [['interactive', 'Priority Mail Express', OUR('UMA')]] },
  button: { messages: [['button', 'Stop promotions', OUR('UQA')]] },
  reaction: { messages: [['reaction', '👍']] },
  'reaction-removed': { messages: [['reaction', '']] },
  order: { messages: [['order', 'order of 2 item(s)']] },
  'referral-ad': { messages: [['text', 'Hello! Can I get more info on this?']], referral: true },
  // a system message carries no contacts block, so no profile name
  'system-number-changed': {
    messages: [['system', 'User Asha Patel changed from 919876543210 to 919876500000']],
    name: null,
  },
  unsupported: { messages: [['unsupported', null]] },
  'unsupported-edit': { messages: [['unsupported', null]] },
  'unknown-type': { messages: [['hologram', null]], raw: ['unknown message type "hologram"'] },
  'unknown-fields': { messages: [['text', 'hello again']] },
  'batch-entries': {
    messages: [
      ['text', 'first'],
      ['text', 'second'],
      ['text', 'third, from Ravi', null, RAVI],
    ],
    statuses: [['delivered', null]],
  },
  'status-sent': { statuses: [['sent', null]] },
  'status-sent-marketing': { statuses: [['sent', null]] },
  'status-delivered': { statuses: [['delivered', null]] },
  'status-read': { statuses: [['read', null]] },
  'status-failed': { statuses: [['failed', 131049]] },
  'errors-out-of-band': { raw: ['error 130429: Rate limit hit'] },
  'field-template-status': { raw: ['field'] },
};

const fixtures = ownWebhookFixtures();

describe('our webhook fixtures', () => {
  it('cover every documented inbound type, status and odd part, each with an expectation here', () => {
    expect(fixtures.map((f) => f.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    const types = new Set<string>();
    const statuses = new Set<string>();
    for (const { body } of fixtures)
      for (const entry of (body as any).entry)
        for (const change of entry.changes) {
          for (const m of change.value.messages ?? [])
            types.add(m.type === 'interactive' ? `interactive:${m.interactive.type}` : m.type);
          for (const s of change.value.statuses ?? []) statuses.add(s.status);
        }
    for (const type of [
      'text',
      'image',
      'video',
      'audio',
      'document',
      'sticker',
      'location',
      'contacts',
      'interactive:button_reply',
      'interactive:list_reply',
      'button',
      'reaction',
      'order',
      'system',
      'unsupported',
    ])
      expect(types, type).toContain(type);
    expect([...statuses].sort()).toEqual(['delivered', 'failed', 'read', 'sent']);
  });

  it.each(fixtures.map((f) => [f.name, f.body] as const))(
    '%s is stored as documented',
    async (name, body) => {
      const expected = EXPECTED[name]!;
      const r = await startReceiver();
      receivers.push(r);
      expect((await r.post(serializeLikeMeta(body as object))).status).toBe(200);

      const messages = r.rows<Record<string, unknown>>(
        'SELECT direction, wa_id, type, text, status, reply_to, phone_number_id FROM messages ORDER BY seq',
      );
      expect(messages).toEqual(
        (expected.messages ?? []).map(([type, text, replyTo, waId]) => ({
          direction: 'in',
          wa_id: waId ?? ASHA,
          type,
          text,
          status: 'received',
          reply_to: replyTo ?? null,
          phone_number_id: '106540352242922',
        })),
      );
      if (expected.messages) {
        const [asha] = r.rows<Record<string, unknown>>(
          'SELECT ct.name, c.campaign, c.referral, c.unread, c.last_inbound_at FROM contacts ct JOIN conversations c USING (wa_id) WHERE wa_id = ?',
          ASHA,
        );
        expect(asha).toMatchObject({
          name: expected.name === undefined ? 'Asha Patel' : expected.name,
          campaign: expected.campaign ?? null,
          unread: expected.messages.filter((m) => (m[3] ?? ASHA) === ASHA).length,
        });
        expect(asha!.referral !== null).toBe(expected.referral ?? false);
      }

      const statuses = r.rows<{ status: string; recipient_wa_id: string; error: string | null }>(
        'SELECT status, recipient_wa_id, error FROM status_events ORDER BY id',
      );
      expect(
        statuses.map((s) => [
          s.status,
          s.error === null ? null : (JSON.parse(s.error) as { code: number }).code,
        ]),
      ).toEqual(expected.statuses ?? []);
      for (const s of statuses) expect(s.recipient_wa_id).toBe(ASHA);

      expect(
        r.rows<{ reason: string }>('SELECT reason FROM raw_events ORDER BY id').map((x) => x.reason),
      ).toEqual(expected.raw ?? []);
    },
  );

  it('keep each message and status payload as received: media ids, order items, pricing, unknown members', async () => {
    const r = await startReceiver();
    receivers.push(r);
    for (const name of ['image', 'order', 'status-sent', 'unknown-fields', 'unsupported-edit'])
      expect((await r.post(serializeLikeMeta(ownWebhook(name)))).status).toBe(200);
    const payload = (type: string) =>
      JSON.parse(
        r.rows<{ payload: string }>('SELECT payload FROM messages WHERE type = ?', type)[0]!.payload,
      );
    expect(payload('image').image).toMatchObject({ id: '1003383421387256', mime_type: 'image/jpeg' });
    expect(payload('order').order.product_items).toHaveLength(2);
    expect(payload('unsupported')).toMatchObject({
      unsupported: { type: 'edit' },
      errors: [{ code: 131051 }],
    });
    const [text] = r
      .rows<{ payload: string }>("SELECT payload FROM messages WHERE type = 'text'")
      .map((row) => JSON.parse(row.payload));
    expect(text).toMatchObject({ sparkle: true, from_user_id: 'IN.1234567890abcdef' });
    const [sent] = r.rows<{ payload: string }>('SELECT payload FROM status_events');
    expect(JSON.parse(sent!.payload)).toMatchObject({
      conversation: { origin: { type: 'service' } },
      pricing: { pricing_model: 'PMP', category: 'service', type: 'free_customer_service' },
    });
  });

  it('move our outbound message forward: sent, delivered, read; a failure keeps its error', async () => {
    const r = await startReceiver({
      before: async (env) => {
        const store = openSqliteStore(env.WABOX_DB!);
        for (const suffix of ['UUA', 'UYA'])
          await store.recordOutbound({
            id: OUR(suffix),
            waId: ASHA,
            type: 'text',
            text: 'Your order is on its way',
            timestamp: new Date('2025-12-05T10:03:00Z'),
            status: 'accepted',
          });
        await store.close();
      },
    });
    receivers.push(r);
    const status = (suffix: string) =>
      r.rows<{ status: string; error: string | null }>(
        'SELECT status, error FROM messages WHERE wamid = ?',
        OUR(suffix),
      )[0];
    for (const [name, after] of [
      ['status-sent', 'sent'],
      ['status-read', 'read'],
      // late: never moves a read message back
      ['status-delivered', 'read'],
    ] as const) {
      expect((await r.post(serializeLikeMeta(ownWebhook(name)))).status).toBe(200);
      expect(status('UUA'), name).toEqual({ status: after, error: null });
    }
    expect((await r.post(serializeLikeMeta(ownWebhook('status-failed')))).status).toBe(200);
    expect(status('UYA')!.status).toBe('failed');
    expect(JSON.parse(status('UYA')!.error!)).toMatchObject({ code: 131049 });
  });
});
