// Every inbox view reads a page, not the history (issue 19): the SQL each view runs is captured as the
// store runs it, and SQLite's EXPLAIN QUERY PLAN must show it served by the index meant for it — no scan
// of messages or conversations, no sort of the whole table. Plans are checked twice: as SQLite plans
// without statistics (a store as wabox leaves it) and after ANALYZE (what `PRAGMA optimize` would leave).
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';
import { recomputeSql } from '../../src/store/sqlite-conversation-state.js';
import type { WebhookPost } from '../../src/store/store.js';
import { tempDir } from '../helpers/cli.js';

const CONTACTS = 3000;
const PER_CONTACT = 6;
const T0 = Date.UTC(2026, 0, 1);

interface Captured {
  sql: string;
  params: unknown[];
}

/** Records every statement the store prepares and runs, with its parameters. */
function capture(db: Database.Database): Captured[] {
  const seen: Captured[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    for (const method of ['all', 'get', 'run', 'iterate'] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      Object.defineProperty(statement, method, {
        value: (...params: unknown[]) => {
          seen.push({ sql, params });
          return original(...params);
        },
      });
    }
    return statement;
  }) as typeof db.prepare;
  return seen;
}

const phone = (i: number) => `9198${String(10_000_000 + i)}`;

/** A year of traffic in miniature: messages both ways, answers, automatic replies, failures, statuses. */
async function fill(store: SqliteStore): Promise<void> {
  const posts: WebhookPost[] = [];
  for (let c = 0; c < CONTACTS; c++) {
    const post: WebhookPost = { receivedAt: new Date(T0), inbound: [], echoes: [], statuses: [], raw: [] };
    for (let k = 0; k < PER_CONTACT; k++) {
      const at = new Date(T0 + (c * PER_CONTACT + k) * 60_000);
      if (k % 2 === 0)
        post.inbound.push({
          id: `wamid.in.${c}.${k}`,
          waId: phone(c),
          type: 'text',
          text: `hi ${k}`,
          timestamp: at,
        });
      else if (c % 3 !== 0)
        post.echoes.push({
          id: `wamid.out.${c}.${k}`,
          waId: phone(c),
          type: 'text',
          text: `answer ${k}`,
          timestamp: at,
          status: 'accepted',
          ...(c % 7 === 0 ? { reason: 'away' } : {}),
        });
    }
    if (c % 3 === 1) post.statuses.push({ id: `wamid.out.${c}.1`, status: 'read', timestamp: new Date(T0) });
    if (c % 11 === 0)
      post.statuses.push({ id: `wamid.out.${c}.3`, status: 'failed', timestamp: new Date(T0) });
    posts.push(post);
  }
  for (let i = 0; i < posts.length; i += 500) await store.ingestWebhook(posts.slice(i, i + 500));
  for (let c = 0; c < CONTACTS; c += 10) {
    await store.addLabel(phone(c), c % 20 === 0 ? 'vip' : 'order');
    if (c % 30 === 0) await store.setAssignee(phone(c), 'ravi');
    if (c % 40 === 0) await store.setConversationStatus(phone(c), 'resolved');
  }
  await store.markConversationRead(phone(5));
  for (let c = 0; c < CONTACTS; c += 3) await store.addNote(phone(c), { author: null, text: `note ${c}` });
}

function planOf(db: Database.Database, { sql, params }: Captured): string[] {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as [])) as Array<{ detail: string }>;
  return rows.map((r) => r.detail);
}

/** The plans of every statement `view` ran that reads or writes messages, conversations or notes. */
async function plansOf(
  store: SqliteStore,
  seen: Captured[],
  view: () => Promise<unknown>,
): Promise<string[][]> {
  seen.length = 0;
  await view();
  return seen.filter((c) => /\b(messages|conversations|notes)\b/.test(c.sql)).map((c) => planOf(store.db, c));
}

/** A full pass over messages or conversations, or a sort of one, in any plan line. */
function scans(plan: string[]): string[] {
  return plan.filter(
    (line) =>
      /^SCAN (messages|conversations|notes|m|c|a)$/.test(line) ||
      /^SCAN (messages|conversations|notes|m|c|a) USING (COVERING )?INDEX sqlite_autoindex/.test(line),
  );
}

const KEYSET = { at: T0 + CONTACTS * PER_CONTACT * 30_000, id: CONTACTS * PER_CONTACT };

/** Each view and the indexes one of which must serve it. */
const VIEWS: Array<{
  name: string;
  indexes: RegExp;
  run: (s: SqliteStore) => Promise<unknown>;
}> = [
  { name: 'inbox', indexes: /conversations_recent/, run: (s) => s.listConversations({ limit: 50 }) },
  {
    name: 'inbox --before',
    indexes: /conversations_recent/,
    run: (s) => s.listConversations({ limit: 50, before: KEYSET }),
  },
  {
    name: 'inbox --unread',
    indexes: /conversations_unread/,
    run: (s) => s.listConversations({ unread: true }),
  },
  {
    name: 'inbox --unanswered',
    indexes: /conversations_awaiting/,
    run: (s) => s.listConversations({ unanswered: true }),
  },
  {
    name: 'inbox --status resolved',
    indexes: /conversations_recent/,
    run: (s) => s.listConversations({ status: 'resolved' }),
  },
  {
    name: 'inbox --assigned ravi',
    indexes: /conversations_assignee \(assignee=\?/,
    run: (s) => s.listConversations({ assignee: 'ravi' }),
  },
  {
    name: 'inbox --unassigned --before',
    indexes: /conversations_recent/,
    run: (s) => s.listConversations({ assignee: null, before: KEYSET }),
  },
  {
    name: 'inbox --label vip',
    indexes: /contact_labels_inbox \(label=\?/,
    run: (s) => s.listConversations({ label: 'vip' }),
  },
  {
    name: 'inbox --unread --status open --unassigned',
    indexes: /conversations_unread/,
    run: (s) => s.listConversations({ unread: true, status: 'open', assignee: null }),
  },
  {
    name: 'inbox --label vip --before',
    indexes: /contact_labels_inbox \(label=\? AND \(sort_at,conversation_id\)<\(\?,\?\)\)/,
    run: (s) => s.listConversations({ label: 'vip', before: KEYSET }),
  },
  {
    name: 'inbox --label vip --unread',
    indexes: /contact_labels_inbox|conversations_unread/,
    run: (s) => s.listConversations({ label: 'vip', unread: true }),
  },
  {
    name: 'inbox --unanswered --assigned ravi',
    indexes: /conversations_(awaiting|assignee)/,
    run: (s) => s.listConversations({ unanswered: true, assignee: 'ravi' }),
  },
  {
    name: 'inbox show (conversation, thread, mark read)',
    indexes: /messages_contact_time \(wa_id=\?|sqlite_autoindex_conversations_1 \(wa_id=\?\)/,
    run: async (s) => {
      await s.getConversation(phone(42));
      await s.getThread(phone(42), 20);
      await s.markConversationRead(phone(42));
    },
  },
  {
    name: 'inbox show (notes)',
    indexes: /notes_contact_time \(wa_id=\? AND created_at<\?\)/,
    run: (s) => s.notes(phone(42), { limit: 20 }),
  },
  { name: 'messages list', indexes: /messages_time/, run: (s) => s.listMessages({ limit: 50 }) },
  {
    name: 'messages list --before',
    indexes: /messages_time \(timestamp<\?\)|messages_time \(\(timestamp,seq\)<\(\?,\?\)\)/,
    run: (s) => s.listMessages({ limit: 50, before: KEYSET }),
  },
  {
    name: 'messages list --to',
    indexes: /messages_contact_time \(wa_id=\?/,
    run: (s) => s.listMessages({ waId: phone(42), limit: 50 }),
  },
  {
    name: 'messages list --to --status read',
    indexes: /messages_contact_time \(wa_id=\?/,
    run: (s) => s.listMessages({ waId: phone(42), status: 'read', limit: 50 }),
  },
  {
    name: 'messages list --status failed',
    indexes: /messages_status \(status=\?/,
    run: (s) => s.listMessages({ status: 'failed', limit: 50 }),
  },
  {
    name: 'messages list --since',
    indexes: /messages_time \(timestamp>\?\)/,
    run: (s) => s.listMessages({ since: new Date(T0 + 60_000 * 100), limit: 50 }),
  },
  { name: 'messages list --follow start', indexes: /.*/, run: (s) => s.lastMessageSeq() },
  {
    name: 'costs --since 30d',
    indexes: /messages_time \(timestamp>\?\)/,
    run: (s) => s.pricedMessages({ since: new Date(T0 + 60_000 * 100) }),
  },
];

describe('every view reads an index range (EXPLAIN QUERY PLAN)', () => {
  let store: SqliteStore;
  let seen: Captured[];
  beforeAll(async () => {
    store = openSqliteStore(join(tempDir('wabox-plans-'), 'wabox.db'));
    await fill(store);
    seen = capture(store.db);
  });
  afterAll(async () => {
    await store.close();
  });

  it('the store holds what the views are read against', async () => {
    const count = store.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number };
    expect(count.n).toBeGreaterThan(CONTACTS * 4);
    expect((await store.listConversations({ label: 'vip', limit: 1000 })).length).toBe(CONTACTS / 20);
    expect((await store.listConversations({ unanswered: true, limit: 1 })).length).toBe(1);
  });

  it("recomputing one conversation (merges, late messages) reads only that contact's messages", () => {
    const plan = planOf(store.db, { sql: recomputeSql('c.wa_id = ?'), params: [phone(42)] });
    const reads = plan.filter((l) => /^(SEARCH|SCAN) (m|a|p|messages)\b/.test(l));
    expect(reads.length, plan.join('\n')).toBeGreaterThan(5);
    expect(
      reads.filter((l) => !/USING (COVERING )?INDEX messages_contact_time \(wa_id=\?/.test(l)),
      plan.join('\n'),
    ).toEqual([]);
  });

  for (const statistics of [false, true])
    describe(statistics ? 'after ANALYZE' : 'without statistics', () => {
      beforeAll(() => {
        if (statistics) store.db.exec('ANALYZE');
      });
      for (const view of VIEWS)
        it(view.name, async () => {
          const plans = await plansOf(store, seen, () => view.run(store));
          expect(plans.length, 'the view ran no statement on messages or conversations').toBeGreaterThan(0);
          const lines = plans.flat();
          expect(
            lines.some((l) => view.indexes.test(l)),
            lines.join('\n'),
          ).toBe(true);
          expect(plans.flatMap(scans), lines.join('\n')).toEqual([]);
          expect(
            lines.filter((l) => /TEMP B-TREE FOR ORDER BY/.test(l)),
            lines.join('\n'),
          ).toEqual([]);
        });
    });
});
