// A contact is a person: our own payloads in Meta's documented shapes (test/fixtures/webhooks/contacts:
// business-scoped user ids, usernames, number and id changes, a shared phone, user_preferences,
// pricing, account fields) posted to a real receiver on 127.0.0.1 and read back from its SQLite file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';
import { OWN_WEBHOOKS_DIR, ownWebhook } from '../helpers/fixtures.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';

const OLD = 'IN.4839201757362018';
const NEW = 'IN.9051187733021645';
const PARENT = 'IN.ENT.77120983345510';
const PHONE = '919812300001';
const PHONE2 = '919812300002';

const fixture = (name: string): object =>
  JSON.parse(readFileSync(join(OWN_WEBHOOKS_DIR, 'contacts', `${name}.json`), 'utf8'));

const receivers: Receiver[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const r of receivers.splice(0)) await r.stop().catch(() => undefined);
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver({ now: new Date('2025-12-05T12:00:00Z') });
  receivers.push(r);
  return r;
}

/** Posts the fixtures in order, the receiver's clock a minute later for each. */
async function post(r: Receiver, ...names: string[]): Promise<void> {
  for (const name of names) {
    r.now.value = new Date(r.now.value.getTime() + 60_000);
    expect((await r.post(fixture(name))).status, name).toBe(200);
  }
}

/** A second connection on the receiver's file: the store's API, as a CLI command would use it. */
function storeOf(r: Receiver): SqliteStore {
  const store = openSqliteStore(r.env.WABOX_DB!);
  stores.push(store);
  return store;
}

interface Counts {
  contacts: number;
  conversations: number;
  messages: number;
  labels: number;
  events: number;
}

function counts(r: Receiver): Counts {
  const n = (table: string) => r.rows<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)[0]!.n;
  return {
    contacts: n('contacts'),
    conversations: n('conversations'),
    messages: n('messages'),
    labels: n('contact_labels'),
    events: n('contact_events'),
  };
}

describe('customers without phone numbers', () => {
  it('a BSUID-only message makes a contact with its BSUID, parent BSUID and username, no phone', async () => {
    const r = await receiver();
    await post(r, 'bsuid-only');
    const store = storeOf(r);
    const contact = await store.resolveContact('@meera.bakes');
    expect(contact).toMatchObject({
      waId: OLD,
      phone: null,
      userId: OLD,
      parentUserId: PARENT,
      username: 'meera.bakes',
      name: 'Meera',
      formerIds: [],
      optOut: { optedOut: false, source: null, at: null },
    });
    expect((await store.resolveContact(OLD)).waId).toBe(OLD);
    expect((await store.resolveContact(PARENT)).waId).toBe(OLD);
    expect((await store.resolveContact('@MEERA.BAKES')).waId).toBe(OLD);
    const [conversation] = await store.listConversations();
    expect(conversation).toMatchObject({
      waId: OLD,
      phone: null,
      userId: OLD,
      username: 'meera.bakes',
      unread: 1,
    });
    expect(r.rows('SELECT wa_id, text FROM messages')).toEqual([
      { wa_id: OLD, text: 'Do you deliver to Baner?' },
    ]);
  });

  it('a username without a profile name is enough to find the contact', async () => {
    const r = await receiver();
    await post(r, 'username-only');
    const contact = await storeOf(r).resolveContact('@chai.corner');
    expect(contact).toMatchObject({ userId: 'IN.3300918827364510', name: null, phone: null });
  });

  it('a later message with the phone links it: one contact, one conversation, redelivery changes nothing', async () => {
    const r = await receiver();
    await post(r, 'bsuid-only', 'both-ids');
    const store = storeOf(r);
    expect(counts(r)).toEqual({ contacts: 1, conversations: 1, messages: 2, labels: 0, events: 0 });
    const contact = await store.resolveContact(PHONE);
    expect(contact).toMatchObject({ waId: OLD, phone: PHONE, userId: OLD });
    expect((await store.getConversation(PHONE))?.unread).toBe(2);
    // the inbox's reads take any identifier
    expect((await store.getThread(PHONE, 10)).messages.map((m) => m.id)).toEqual([
      'wamid.BSUID0001',
      'wamid.BSUID0002',
    ]);
    expect((await store.listMessages({ waId: PHONE })).length).toBe(2);
    await post(r, 'bsuid-only', 'both-ids');
    expect(counts(r)).toEqual({ contacts: 1, conversations: 1, messages: 2, labels: 0, events: 0 });
  });

  it('merges two contacts shown to be one person: messages, labels, assignment, window, opt-out; logged once', async () => {
    const r = await receiver();
    await post(r, 'phone-only', 'bsuid-only');
    const store = storeOf(r);
    await store.addLabel(PHONE, 'vip');
    await store.addLabel(OLD, 'cakes');
    await store.addLabel(OLD, 'vip');
    await store.setAssignee(OLD, 'meera-agent');
    await store.setConversationStatus(PHONE, 'resolved');
    await store.addNote(PHONE, { author: 'ravi', text: 'by phone' });
    await store.addNote(OLD, { author: null, text: 'by BSUID' });
    await post(r, 'user-preferences-stop'); // the BSUID contact stopped marketing messages
    const before = counts(r);
    expect(before).toEqual({ contacts: 2, conversations: 2, messages: 2, labels: 3, events: 1 });
    const windows = r.rows<{ at: number }>('SELECT last_inbound_at AS at FROM conversations ORDER BY wa_id');
    const later = Math.max(...windows.map((w) => w.at));

    await post(r, 'both-ids');
    expect(counts(r)).toEqual({ contacts: 1, conversations: 1, messages: 3, labels: 2, events: 2 });
    const conversation = (await store.getConversation(OLD))!;
    expect(conversation).toMatchObject({
      waId: PHONE, // the older contact remains
      phone: PHONE,
      userId: OLD,
      labels: ['cakes', 'vip'],
      assignee: 'meera-agent',
      status: 'open',
      unread: 3,
    });
    expect(Date.parse(conversation.lastInboundAt!)).toBe(Math.max(later, Date.parse('2025-12-05T10:10:00Z')));
    const contact = await store.getContact(OLD);
    expect(contact?.optOut).toEqual({
      optedOut: true,
      source: 'user_preferences',
      at: new Date(1764932000_000).toISOString(),
    });
    const events = await store.contactEvents(PHONE);
    // by time: the opt-out (10:53) came before the merge
    expect(events.map((e) => e.kind)).toEqual(['opt_out', 'merge']);
    expect(events[1]!.detail).toMatchObject({
      from: OLD,
      why: 'contacts',
      identifiers: { phone: null, userId: OLD, parentUserId: PARENT, username: 'meera.bakes' },
    });
    await expect(store.resolveContact(OLD)).resolves.toMatchObject({ waId: PHONE });
    expect((await store.notes(OLD)).map((n) => [n.waId, n.text])).toEqual([
      [PHONE, 'by phone'],
      [PHONE, 'by BSUID'],
    ]);

    const after = counts(r);
    await post(r, 'phone-only', 'bsuid-only', 'both-ids', 'user-preferences-stop');
    expect(counts(r)).toEqual(after);
    expect(r.rows('SELECT DISTINCT wa_id FROM messages')).toEqual([{ wa_id: PHONE }]);
  });

  it('a change of BSUID merges the old and new ids; the old one still finds the contact', async () => {
    const r = await receiver();
    await post(r, 'bsuid-only', 'new-number');
    expect(counts(r)).toMatchObject({ contacts: 2, conversations: 2 });
    await post(r, 'user-changed-user-id');
    expect(counts(r)).toMatchObject({ contacts: 1, conversations: 1, messages: 3, events: 1 });
    const store = storeOf(r);
    const contact = await store.resolveContact(NEW);
    expect(contact).toMatchObject({ waId: OLD, userId: NEW, phone: PHONE2 });
    expect(contact.formerIds).toEqual([{ kind: 'user_id', value: OLD }]);
    expect((await store.resolveContact(OLD)).waId).toBe(OLD);
    const [merge] = await store.contactEvents(NEW);
    expect(merge).toMatchObject({
      kind: 'merge',
      detail: { from: PHONE2, why: 'number or user id changed' },
    });
  });

  it('a change of number moves the contact to the new phone; the new number writes into the same conversation', async () => {
    const r = await receiver();
    await post(r, 'phone-only', 'user-changed-number', 'new-number');
    expect(counts(r)).toEqual({ contacts: 1, conversations: 1, messages: 3, labels: 0, events: 0 });
    const contact = await storeOf(r).resolveContact(PHONE2);
    expect(contact).toMatchObject({ waId: PHONE, phone: PHONE2, userId: NEW });
    expect(contact.formerIds).toEqual([
      { kind: 'phone', value: PHONE },
      { kind: 'user_id', value: OLD },
    ]);
  });

  it('the answer to request_contact_info links the shared phone (and merges a contact that had it)', async () => {
    const r = await receiver();
    await post(r, 'phone-only', 'bsuid-only');
    expect(counts(r).contacts).toBe(2);
    await post(r, 'contact-request-answer');
    expect(counts(r)).toMatchObject({ contacts: 1, conversations: 1, messages: 3, events: 1 });
    const contact = await storeOf(r).resolveContact('@meera.bakes');
    expect(contact).toMatchObject({ waId: PHONE, phone: PHONE, userId: OLD });
    const [merge] = await storeOf(r).contactEvents(PHONE);
    expect(merge?.detail).toMatchObject({ why: 'shared phone number' });
  });

  it('a contact card shared by hand links nobody', async () => {
    const r = await receiver();
    const body = fixture('contact-request-answer') as any;
    body.entry[0].changes[0].value.messages[0].contacts[0].origin = 'other';
    await post(r, 'phone-only');
    r.now.value = new Date(r.now.value.getTime() + 60_000);
    expect((await r.post(body)).status).toBe(200);
    expect(counts(r).contacts).toBe(2);
    expect((await storeOf(r).resolveContact(OLD)).phone).toBeNull();
  });
});

describe('marketing opt-outs', () => {
  it('user_preferences stop then resume, with source and time; a late stop does not undo the resume', async () => {
    const r = await receiver();
    await post(r, 'bsuid-only', 'user-preferences-stop');
    const store = storeOf(r);
    expect((await store.resolveContact(OLD)).optOut).toEqual({
      optedOut: true,
      source: 'user_preferences',
      at: '2025-12-05T10:53:20.000Z',
    });
    expect((await store.listContacts({ optedOut: true })).map((c) => c.waId)).toEqual([OLD]);
    await post(r, 'user-preferences-resume');
    expect((await store.resolveContact(OLD)).optOut).toEqual({
      optedOut: false,
      source: 'user_preferences',
      at: '2025-12-05T11:53:20.000Z',
    });
    expect(await store.listContacts({ optedOut: true })).toEqual([]);
    const stop = fixture('user-preferences-stop') as any;
    stop.entry[0].changes[0].value.user_preferences[0].timestamp = 1764935000; // older than the resume
    expect((await r.post(stop)).status).toBe(200);
    expect((await store.resolveContact(OLD)).optOut.optedOut).toBe(false);
    expect((await store.contactEvents(OLD)).map((e) => [e.kind, e.detail.source])).toEqual([
      ['opt_out', 'user_preferences'],
      ['opt_out', 'user_preferences'],
      ['opt_in', 'user_preferences'],
    ]);
  });

  it('a preference for someone unknown creates the contact so the opt-out is kept', async () => {
    const r = await receiver();
    await post(r, 'user-preferences-stop');
    expect((await storeOf(r).resolveContact(OLD)).optOut.optedOut).toBe(true);
  });

  it('a STOP keyword (English, Hindi, Gujarati, Urdu) opts out; the list is a store setting', async () => {
    const r = await receiver();
    const T0 = 1764928800; // the text fixture's time
    const text = (minute: number, body: string) => {
      const payload = ownWebhook('text');
      const message = payload.entry[0].changes[0].value.messages[0];
      message.id = `wamid.K${minute}`;
      message.text.body = body;
      message.timestamp = String(T0 + minute * 60);
      return payload;
    };
    const store = storeOf(r);
    const resume = (minute: number) =>
      store.ingestWebhook([
        {
          receivedAt: new Date(),
          inbound: [],
          echoes: [],
          statuses: [],
          raw: [],
          preferences: [
            {
              identity: { phone: '919876543210' },
              category: 'marketing_messages',
              value: 'resume',
              timestamp: new Date((T0 + minute * 60) * 1000 - 1000),
            },
          ],
        },
      ]);
    const optOut = async () => (await store.resolveContact('919876543210')).optOut;
    expect((await r.post(text(1, 'stop it please'))).status).toBe(200);
    expect((await optOut()).optedOut).toBe(false);
    for (const [i, word] of ['Stop.', 'बंद करो', 'બંધ કરો', 'بند کریں', ' unsubscribe '].entries()) {
      await resume(10 + i);
      expect((await optOut()).optedOut, word).toBe(false);
      expect((await r.post(text(10 + i, word))).status).toBe(200);
      expect(await optOut(), word).toEqual({
        optedOut: true,
        source: 'keyword',
        at: new Date((T0 + (10 + i) * 60) * 1000).toISOString(),
      });
    }
    await store.setSetting('optOut.keywords', ['BAS']);
    await resume(30);
    expect((await r.post(text(30, 'STOP'))).status).toBe(200);
    expect((await optOut()).optedOut).toBe(false);
    expect((await r.post(text(31, 'bas'))).status).toBe(200);
    expect(await optOut()).toMatchObject({ optedOut: true, source: 'keyword' });
  });

  it('error 131050 on a status or on a send opts the contact out', async () => {
    const r = await receiver();
    const store = storeOf(r);
    await store.recordOutbound({
      id: 'wamid.PRICE0000',
      waId: PHONE,
      type: 'template',
      text: 'Diwali offer',
      timestamp: new Date('2025-12-05T10:00:00Z'),
      status: 'accepted',
    });
    await post(r, 'status-failed-131050');
    expect((await store.resolveContact(PHONE)).optOut).toEqual({
      optedOut: true,
      source: 'error:131050',
      at: '2025-12-05T11:26:40.000Z',
    });
    await store.recordOutbound({
      id: 'local.1',
      waId: PHONE2,
      type: 'template',
      text: 'Diwali offer',
      timestamp: new Date('2025-12-05T10:00:00Z'),
      status: 'failed',
      error: { code: 131050, title: 'stopped marketing messages' },
    });
    expect((await store.resolveContact(PHONE2)).optOut).toMatchObject({
      optedOut: true,
      source: 'error:131050',
    });
  });
});

describe('pricing', () => {
  const PRICED: Array<[string, string]> = [
    ['marketing', 'regular'],
    ['utility', 'regular'],
    ['authentication', 'regular'],
    ['authentication_international', 'regular'],
    ['service', 'free_customer_service'],
    ['marketing_lite', 'regular'],
    ['referral_conversion', 'free_entry_point'],
    ['utility', 'free_customer_service'],
  ];

  it('each status stores its pricing on its message, also when the status came before the send', async () => {
    const r = await receiver();
    const store = storeOf(r);
    const send = (i: number) =>
      store.recordOutbound({
        id: `wamid.PRICE${String(i).padStart(4, '0')}`,
        waId: PHONE,
        type: 'template',
        text: null,
        timestamp: new Date('2025-12-05T10:00:00Z'),
        status: 'accepted',
      });
    for (let i = 0; i < 4; i++) await send(i);
    await post(r, 'statuses-pricing');
    for (let i = 4; i < 8; i++) await send(i); // recorded after their status
    await post(r, 'statuses-pricing'); // a redelivery
    const messages = (await store.listMessages({ waId: OLD })).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(messages.map((m) => [m.pricing?.category, m.pricing?.type, m.pricing?.model])).toEqual(
      PRICED.map(([category, type]) => [category, type, 'PMP']),
    );
    expect(messages.map((m) => m.status)).toEqual(Array(8).fill('sent'));
    // a read without pricing (v24.0) keeps what the sent status said
    await store.recordStatus({
      id: 'wamid.PRICE0000',
      status: 'read',
      timestamp: new Date('2025-12-05T11:00:00Z'),
    });
    expect((await store.getMessages(['wamid.PRICE0000']))[0]!.pricing).toEqual({
      model: 'PMP',
      type: 'regular',
      category: 'marketing',
    });
  });
});

describe('account webhooks', () => {
  it('stores account_update, business_capability_update and unknown fields raw; the latest messaging limit', async () => {
    const r = await receiver();
    const store = storeOf(r);
    expect(await store.latestMessagingLimit()).toBeNull();
    await post(r, 'account-update', 'business-capability-update', 'unknown-field');
    expect(r.rows('SELECT field, reason FROM raw_events ORDER BY id')).toEqual([
      { field: 'account_update', reason: 'field' },
      { field: 'business_capability_update', reason: 'field' },
      { field: 'some_field_from_2027', reason: 'field' },
    ]);
    expect(await store.latestMessagingLimit()).toMatchObject({
      limit: 10000,
      field: 'business_capability_update',
      receivedAt: '2025-12-05T12:02:00.000Z',
    });
    const unlimited = fixture('business-capability-update') as any;
    unlimited.entry[0].changes[0].value.max_daily_conversations_per_business = -1;
    unlimited.entry[0].time += 60;
    r.now.value = new Date(r.now.value.getTime() + 60_000);
    expect((await r.post(unlimited)).status).toBe(200);
    expect((await store.latestMessagingLimit())?.limit).toBeNull();
  });

  it('the ingest result names the account fields, merges and opt-outs of a POST', async () => {
    const r = await receiver();
    const store = storeOf(r);
    const [result] = await store.ingestWebhook([
      {
        receivedAt: new Date('2025-12-05T12:00:00Z'),
        inbound: [],
        echoes: [],
        statuses: [],
        raw: [{ field: 'account_update', reason: 'field', payload: { event: 'VERIFIED_ACCOUNT' } }],
        preferences: [
          {
            identity: { userId: OLD },
            category: 'marketing_messages',
            value: 'stop',
            timestamp: new Date('2025-12-05T11:00:00Z'),
          },
        ],
      },
    ]);
    expect(result).toMatchObject({
      accountEvents: ['account_update'],
      optOuts: [{ waId: OLD, optedOut: true, source: 'user_preferences' }],
      merges: [],
    });
  });
});

describe('resolving a contact argument', () => {
  it('not found, ambiguous and malformed are clear errors', async () => {
    const r = await receiver();
    await post(r, 'bsuid-only');
    const store = storeOf(r);
    await expect(store.resolveContact('@nobody')).rejects.toMatchObject({
      kind: 'not-found',
      code: 'contact.not_found',
      message: 'the store knows no contact @nobody',
    });
    await expect(store.resolveContact('919000000000')).rejects.toMatchObject({ code: 'contact.not_found' });
    await expect(store.resolveContact('US.1')).rejects.toMatchObject({ code: 'contact.not_found' });
    await expect(store.resolveContact('hello world')).rejects.toMatchObject({
      kind: 'invalid-input',
      code: 'contact.bad_ref',
    });
    // two contacts with one username (a copy made by hand: WhatsApp gives a username to one user)
    store.db
      .prepare(
        "INSERT INTO contacts (wa_id, username, created_at, updated_at) VALUES ('x', 'meera.bakes', 0, 0)",
      )
      .run();
    await expect(store.resolveContact('@meera.bakes')).rejects.toMatchObject({
      kind: 'invalid-input',
      code: 'contact.ambiguous',
    });
  });

  it('a username that moved to another user leaves the first contact', async () => {
    const r = await receiver();
    await post(r, 'username-only');
    const body = fixture('bsuid-only') as any;
    body.entry[0].changes[0].value.contacts[0].profile.username = 'chai.corner';
    r.now.value = new Date(r.now.value.getTime() + 60_000);
    expect((await r.post(body)).status).toBe(200);
    const store = storeOf(r);
    expect((await store.resolveContact('@chai.corner')).waId).toBe(OLD);
    expect((await store.resolveContact('IN.3300918827364510')).username).toBeNull();
  });
});
