// A store written by the release before contacts became people (test/fixtures/stores/v2.db, made by
// make-v2.ts with that release's code) opens after the upgrade with everything in place, and its phone
// contacts take in messages that carry a BSUID too.
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_VERSION } from '../../src/store/schema.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';
import { tempDir } from '../helpers/cli.js';

const V2 = resolve(import.meta.dirname, '../fixtures/stores/v2.db');
const ASHA = '919876543210';
const RAVI = '447700900123';

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function upgraded(): SqliteStore {
  const path = join(tempDir('wabox-upgrade-'), 'wabox.db');
  copyFileSync(V2, path);
  const store = openSqliteStore(path);
  stores.push(store);
  return store;
}

describe('upgrading a store of schema 2', () => {
  it('keeps messages, statuses, labels, assignment, automatic replies, settings and raw events', async () => {
    const store = upgraded();
    expect(store.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    const count = (table: string) =>
      (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect({
      messages: count('messages'),
      statuses: count('status_events'),
      labels: count('contact_labels'),
      autoReplies: count('auto_replies'),
      contacts: count('contacts'),
      conversations: count('conversations'),
      raw: count('raw_events'),
    }).toEqual({
      messages: 6,
      statuses: 2,
      labels: 3,
      autoReplies: 2,
      contacts: 2,
      conversations: 2,
      raw: 1,
    });

    const thread = await store.getThread(ASHA, 10);
    expect(thread.messages.map((m) => [m.id, m.direction, m.status, m.reason, m.pricing])).toEqual([
      ['wamid.in.asha.1', 'in', 'received', null, null],
      [`wamid.auto.${ASHA}`, 'out', 'accepted', 'greeting', null],
      ['wamid.out.asha.1', 'out', 'read', null, null],
    ]);
    expect(thread.messages[2]!.statuses.map((s) => s.status)).toEqual(['delivered', 'read']);

    const [ravi, asha] = await store.listConversations();
    expect(asha).toMatchObject({
      waId: ASHA,
      phone: ASHA,
      userId: null,
      username: null,
      name: 'Asha',
      labels: ['cakes', 'vip'],
      assignee: 'meera',
      status: 'open',
    });
    expect(ravi).toMatchObject({ waId: RAVI, phone: RAVI, labels: ['new'], status: 'resolved' });
    // what migration 4 computed for the inbox equals the recomputation, and the views read it
    expect(await store.checkConversations()).toEqual([]);
    expect(asha).toMatchObject({
      unread: 1,
      awaitingReplySince: null,
      lastMessage: { id: 'wamid.out.asha.1', status: 'read' },
    });
    expect(ravi?.lastMessage?.id).toBe('wamid.out.ravi.1');
    expect((await store.getMessages(['wamid.out.ravi.1']))[0]?.error).toEqual({
      code: 131047,
      title: 'Re-engagement message',
    });
    expect(
      store.db.prepare('SELECT kind, state, outbound_wamid FROM auto_replies ORDER BY id').all(),
    ).toEqual([
      { kind: 'greeting', state: 'sent', outbound_wamid: `wamid.auto.${ASHA}` },
      { kind: 'greeting', state: 'sent', outbound_wamid: `wamid.auto.${RAVI}` },
    ]);
    expect(await store.getSetting('autoreply')).toEqual({ greeting: { template: 'welcome' } });
    // an opt-out from before the upgrade keeps its time; where it came from was never recorded
    expect((await store.resolveContact(RAVI)).optOut).toEqual({
      optedOut: true,
      source: 'unknown',
      at: '2026-11-20T10:08:00.000Z',
    });
    expect((await store.resolveContact(ASHA)).optOut.optedOut).toBe(false);
  });

  it('a message with the phone and a BSUID joins the contact from before the upgrade', async () => {
    const store = upgraded();
    const at = new Date('2026-11-21T09:00:00Z');
    await store.ingestWebhook([
      {
        receivedAt: at,
        inbound: [
          {
            id: 'wamid.in.asha.2',
            waId: ASHA,
            identity: { phone: ASHA, userId: 'IN.5512093388776655', username: 'asha.cakes' },
            name: 'Asha',
            type: 'text',
            text: 'Hello again',
            timestamp: at,
          },
        ],
        echoes: [],
        statuses: [],
        raw: [],
      },
    ]);
    const contact = await store.resolveContact('@asha.cakes');
    expect(contact).toMatchObject({ waId: ASHA, phone: ASHA, userId: 'IN.5512093388776655' });
    expect((await store.getThread('IN.5512093388776655', 10)).messages).toHaveLength(4);
    expect((await store.listConversations()).length).toBe(2);
  });
});
