// The PostgreSQL webhook ingest in one call (the function ingest_inbound) leaves the store as the general
// path does: the same batches go to two stores, one through the function, the other through the general
// path (a POST with an automatic-reply hook that decides nothing takes it), and every table compares equal.
import { afterAll, expect, it, vi } from 'vitest';
import type { PostgresStore } from '../../src/store/postgres.js';
import {
  type ContactIdentity,
  type IngestResult,
  STOP_KEYWORDS_SETTING,
  type WebhookPost,
} from '../../src/store/store.js';
import { describePg, dropTestSchemas } from '../helpers/pg.js';
import { POSTGRES } from '../helpers/stores.js';

const T = new Date('2026-11-20T10:00:00Z').getTime();
const ASHA = '919876543210';
const BEN = '919812345678';
const CHEN = '447700900123';
const NEW_BSUID = 'IN.7700112233';

function message(
  id: string,
  waId: string,
  minute: number,
  more: { text?: string; identity?: ContactIdentity; name?: string } = {},
) {
  return {
    id,
    waId,
    name: more.name ?? `name of ${waId}`,
    type: 'text',
    text: more.text ?? `hello ${id}`,
    timestamp: new Date(T + minute * 60_000),
    payload: { id, text: { body: more.text ?? `hello ${id}` } },
    ...(more.identity && { identity: more.identity }),
  };
}

function post(...inbound: ReturnType<typeof message>[]): WebhookPost {
  return { receivedAt: new Date(T + 3_600_000), inbound, echoes: [], statuses: [], raw: [] };
}

/** Every table the ingest writes, without the ids a rolled-back attempt may have used (sequences do not roll back). */
async function dump(store: PostgresStore) {
  const rows = (sql: string) => POSTGRES.rows(store, sql);
  return {
    contacts: await rows('SELECT * FROM contacts ORDER BY wa_id'),
    contactIds: await rows('SELECT * FROM contact_ids ORDER BY kind, value'),
    contactEvents: await rows(
      'SELECT wa_id, kind, detail, at, dedupe, created_at FROM contact_events ORDER BY id',
    ),
    messages: await rows(`SELECT wamid, direction, wa_id, type, text, payload, timestamp, status, status_at,
      error, reply_to, reason, phone_number_id, created_at FROM messages ORDER BY seq`),
    conversations: await rows(`SELECT c.wa_id, c.status, c.assignee, c.campaign, c.referral,
      c.last_inbound_at, c.last_outbound_at, c.last_message_at, c.unread, c.handoff_at, c.created_at,
      c.updated_at, m.wamid AS last_wamid, c.last_answer_at, c.awaiting_since, c.response_awaited_since,
      c.response_at FROM conversations c LEFT JOIN messages m ON m.seq = c.last_seq ORDER BY c.id`),
    forgotten: await rows('SELECT count(*)::int AS n FROM forgotten_messages'),
  };
}

await describePg('webhook ingest in one call (postgres)', () => {
  afterAll(dropTestSchemas);

  it('stores every batch as the general path does, and gives back what it does not handle', async () => {
    const now = () => T + 7_200_000;
    const oneCall = (await POSTGRES.open({ now })) as PostgresStore;
    const general = (await POSTGRES.open({ now })) as PostgresStore;
    const tx = vi.spyOn(oneCall.db, 'tx');
    const both = async (batch: WebhookPost[], expectGeneral: boolean) => {
      const viaGeneral = batch.map((p) => ({ ...p, decide: () => null }));
      tx.mockClear();
      const got = await oneCall.ingestWebhook(structuredClone(batch));
      const want = await general.ingestWebhook(viaGeneral);
      // the function's batch needs no transaction of the writer's; a batch given back is written in one
      expect(tx.mock.calls.length > 0).toBe(expectGeneral);
      expect(got).toEqual(want);
      // every table as the general path leaves it, after each batch: a later batch can hide a difference
      expect(await dump(oneCall)).toEqual(await dump(general));
      return got as IngestResult[];
    };
    try {
      // new contacts; one contact twice in a batch (its conversation updated message by message)
      await both(
        [post(message('w.a1', ASHA, 1)), post(message('w.b1', BEN, 2), message('w.a2', ASHA, 3))],
        false,
      );
      // a redelivery, a new contact, and one wamid twice in a batch: stored once
      const again = await both(
        [post(message('w.a1', ASHA, 1)), post(message('w.c1', CHEN, 4)), post(message('w.c1', CHEN, 4))],
        false,
      );
      expect(again.map((r) => [r.newInbound, r.duplicates])).toEqual([
        [[], 1],
        [['w.c1'], 0],
        [[], 1],
      ]);
      // a known customer with a new identifier; a new customer known by a BSUID only
      await both(
        [
          post(message('w.a3', ASHA, 5, { identity: { phone: ASHA, userId: 'IN.5512093388776655' } })),
          post(message('w.n1', NEW_BSUID, 6)),
        ],
        false,
      );
      // known customers, each once (one with a new name, one redelivery): resolved for the whole batch
      await both(
        [
          post(message('w.a6', ASHA, 7), message('w.b3', BEN, 8, { name: 'Ben K' })),
          post(message('w.b1', BEN, 2)),
        ],
        false,
      );
      // a known customer twice in a batch, renamed between: message by message
      await both(
        [post(message('w.a7', ASHA, 9)), post(message('w.a8', ASHA, 10, { name: 'Asha R' }))],
        false,
      );
      // a known customer and a new one in a batch: message by message
      await both([post(message('w.b4', BEN, 11)), post(message('w.d1', '919900112233', 12))], false);
      // a message older than the answer that followed it: the general path recomputes the conversation
      for (const store of [oneCall, general])
        await store.recordOutbound({
          id: 'w.reply',
          waId: BEN,
          type: 'text',
          text: 'hi Ben',
          timestamp: new Date(T + 30 * 60_000),
          status: 'accepted',
        });
      await both([post(message('w.b2', BEN, 20))], true);
      // a stop keyword opts the customer out
      await both([post(message('w.c2', CHEN, 31, { text: 'stop' }))], true);
      // stop keywords changed since the writer read them: the function notices
      for (const store of [oneCall, general]) await store.setSetting(STOP_KEYWORDS_SETTING, ['HALT']);
      await both([post(message('w.a4', ASHA, 32, { text: 'halt' }))], true);
      await both([post(message('w.a5', ASHA, 33, { text: 'stop' }))], false);
      // one message naming two contacts: they are merged on the general path
      await both([post(message('w.m1', BEN, 34, { identity: { phone: BEN, userId: NEW_BSUID } }))], true);
      // a forgotten contact's old message, redelivered, stores nothing
      for (const store of [oneCall, general]) await store.forgetContact(CHEN);
      const forgotten = await both([post(message('w.c1', CHEN, 4))], false);
      expect(forgotten[0]).toMatchObject({ newInbound: [], duplicates: 1 });

      const got = await dump(oneCall);
      expect(got).toEqual(await dump(general));
      expect(got.messages.length).toBeGreaterThan(8);
      expect(got.contactEvents.length).toBeGreaterThan(1);
    } finally {
      await oneCall.close();
      await general.close();
    }
  });
});
