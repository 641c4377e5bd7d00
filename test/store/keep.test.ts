// Keeping and erasing data (issue 15 item 8) on both stores: purging old content, exporting one contact,
// forgetting one — and a forgotten contact's old webhook payload, redelivered through the receiver's
// parse and ingest path, stores nothing.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { OutboundRecord } from '../../src/store/store.js';
import { ASHA, ASHA_BSUID, ashaPayload, everything, ingest, PNID } from '../helpers/keep.js';
import { describeStores, type TestStore } from '../helpers/stores.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-20T10:00:00Z');
const OLD = new Date(NOW - 400 * DAY);
const RAVI = '447700900123';
/** Our reply to Asha, sent before her POST came. */
const OUR_SEND: OutboundRecord = {
  id: 'wamid.out.asha',
  waId: ASHA,
  type: 'text',
  text: 'Your cake ships Friday',
  timestamp: OLD,
  status: 'accepted',
  payload: { to: ASHA, text: { body: 'Your cake ships Friday' } },
  phoneNumberId: PNID,
};

await describeStores('keeping and erasing data', (backend) => {
  let store: TestStore;

  beforeEach(async () => {
    store = await backend.open({ now: () => NOW });
    await store.recordOutbound(OUR_SEND);
    await ingest(store, ashaPayload(OLD), OLD);
    await store.addLabel(ASHA, 'vip');
    await store.addNote(ASHA, { author: 'meera', text: 'Asha prefers calls' });
    await store.recordInbound({
      id: 'wamid.ravi.old',
      waId: RAVI,
      name: 'Ravi',
      type: 'text',
      text: 'old news',
      timestamp: new Date(NOW - 500 * DAY),
    });
    await store.recordInbound({
      id: 'wamid.ravi.new',
      waId: RAVI,
      type: 'text',
      text: 'fresh news',
      timestamp: new Date(NOW - DAY),
    });
  });

  afterEach(async () => {
    await store.close();
  });

  it('purge --dry-run counts what would go and changes nothing; purge erases it, rows and counts stay', async () => {
    const before = await everything(backend, store);
    const cutoff = new Date(NOW - 365 * DAY);
    const expected = { before: cutoff.toISOString(), messages: 4, media: 1, statusEvents: 1, rawEvents: 1 };
    expect(await store.purgeContent(cutoff, { dryRun: true })).toEqual({ ...expected, dryRun: true });
    expect(await everything(backend, store)).toBe(before);

    expect(await store.purgeContent(cutoff)).toEqual({ ...expected, dryRun: false });
    const messages = await store.listMessages({ limit: 100 });
    expect(messages.map((m) => [m.id, m.direction, m.type, m.text]).sort()).toEqual([
      ['wamid.asha.image', 'in', 'image', null],
      ['wamid.asha.text', 'in', 'text', null],
      ['wamid.out.asha', 'out', 'text', null],
      ['wamid.ravi.new', 'in', 'text', 'fresh news'],
      ['wamid.ravi.old', 'in', 'text', null],
    ]);
    // the delivery status and its pricing stay; its payload goes
    expect(messages.find((m) => m.id === 'wamid.out.asha')).toMatchObject({
      status: 'delivered',
      pricing: { category: 'service' },
    });
    const after = await everything(backend, store);
    for (const gone of [
      '4 Lake Rd',
      'my passport',
      '1003383421387256',
      'beam me',
      'Your cake ships',
      'old news',
    ])
      expect(after).not.toContain(gone);
    expect(after).toContain('fresh news');
    // contacts, conversations, labels and notes are kept
    expect((await store.listConversations()).map((c) => [c.waId, c.name, c.labels]).sort()).toEqual([
      [RAVI, 'Ravi', []],
      [ASHA, 'Asha Patel', ['vip']],
    ]);
    expect((await store.notes(ASHA)).map((n) => n.text)).toEqual(['Asha prefers calls']);
    expect(await store.checkConversations()).toEqual([]);
    // done is done: nothing left to purge
    expect(await store.purgeContent(cutoff)).toMatchObject({
      messages: 0,
      media: 0,
      statusEvents: 0,
      rawEvents: 0,
    });
  });

  it('export: everything kept about one contact, by any identifier', async () => {
    const doc = await store.exportContact(ASHA_BSUID);
    expect(doc.contact).toMatchObject({ waId: ASHA, phone: ASHA, userId: ASHA_BSUID, name: 'Asha Patel' });
    // the BSUID came with the webhook (stamped with its time), the phone with our send
    expect(doc.identifiers.map((i) => [i.kind, i.value])).toEqual([
      ['user_id', ASHA_BSUID],
      ['phone', ASHA],
    ]);
    expect(doc.labels.map((l) => l.label)).toEqual(['vip']);
    expect(doc.notes).toMatchObject([{ author: 'meera', text: 'Asha prefers calls', waId: ASHA }]);
    expect(doc.conversation).toMatchObject({ waId: ASHA, labels: ['vip'], unread: 2 });
    expect(doc.messages.map((m) => [m.id, m.direction, m.text])).toEqual([
      ['wamid.out.asha', 'out', 'Your cake ships Friday'],
      ['wamid.asha.text', 'in', 'my address is 4 Lake Rd'],
      ['wamid.asha.image', 'in', 'my passport'],
    ]);
    const out = doc.messages[0]!;
    expect(out.payload).toEqual({ to: ASHA, text: { body: 'Your cake ships Friday' } });
    expect(out.phoneNumberId).toBe(PNID);
    expect(out.statuses).toMatchObject([{ status: 'delivered', payload: { recipient_id: ASHA } }]);
    expect(doc.messages[2]!.payload).toMatchObject({ image: { id: '1003383421387256' } });
    expect(doc.otherStatuses).toEqual([]);
    // Ravi's things are not in it
    expect(JSON.stringify(doc)).not.toContain('news');
    await expect(store.exportContact('15550001111')).rejects.toMatchObject({ code: 'contact.not_found' });
  });

  it('forget erases the contact, keeps a record without personal data, and a redelivery stores nothing', async () => {
    const erasure = await store.forgetContact(`${ASHA}`);
    expect(erasure).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      at: new Date(NOW).toISOString(),
      counts: {
        messages: 3,
        media: 1,
        statusEvents: 1,
        autoReplies: 0,
        labels: 1,
        notes: 1,
        identifiers: 2,
        conversations: 1,
        rawEvents: 1,
        // three messages, the raw part without id, her opt-out
        forgottenMessages: 5,
      },
    });
    const personal = [
      ASHA,
      ASHA_BSUID,
      'Asha',
      '4 Lake Rd',
      'passport',
      'beam me',
      'cake',
      'wamid.asha',
      'prefers',
    ];
    const check = async () => {
      const all = await everything(backend, store);
      for (const p of personal) expect(all, p).not.toContain(p);
    };
    await check();
    expect(await backend.rows(store, 'SELECT id, counts FROM erasures')).toEqual([
      { id: erasure.id, counts: JSON.stringify(erasure.counts) },
    ]);
    await expect(store.getContact(ASHA)).resolves.toBeNull();
    // Ravi is untouched
    expect((await store.listMessages({ waId: RAVI })).map((m) => m.text)).toEqual(['fresh news', 'old news']);

    // Meta redelivers the old POST (it retries for days), and our send's record comes late too
    const again = await ingest(store, ashaPayload(OLD), new Date(NOW + 60_000));
    // two messages, a status, a raw part, an opt-out: each one a duplicate, none stored
    expect(again).toMatchObject({ newInbound: [], duplicates: 5, optOuts: [], claims: [], merges: [] });
    expect(await store.recordOutbound(OUR_SEND)).toBe(false);
    expect(
      await store.recordStatus({ id: 'wamid.out.asha', status: 'read', timestamp: OLD, waId: ASHA }),
    ).toBe(false);
    await check();
    expect((await store.listConversations()).map((c) => c.waId)).toEqual([RAVI]);

    // forgotten is not blocked: a new message of hers is a new contact
    expect(
      await store.recordInbound({
        id: 'wamid.asha.later',
        waId: ASHA,
        type: 'text',
        text: 'hi again',
        timestamp: new Date(NOW),
      }),
    ).toBe(true);
    expect((await store.listMessages({ waId: ASHA })).map((m) => m.id)).toEqual(['wamid.asha.later']);
    await expect(store.forgetContact('15550001111')).rejects.toMatchObject({ code: 'contact.not_found' });
  });
});
