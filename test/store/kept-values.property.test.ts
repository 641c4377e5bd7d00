// What the inbox keeps on a conversation (unread, last message, last answer, awaiting since, the window's
// last inbound time) equals its recomputation from the messages after any sequence of writes: random
// sequences (fast-check) of inbound messages, sends, failed sends, automatic replies, echoes, statuses
// out of order and redelivered, reads, resolve/reopen, labels, assignment and identity merges.
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';
import type { ContactIdentity, WebhookPost } from '../../src/store/store.js';
import { tempDir } from '../helpers/cli.js';

const T0 = Date.UTC(2026, 5, 1, 9);
const PHONES = ['919800000001', '919800000002', '919800000003'];
const BSUIDS = ['IN.1001', 'IN.1002', 'IN.1003'];
const at = (minute: number) => new Date(T0 + minute * 60_000);

/** A customer as a message names them: by phone, by BSUID, or both (which links the two). */
const who = fc.record({
  phone: fc.option(fc.constantFrom(...PHONES), { nil: undefined }),
  userId: fc.option(fc.constantFrom(...BSUIDS), { nil: undefined }),
});
const identified = who.map((w): ContactIdentity => (w.phone || w.userId ? w : { phone: PHONES[0] }));
const keyOf = (id: ContactIdentity) => (id.phone ?? id.userId)!;
// few ids and minutes, so that redeliveries, ties and late arrivals are common
const wamid = fc.integer({ min: 0, max: 14 });
const minute = fc.integer({ min: 0, max: 40 });

type Event =
  | { kind: 'inbound'; id: number; who: ContactIdentity; minute: number }
  | { kind: 'send'; id: number; who: ContactIdentity; minute: number; failed: boolean }
  | { kind: 'auto'; id: number; who: ContactIdentity; minute: number }
  | { kind: 'echo'; id: number; who: ContactIdentity; minute: number }
  | { kind: 'status'; id: number; status: 'sent' | 'delivered' | 'read' | 'failed'; minute: number }
  | { kind: 'readAll'; who: ContactIdentity }
  | { kind: 'readOne'; id: number }
  | { kind: 'resolve' | 'reopen'; who: ContactIdentity }
  | { kind: 'label'; who: ContactIdentity; label: string; remove: boolean }
  | { kind: 'assign'; who: ContactIdentity; agent: string | null }
  | { kind: 'link'; phone: string; userId: string };

const event: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('inbound' as const), id: wamid, who: identified, minute }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      id: wamid,
      who: identified,
      minute,
      failed: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('auto' as const), id: wamid, who: identified, minute }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('echo' as const), id: wamid, who: identified, minute }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      id: wamid,
      status: fc.constantFrom('sent' as const, 'delivered' as const, 'read' as const, 'failed' as const),
      minute,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('readAll' as const), who: identified }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('readOne' as const), id: wamid }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constantFrom('resolve' as const, 'reopen' as const), who: identified }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('label' as const),
      who: identified,
      label: fc.constantFrom('vip', 'order'),
      remove: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('assign' as const),
      who: identified,
      agent: fc.constantFrom('ravi', null),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('link' as const),
      phone: fc.constantFrom(...PHONES),
      userId: fc.constantFrom(...BSUIDS),
    }),
  },
);

function post(parts: Partial<WebhookPost>): WebhookPost {
  return { receivedAt: at(0), inbound: [], echoes: [], statuses: [], raw: [], ...parts };
}

/** Applies one event as wabox would meet it; refusals of a contact the store does not know are expected. */
async function apply(store: SqliteStore, e: Event): Promise<void> {
  const known = async (id: ContactIdentity) => (await store.getContact(keyOf(id))) !== null;
  switch (e.kind) {
    case 'inbound':
      await store.ingestWebhook([
        post({
          inbound: [
            {
              id: `wamid.in.${e.id}`,
              waId: keyOf(e.who),
              identity: e.who,
              type: 'text',
              text: 'hi',
              timestamp: at(e.minute),
            },
          ],
        }),
      ]);
      return;
    case 'send':
      await store.recordOutbound({
        id: `wamid.out.${e.id}`,
        waId: keyOf(e.who),
        identity: e.who,
        type: 'text',
        text: 'answer',
        timestamp: at(e.minute),
        status: e.failed ? 'failed' : 'accepted',
        ...(e.failed ? { error: { code: 131026, title: 'Message undeliverable' } } : {}),
      });
      return;
    case 'auto':
      await store.recordOutbound({
        id: `wamid.out.${e.id}`,
        waId: keyOf(e.who),
        identity: e.who,
        type: 'text',
        text: 'we are closed',
        timestamp: at(e.minute),
        status: 'accepted',
        reason: 'away',
      });
      return;
    case 'echo':
      await store.ingestWebhook([
        post({
          echoes: [
            {
              id: `wamid.out.${e.id}`,
              waId: keyOf(e.who),
              identity: e.who,
              type: 'text',
              text: 'from the app',
              timestamp: at(e.minute),
              status: 'accepted',
            },
          ],
        }),
      ]);
      return;
    case 'status':
      await store.ingestWebhook([
        post({
          statuses: [
            {
              id: `wamid.out.${e.id}`,
              status: e.status,
              timestamp: at(e.minute),
              ...(e.status === 'failed' ? { error: { code: 131047, title: 'Re-engagement message' } } : {}),
            },
          ],
        }),
      ]);
      return;
    case 'readAll':
      if (await known(e.who)) await store.markConversationRead(keyOf(e.who), at(50));
      return;
    case 'readOne':
      await store.markMessageRead(`wamid.in.${e.id}`, at(50));
      return;
    case 'resolve':
    case 'reopen':
      if (await known(e.who))
        await store.setConversationStatus(keyOf(e.who), e.kind === 'resolve' ? 'resolved' : 'open');
      return;
    case 'label':
      if (!(await known(e.who))) return;
      if (e.remove) await store.removeLabel(keyOf(e.who), e.label);
      else await store.addLabel(keyOf(e.who), e.label);
      return;
    case 'assign':
      if (await known(e.who)) await store.setAssignee(keyOf(e.who), e.agent);
      return;
    case 'link':
      await store.ingestWebhook([post({ links: [{ phone: e.phone, userId: e.userId }] })]);
      return;
  }
}

describe('kept conversation values (property)', () => {
  it('equal their recomputation from the messages after any sequence of events', async () => {
    const dir = tempDir('wabox-kept-');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 40 }), async (events) => {
        const store = openSqliteStore(join(dir, `${run++}.db`), { synchronous: 'NORMAL' });
        try {
          for (const e of events) await apply(store, e);
          expect(await store.checkConversations()).toEqual([]);
        } finally {
          await store.close();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('db check finds a value that drifted and --repair sets it back', async () => {
    const store = openSqliteStore(join(tempDir('wabox-kept-'), 'wabox.db'));
    try {
      await apply(store, { kind: 'inbound', id: 1, who: { phone: PHONES[0] }, minute: 1 });
      await apply(store, { kind: 'send', id: 2, who: { phone: PHONES[0] }, minute: 2, failed: false });
      await apply(store, { kind: 'inbound', id: 3, who: { phone: PHONES[0] }, minute: 3 });
      store.db.prepare('UPDATE conversations SET awaiting_since = NULL, unread = 7').run();
      expect(await store.checkConversations()).toEqual([
        { waId: PHONES[0], field: 'unread', kept: 7, expected: 2 },
        { waId: PHONES[0], field: 'awaiting_since', kept: null, expected: at(3).getTime() },
      ]);
      expect(await store.repairConversations()).toHaveLength(2);
      expect(await store.checkConversations()).toEqual([]);
      const [c] = await store.listConversations({ unanswered: true });
      expect(c).toMatchObject({ unread: 2, awaitingReplySince: at(3).toISOString() });
    } finally {
      await store.close();
    }
  });
});
