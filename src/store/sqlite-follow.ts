// Following a SQLite store: polling, as one file has no change notifications. Writers commit one at a
// time (the write lock), so seq order is commit order and "after the last seq seen" misses nothing.
// PRAGMA data_version changes only when another connection committed: an idle store costs one pragma a poll.
import type Database from 'better-sqlite3';
import { polled } from './follow.js';
import type { Follow, FollowOptions, MessageFollowFilter, SequencedMessage, Store } from './store.js';

/** Messages read per query. */
const BATCH = 500;

export async function followSqliteMessages(
  store: Pick<Store, 'lastMessageSeq' | 'listMessagesAfter'>,
  filter: MessageFollowFilter,
  options: FollowOptions,
): Promise<Follow<SequencedMessage[]>> {
  let after = await store.lastMessageSeq();
  return polled(async () => {
    const batch = await store.listMessagesAfter({ ...filter, afterSeq: after, limit: BATCH });
    if (batch.length === 0) return null;
    after = batch.at(-1)!.seq;
    return batch;
  }, options);
}

/**
 * Each poll after another connection committed reads every conversation's inbox columns (`columns`, a
 * SELECT list over conversations c JOIN contacts ct) and yields the keys whose row differs from the last
 * poll's: exact, and cheap next to the webhook writes that cause it.
 */
export function followSqliteConversations(
  db: Database.Database,
  columns: string,
  options: FollowOptions,
): Follow<string[]> {
  const version = () => db.pragma('data_version', { simple: true }) as number;
  const scan = db.prepare(`SELECT ${columns} FROM conversations c JOIN contacts ct ON ct.wa_id = c.wa_id`);
  const read = () => {
    const rows = new Map<string, string>();
    for (const row of scan.all() as Array<{ wa_id: string }>) rows.set(row.wa_id, JSON.stringify(row));
    return rows;
  };
  let seen = version();
  let last = read();
  return polled(async () => {
    const now = version();
    if (now === seen) return null;
    seen = now;
    const rows = read();
    const changed = [...rows].filter(([key, row]) => last.get(key) !== row).map(([key]) => key);
    last = rows;
    return changed.length === 0 ? null : changed;
  }, options);
}
