import { describe, expect, it } from 'vitest';
import {
  type InboundMessage,
  isWebhookPayload,
  parseWebhook,
  type StatusUpdate,
} from '../../src/cloud/webhook-events.js';
import { signPayload, verifySignature } from '../../src/cloud/webhook-signature.js';
import { FIXTURES_MISSING, metaWebhookExamples, pywaFixtures } from '../helpers/fixtures.js';

const fixtures = [...pywaFixtures(), ...metaWebhookExamples()];
const byName = (name: string) => {
  const found = fixtures.find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return found.body as { entry: unknown[] };
};

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

describe.skipIf(FIXTURES_MISSING)('webhook payload parsing', () => {
  it('has fixtures to read', () => {
    expect(fixtures.length).toBeGreaterThan(60);
  });

  it.each(fixtures.map((f) => [f.name, f.body]))('%s yields events and never throws', (_name, body) => {
    expect(isWebhookPayload(body)).toBe(true);
    const events = parseWebhook(body as { entry: unknown[] });
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(['message', 'status', 'error', 'raw']).toContain(event.kind);
  });

  it('reads a text message with contact name and time', () => {
    const [event] = parseWebhook(byName('meta:Text Message')) as InboundMessage[];
    expect(event).toMatchObject({
      kind: 'message',
      direction: 'in',
      id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
      waId: '16505551234',
      name: 'Sheena Nelson',
      type: 'text',
      text: 'Does it come in another color?',
      known: true,
    });
    expect(event?.timestamp.toISOString()).toBe('2025-06-08T20:59:43.000Z');
  });

  it('visits every entry, change, message and status, not only [0]', () => {
    const text = byName('message:text');
    const status = byName('message_status:failed');
    const combined = {
      object: 'whatsapp_business_account',
      entry: [
        ...text.entry,
        {
          id: 'x',
          changes: [
            ...(status.entry[0] as { changes: unknown[] }).changes,
            ...(text.entry[0] as { changes: unknown[] }).changes,
          ],
        },
      ],
    };
    const kinds = parseWebhook(combined).map((e) => e.kind);
    expect(kinds).toEqual(['message', 'status', 'message']);
  });

  it('keeps failed status errors, referrals, replies and campaign refs', () => {
    const [failed] = parseWebhook(byName('message_status:failed')) as StatusUpdate[];
    expect(failed?.errors[0]).toEqual({
      code: 130472,
      title: "User's number is part of an experiment",
      message: "User's number is part of an experiment",
      details: "Failed to send message because this user's phone number is part of an experiment",
    });
    const [ad] = parseWebhook(byName('message:referral')) as InboundMessage[];
    expect(ad?.referral).toMatchObject({ sourceId: 'ADID', headline: 'AD_TITLE', ctwaClid: 'CTWA_CLID' });
    const [reply] = parseWebhook(byName('message:reply')) as InboundMessage[];
    expect(reply?.replyTo).not.toBeNull();
    const tagged = structuredClone(byName('message:text')) as any;
    tagged.entry[0].changes[0].value.messages[0].text.body = 'I want the offer [ref:diwali-24]';
    const [withRef] = parseWebhook(tagged) as InboundMessage[];
    expect(withRef?.ref).toBe('diwali-24');
    expect(withRef?.text).toBe('I want the offer [ref:diwali-24]');
  });

  it('turns unknown fields, unknown message types and malformed parts into raw events', () => {
    const unknownType = structuredClone(byName('message:text')) as any;
    unknownType.entry[0].changes[0].value.messages[0].type = 'hologram';
    const [msg] = parseWebhook(unknownType) as InboundMessage[];
    expect(msg).toMatchObject({ kind: 'message', type: 'hologram', known: false, text: null });
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
