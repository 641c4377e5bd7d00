// Following a store (`messages list --follow`, `inbox --follow`): what both backends share. SQLite polls
// (./sqlite-follow.ts); PostgreSQL is told by NOTIFY (./postgres-follow.ts).
import { DEFAULT_FOLLOW_POLL_MS, type Follow, type FollowOptions } from './store.js';

/** Waits `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * A follow that asks `check` every `pollMs` until the signal aborts: each non-null answer is yielded at
 * once and asked again without a pause (there may be more); null waits an interval.
 */
export function polled<T>(check: () => Promise<T | null>, options: FollowOptions): Follow<T> {
  const interval = options.pollMs ?? DEFAULT_FOLLOW_POLL_MS;
  const { signal } = options;
  return {
    mode: 'poll',
    async *[Symbol.asyncIterator]() {
      while (!signal.aborted) {
        const value = await check();
        if (value !== null) yield value;
        else await pause(interval, signal);
      }
    },
  };
}

/**
 * The last `capacity` numbers added (the seqs a follow printed): memory stays flat however long it runs.
 * Only an overlap that far back (a bulk insert's range spanning more) could print a message twice.
 */
export class RecentNumbers {
  readonly #set = new Set<number>();
  readonly #capacity: number;
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** False when `n` is already in; otherwise adds it (forgetting the oldest beyond capacity). */
  add(n: number): boolean {
    if (this.#set.has(n)) return false;
    this.#set.add(n);
    if (this.#set.size > this.#capacity) this.#set.delete(this.#set.values().next().value!);
    return true;
  }
}
