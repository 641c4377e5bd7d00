// Meta batches: one POST may carry several entries, an entry several changes, a change several messages
// from several customers (reference/cloud-api.md §4.4). Every one is stored, once, by a real receiver on
// 127.0.0.1 writing a real SQLite file.
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';

const NOW = new Date('2026-11-20T10:00:00Z');
const CUSTOMERS = 100;

const receivers: Receiver[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const r of receivers.splice(0)) await r.stop().catch(() => undefined);
});

/** Customer i: a distinct Indian mobile number, one message with its own wamid, text and time. */
function customer(i: number) {
  const waId = `9198${String(20_000_000 + i)}`;
  const seconds = Math.floor(NOW.getTime() / 1000) - 3600 + i;
  return {
    waId,
    wamid: `wamid.BATCH${String(i).padStart(4, '0')}`,
    text: `order ${i}, please`,
    timestamp: new Date(seconds * 1000),
    message: {
      from: waId,
      id: `wamid.BATCH${String(i).padStart(4, '0')}`,
      timestamp: String(seconds),
      type: 'text',
      text: { body: `order ${i}, please` },
    },
    contact: { profile: { name: `Customer ${i}` }, wa_id: waId },
  };
}

type Customer = ReturnType<typeof customer>;

/** One change whose value holds the messages (and contacts) of several customers. */
function change(customers: Customer[]) {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
      contacts: customers.map((c) => c.contact),
      messages: customers.map((c) => c.message),
    },
  };
}

describe('a batched webhook POST', () => {
  it('stores all 100 messages of 100 customers, across entries, changes and messages; a redelivery adds nothing', async () => {
    const all = Array.from({ length: CUSTOMERS }, (_, i) => customer(i));
    // entry 1: one change with 60 messages; entry 2: two changes of 20 messages each
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        { id: '419561257915477', changes: [change(all.slice(0, 60))] },
        { id: '419561257915477', changes: [change(all.slice(60, 80)), change(all.slice(80))] },
      ],
    };
    const r = await startReceiver({ now: NOW });
    receivers.push(r);
    const counts = () =>
      Object.fromEntries(
        ['contacts', 'conversations', 'messages'].map((table) => [
          table,
          r.rows<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)[0]!.n,
        ]),
      );

    expect((await r.post(payload)).status).toBe(200);
    expect(counts()).toEqual({ contacts: CUSTOMERS, conversations: CUSTOMERS, messages: CUSTOMERS });
    const store = openSqliteStore(r.env.WABOX_DB!);
    stores.push(store);
    for (const c of all) {
      const [message, ...more] = await store.listMessages({ waId: c.waId, limit: 10 });
      expect(more, c.waId).toEqual([]);
      expect(message, c.waId).toMatchObject({
        id: c.wamid,
        direction: 'in',
        waId: c.waId,
        text: c.text,
        timestamp: c.timestamp.toISOString(),
      });
      expect(await store.getConversation(c.waId), c.waId).toMatchObject({ unread: 1 });
    }

    // Meta redelivers the same bytes when it missed the answer
    expect((await r.post(payload)).status).toBe(200);
    expect(counts()).toEqual({ contacts: CUSTOMERS, conversations: CUSTOMERS, messages: CUSTOMERS });
    expect(r.rows('SELECT wa_id FROM conversations WHERE unread <> 1')).toEqual([]);
  });
});
