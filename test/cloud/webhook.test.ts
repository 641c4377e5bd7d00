import { describe, expect, it } from 'vitest';
import {
  type InboundMessage,
  isWebhookPayload,
  parseWebhook,
  type StatusUpdate,
} from '../../src/cloud/webhook-events.js';
import { signPayload, verifySignature } from '../../src/cloud/webhook-signature.js';
import {
  metaWebhookExamples,
  OPENAPI_MISSING,
  ownWebhook,
  ownWebhookFixtures,
  PYWA_MISSING,
  pywaFixtures,
  skipSuite,
} from '../helpers/fixtures.js';

describe('webhook signature (cloud-api.md §4.2 test vectors)', () => {
  it('matches the documented vectors', () => {
    expect(signPayload(Buffer.from('test'), 'secret')).toBe(
      'sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914',
    );
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    expect(signPayload(body, 'my_app_secret')).toBe(
      'sha256=1e948187320e1d8a8ab09e20b7172f8fe97e79394c0980b59b485e00288e389d',
    );
    const escaped = Buffer.from('{"text":{"body":"caf\\u00e9"}}');
    expect(signPayload(escaped, 'my_app_secret')).toBe(
      'sha256=5088d9ceba546140896900a32299e035f15cc4c732450829ed5b162ad16e2ee3',
    );
  });

  it('verifies the raw bytes only: a re-serialised body with literal characters fails', () => {
    const escaped = Buffer.from(
      '{"text":{"body":"\\u0aa8\\u0aae\\u0ab8\\u0acd\\u0aa4\\u0ac7 \\ud83d\\ude4f"}}',
    );
    const header = signPayload(escaped, 'my_app_secret');
    expect(verifySignature(escaped, header, 'my_app_secret')).toBe(true);
    const literal = Buffer.from(JSON.stringify(JSON.parse(escaped.toString())));
    expect(literal.toString()).toContain('નમસ્તે');
    expect(verifySignature(literal, header, 'my_app_secret')).toBe(false);
  });

  it('refuses missing, malformed and wrong signatures', () => {
    const body = Buffer.from('{}');
    const good = signPayload(body, 's3cret');
    expect(verifySignature(body, undefined, 's3cret')).toBe(false);
    expect(verifySignature(body, 'sha1=abc', 's3cret')).toBe(false);
    expect(verifySignature(body, good.slice(0, -2), 's3cret')).toBe(false);
    expect(verifySignature(body, good, 'other')).toBe(false);
    expect(verifySignature(body, good.toUpperCase().replace('SHA256', 'sha256'), 's3cret')).toBe(true);
  });
});

describe('webhook payload parsing (test/fixtures/webhooks)', () => {
  it.each(ownWebhookFixtures().map((f) => [f.name, f.body]))(
    '%s yields events and never throws',
    (_name, body) => {
      expect(isWebhookPayload(body)).toBe(true);
      const events = parseWebhook(body as { entry: unknown[] });
      expect(events.length).toBeGreaterThan(0);
      for (const event of events)
        expect(['message', 'status', 'error', 'raw', 'link', 'preference']).toContain(event.kind);
    },
  );

  it('reads a text message with contact name and time', () => {
    const [event] = parseWebhook(ownWebhook('text')) as InboundMessage[];
    expect(event).toMatchObject({
      kind: 'message',
      direction: 'in',
      id: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUM0FBMDAwMDAwMDAwMDAwMDAwMDEA',
      waId: '919876543210',
      name: 'Asha Patel',
      type: 'text',
      text: 'Is the paneer tikka available today?',
      known: true,
      phoneNumberId: '106540352242922',
    });
    expect(event?.timestamp.toISOString()).toBe('2025-12-05T10:00:00.000Z');
  });

  it('visits every entry, change, message and status, not only [0]', () => {
    const events = parseWebhook(ownWebhook('batch-entries'));
    expect(events.map((e) => (e.kind === 'message' ? `${e.waId} ${e.text}` : e.kind))).toEqual([
      '919876543210 first',
      '919876543210 second',
      'status',
      '919825012345 third, from Ravi',
    ]);
    const text = ownWebhook('text');
    const status = ownWebhook('status-failed');
    const combined = {
      object: 'whatsapp_business_account',
      entry: [...text.entry, { id: 'x', changes: [...status.entry[0].changes, ...text.entry[0].changes] }],
    };
    expect(parseWebhook(combined).map((e) => e.kind)).toEqual(['message', 'status', 'message']);
  });

  it('keeps failed status errors, referrals, replies and campaign refs', () => {
    const [failed] = parseWebhook(ownWebhook('status-failed')) as StatusUpdate[];
    expect(failed?.errors[0]).toEqual({
      code: 131049,
      title: 'This message was not delivered to maintain healthy ecosystem engagement.',
      message: 'This message was not delivered to maintain healthy ecosystem engagement.',
      details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
    });
    const [ad] = parseWebhook(ownWebhook('referral-ad')) as InboundMessage[];
    expect(ad?.referral).toMatchObject({
      sourceId: '120226305854810726',
      sourceType: 'ad',
      headline: 'Chat with us',
      ctwaClid: expect.stringMatching(/^ARAk/),
    });
    const [reply] = parseWebhook(ownWebhook('text-reply')) as InboundMessage[];
    expect(reply?.replyTo).toBe('wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQUJDREVGMDEyMzQ1Njc4OUEA');
    const [tagged] = parseWebhook(ownWebhook('text-unicode')) as InboundMessage[];
    expect(tagged).toMatchObject({ ref: 'diwali-24', name: 'અમર' });
  });

  it('turns unknown fields, unknown message types and malformed parts into raw events', () => {
    const [msg] = parseWebhook(ownWebhook('unknown-type')) as InboundMessage[];
    expect(msg).toMatchObject({ kind: 'message', type: 'hologram', known: false, text: null });
    const [field] = parseWebhook(ownWebhook('field-template-status'));
    expect(field).toMatchObject({ kind: 'raw', field: 'message_template_status_update', reason: 'field' });
    const [extra] = parseWebhook(ownWebhook('unknown-fields')) as InboundMessage[];
    expect(extra).toMatchObject({ kind: 'message', text: 'hello again', name: 'Asha Patel', known: true });
    const events = parseWebhook({
      entry: [{ id: '1' }, { changes: [{ field: 'messages', value: { messages: [{ id: 'x' }, 7] } }] }],
    });
    expect(events.map((e) => (e.kind === 'raw' ? e.reason : e.kind))).toEqual([
      'entry without changes',
      'message without id, sender or timestamp',
      'message is not an object',
    ]);
    expect(parseWebhook({ entry: [] })).toEqual([]);
    expect(isWebhookPayload({ object: 'x' })).toBe(false);
    expect(isWebhookPayload([])).toBe(false);
  });
});

for (const [source, missing, fixtures, least] of [
  ["pywa's payloads", PYWA_MISSING, pywaFixtures, 40],
  ["Meta's /whatsapp/webhooks examples", OPENAPI_MISSING, metaWebhookExamples, 10],
] as const) {
  if (missing) skipSuite(`webhook payload parsing (${source})`, missing);
  else
    describe(`webhook payload parsing (${source})`, () => {
      it('has fixtures to read', () => {
        expect(fixtures().length).toBeGreaterThan(least);
      });

      it.each(fixtures().map((f) => [f.name, f.body]))('%s yields events and never throws', (_name, body) => {
        expect(isWebhookPayload(body)).toBe(true);
        const events = parseWebhook(body as { entry: unknown[] });
        expect(events.length).toBeGreaterThan(0);
        for (const event of events)
          expect(['message', 'status', 'error', 'raw', 'link', 'preference']).toContain(event.kind);
      });
    });
}

describe('simulated payloads', () => {
  it('serialise like Meta (ASCII with \\u escapes) and parse back to the same message', async () => {
    const { simulatedTextMessage, serializeLikeMeta, simulatedStatus } = await import(
      '../../src/cloud/webhook-simulate.js'
    );
    const now = new Date('2026-11-22T10:00:05Z');
    const text = 'નમસ્તે 🙏 کیا حال ہے\nline 2 [ref:diwali]';
    const { id, body } = simulatedTextMessage({ from: '919876543210', name: 'અમર', text, now });
    const raw = serializeLikeMeta(body);
    expect([...raw].every((b) => b < 0x80)).toBe(true);
    expect(raw.toString()).toContain('\\u0aa8');
    expect(JSON.parse(raw.toString())).toEqual(body);
    const [event] = parseWebhook(JSON.parse(raw.toString())) as InboundMessage[];
    expect(event).toMatchObject({ id, waId: '919876543210', name: 'અમર', text, ref: 'diwali', type: 'text' });
    expect(event?.timestamp.toISOString()).toBe('2026-11-22T10:00:05.000Z');
    const again = simulatedTextMessage({ from: '919876543210', text: 'x', now });
    expect(again.id).not.toBe(id);
    const [failed] = parseWebhook(
      simulatedStatus({ wamid: 'wamid.A', status: 'failed', recipient: '1', now }) as { entry: unknown[] },
    ) as StatusUpdate[];
    expect(failed).toMatchObject({ kind: 'status', id: 'wamid.A', status: 'failed' });
    expect(failed?.errors[0]?.code).toBe(131049);
  });
});
