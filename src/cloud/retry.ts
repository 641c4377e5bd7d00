// When and how long to wait before retrying a Cloud API request. Only transient and rate-limit
// failures are retried (cloud-api.md §2.2), with exponential backoff and full jitter
// (delay = random(0, min(cap, base * 2^n))), or exactly what a Retry-After header says; 131056 (pair
// rate limit) waits 4^X seconds for that recipient, as Meta advises (§3). Every wait fits in one
// bounded budget: a retry whose wait would overrun it is not made.

export interface RetryOptions {
  /** Requests in all, the first included (default 5). */
  maxAttempts: number;
  /** First backoff step (default 500 ms). */
  baseDelayMs: number;
  /** The largest single backoff wait (default 8 s); Retry-After and pair waits may be longer. */
  maxDelayMs: number;
  /** Total time for one call, requests and waits included (default 30 s). */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  budgetMs: 30_000,
};

/** Full-jitter exponential backoff for retry number `retry` (0 for the first retry). */
export function backoffDelay(retry: number, options: RetryOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** Meta's pair-rate advice: 4^X seconds, X = 0, 1, 2, ... */
export function pairDelay(x: number): number {
  return 4 ** x * 1000;
}

/**
 * Parses Retry-After: delta seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or
 * unreadable. A date in the past is 0.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Pair-rate state per recipient, shared by every send of one client: after a 131056 the next send to
 * the same recipient waits 4^X s; a success forgets the recipient.
 */
export class PairBackoff {
  readonly #state = new Map<string, { x: number; until: number }>();

  /** Records a 131056 for `to` at `now`; returns the wait before the next try. */
  hit(to: string, now: number): number {
    const x = this.#state.get(to)?.x ?? 0;
    const delay = pairDelay(x);
    this.#state.set(to, { x: x + 1, until: now + delay });
    return delay;
  }

  /** How long a send to `to` should still wait (0 when it may go now). */
  waitFor(to: string, now: number): number {
    const s = this.#state.get(to);
    return s === undefined ? 0 : Math.max(0, s.until - now);
  }

  clear(to: string): void {
    this.#state.delete(to);
  }
}
