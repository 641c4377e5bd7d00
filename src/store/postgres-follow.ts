// Following a PostgreSQL store without polling: the triggers of migration 9 (postgres-schema.ts) NOTIFY at
// each commit; a follow holds one connection of its own that LISTENs first, then takes its starting point,
// then reads what each notification names. Seqs are assigned at insert but transactions commit in any
// order, so "seq > the last one seen" could miss a transaction that commits late with a lower seq: the
// notification names that seq instead. A dropped connection is reopened (LISTEN again, then catch up);
// one that stays down ends the follow with a transient store.unreachable (exit 5).
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { configInvalid } from '../core/errors.js';
import { pause, RecentNumbers } from './follow.js';
import { isUnreachable, type PgDb, unreachable } from './postgres-db.js';
import { MESSAGE_COLUMNS, type MessageRow, messageConditions, toRecord } from './rows.js';
import type { Follow, FollowOptions, MessageFollowFilter, SequencedMessage } from './store.js';

/** Reconnecting: the first wait, the longest, and how long the store may stay unreachable. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 4000;
const GIVE_UP_MS = 30_000;
/** Unreachable errors of the reads in a row (the LISTEN connection fine) before the follow gives up. */
const MAX_READ_FAILURES = 5;
/** Messages read per query. */
const BATCH = 500;
/** Seqs remembered as printed: a notified range may overlap one already read (see RecentNumbers). */
const REMEMBERED = 100_000;

/**
 * The channel of a schema's new messages (`m`) or changed conversations (`c`), as the triggers name it: a
 * channel is an identifier (at most 63 bytes), so a long schema name is replaced by its md5.
 */
export function channelName(kind: 'm' | 'c', schema: string): string {
  const part = Buffer.byteLength(schema) <= 55 ? schema : createHash('md5').update(schema).digest('hex');
  return `wabox_${kind}_${part}`;
}

/** One LISTEN on a connection of its own, reopened when it drops. */
class Listener {
  readonly #db: PgDb;
  readonly #channel: string;
  readonly #signal: AbortSignal;
  #client: pg.Client | null = null;
  #payloads: string[] = [];
  #lost = false;
  #wake: (() => void) | null = null;

  constructor(db: PgDb, channel: string, signal: AbortSignal) {
    this.#db = db;
    this.#channel = channel;
    this.#signal = signal;
    signal.addEventListener('abort', () => this.#poke(), { once: true });
  }

  #poke(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Connects and LISTENs: every notification committed from now on is heard. */
  async open(): Promise<void> {
    const client = await this.#db.connect();
    const lost = () => {
      if (this.#client !== client) return;
      this.#lost = true;
      this.#poke();
    };
    client.on('notification', (n) => {
      if (this.#client !== client || n.channel !== this.#channel) return;
      this.#payloads.push(n.payload ?? '');
      this.#poke();
    });
    client.on('error', lost);
    client.on('end', lost);
    this.#client = client;
    try {
      // a channel is an identifier: quoted, as the triggers' pg_notify(text) spells it
      await client.query(`LISTEN "${this.#channel}"`);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** The reads on the pool failed as if the server were gone: reconnect before the next wait. */
  markLost(): void {
    this.#lost = true;
  }

  /**
   * The payloads heard since the last call (waiting for one); `reconnected` when the connection dropped and
   * was reopened (what was notified in between is lost: catch up); null once the signal aborted.
   */
  async next(): Promise<string[] | 'reconnected' | null> {
    for (;;) {
      if (this.#signal.aborted) return null;
      if (this.#lost) return (await this.#reconnect()) ? 'reconnected' : null;
      if (this.#payloads.length > 0) return this.#payloads.splice(0);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  /** False when the signal aborted meanwhile. */
  async #reconnect(): Promise<boolean> {
    const started = Date.now();
    let wait = RETRY_FIRST_MS;
    for (;;) {
      await this.close();
      this.#lost = false;
      this.#payloads = [];
      try {
        await this.open();
        return true;
      } catch (error) {
        if (!isUnreachable(error)) throw error;
        if (Date.now() - started >= GIVE_UP_MS) throw unreachable(this.#db.location, error);
      }
      await pause(wait, this.#signal);
      if (this.#signal.aborted) return false;
      wait = Math.min(wait * 2, RETRY_MAX_MS);
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }
}

/**
 * Runs `read`; an unreachable error marks the listener lost (the caller keeps its work for after the
 * reconnect) and returns false, unless it happened too often in a row.
 */
function reader(listener: Listener): (read: () => Promise<void>) => Promise<boolean> {
  let failures = 0;
  return async (read) => {
    try {
      await read();
      failures = 0;
      return true;
    } catch (error) {
      if (!isUnreachable(error) || ++failures > MAX_READ_FAILURES) throw error;
      listener.markLost();
      return false;
    }
  };
}

type Range = [lo: number, hi: number];

/** Sorted, overlapping and adjacent ranges joined. */
function merged(ranges: Range[]): Range[] {
  const out: Range[] = [];
  for (const [lo, hi] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = out.at(-1);
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** A messages payload {"min": n, "max": n}; null for anything else. */
function rangeOf(payload: string): Range | null {
  try {
    const { min, max } = JSON.parse(payload) as { min?: unknown; max?: unknown };
    return Number.isSafeInteger(min) && Number.isSafeInteger(max) ? [min as number, max as number] : null;
  } catch {
    return null;
  }
}

/**
 * Throws when the schema lacks migration 9's trigger (a store migrated past 9 without it): without it the
 * follow would wait for notifications that never come.
 */
async function assertNotifies(db: PgDb, table: string, trigger: string): Promise<void> {
  const found = await db.get(
    'SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(@table) AND tgname = @trigger',
    { table, trigger },
  );
  if (found === undefined)
    throw configInvalid(
      `the PostgreSQL store at ${db.location} has no ${trigger} trigger: --follow cannot work`,
      {
        code: 'store.no_notify',
        hint: 'the schema missed migration 9 (live views); run its SQL (src/store/postgres-schema.ts) on it',
      },
    );
}

async function lastSeq(db: PgDb): Promise<number> {
  return (await db.get<{ seq: number | null }>('SELECT max(seq) AS seq FROM messages'))?.seq ?? 0;
}

/** See Store.followMessages; `filter.waId` is a contact key. */
export async function followPgMessages(
  db: PgDb,
  filter: MessageFollowFilter,
  options: FollowOptions,
): Promise<Follow<SequencedMessage[]>> {
  const { signal } = options;
  await assertNotifies(db, 'messages', 'messages_notify');
  const listener = new Listener(db, channelName('m', db.schema), signal);
  await listener.open();
  let high: number;
  try {
    // after LISTEN: a message committed before this is not new; one committed after it is notified
    high = await lastSeq(db);
  } catch (error) {
    await listener.close();
    throw error;
  }
  const printed = new RecentNumbers(REMEMBERED);
  const { where, params } = messageConditions(filter, BATCH, { first: 'm.seq > @after', indexHint: false });
  const sql = `SELECT m.seq, ${MESSAGE_COLUMNS}
    FROM messages m JOIN unnest(@lo::bigint[], @hi::bigint[]) AS r (lo, hi) ON m.seq BETWEEN r.lo AND r.hi
    WHERE ${where.join(' AND ')} ORDER BY m.seq LIMIT @limit`;
  /** The messages of these ranges, in seq order, a batch at a time. */
  async function* read(ranges: Range[]): AsyncGenerator<SequencedMessage[]> {
    const query = { ...params, lo: ranges.map((r) => r[0]), hi: ranges.map((r) => r[1]) };
    for (let after = 0; ; ) {
      const rows = await db.all<MessageRow & { seq: number }>(sql, { ...query, after });
      const fresh = rows.filter((row) => printed.add(row.seq));
      if (fresh.length > 0) yield fresh.map((row) => ({ ...toRecord(row), seq: row.seq }));
      if (rows.length < BATCH) return;
      after = rows.at(-1)!.seq;
    }
  }
  return {
    mode: 'notify',
    async *[Symbol.asyncIterator]() {
      const attempt = reader(listener);
      let todo: Range[] = [];
      try {
        for (;;) {
          const heard = await listener.next();
          if (heard === null) return;
          if (heard === 'reconnected') {
            const caughtUp = high;
            const caught = await attempt(async () => {
              high = Math.max(high, await lastSeq(db));
            });
            if (!caught) continue;
            if (high > caughtUp) todo.push([caughtUp + 1, high]);
          } else {
            for (const range of heard.map(rangeOf)) {
              if (range === null) continue;
              todo.push(range);
              high = Math.max(high, range[1]);
            }
          }
          if (todo.length === 0) continue;
          const batches: SequencedMessage[][] = [];
          const ok = await attempt(async () => {
            for await (const batch of read(merged(todo))) batches.push(batch);
          });
          // what was read is yielded even when a later page failed: the seqs printed are remembered
          yield* batches;
          if (ok) todo = [];
        }
      } finally {
        await listener.close();
      }
    },
  };
}

/** See Store.followConversations. */
export async function followPgConversations(db: PgDb, options: FollowOptions): Promise<Follow<string[]>> {
  await assertNotifies(db, 'conversations', 'conversations_notify_update');
  const listener = new Listener(db, channelName('c', db.schema), options.signal);
  await listener.open();
  const keys = async (sql: string, params?: Record<string, unknown>) =>
    (await db.all<{ wa_id: string }>(sql, params)).map((r) => r.wa_id);
  return {
    mode: 'notify',
    async *[Symbol.asyncIterator]() {
      const attempt = reader(listener);
      try {
        for (;;) {
          const heard = await listener.next();
          if (heard === null) return;
          let changed: string[] = [];
          const ok = await attempt(async () => {
            // after a reconnect, what changed while nobody listened may be a label or a contact's name,
            // which leave no time on the conversation: every conversation is read again
            if (heard === 'reconnected' || heard.includes('*')) {
              changed = await keys('SELECT wa_id FROM conversations');
            } else {
              const set = new Set<string>();
              for (const payload of heard) for (const key of keysOf(payload)) set.add(key);
              changed = [...set];
            }
          });
          if (!ok) continue;
          if (changed.length > 0) yield changed;
        }
      } finally {
        await listener.close();
      }
    },
  };
}

/** A conversations payload: a JSON array of contact keys. */
function keysOf(payload: string): string[] {
  try {
    const keys = JSON.parse(payload) as unknown;
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}
