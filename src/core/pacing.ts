// When each message of a campaign may go (cloud-api.md §3): never more than `rate` in any
// one-second window (the number's throughput, 130429 beyond it), never two messages to one recipient
// within 6 s (the pair rate limit, 131056), slower after a 130429 (halved, then recovered step by step)
// and one recipient held back after a 131056. Pure: every call is given the time (ms), nothing sleeps.
//
// Use: for each message, `readyAt(to)` says whether its recipient is held back (pick another one that
// is ready), `reserve(to, now)` books the next slot and returns when to send; report `rateLimited(at)`
// and `pairLimited(to, at)` as the API answers. Slots are handed out in time order, so reserving for a
// recipient held back until later holds everything after it back too.

import { invalidInput } from './errors.js';

export const RATE_MIN = 1;
export const RATE_MAX = 1000;
/** Meta: about one message per 6 s to the same person. */
export const PAIR_GAP_MS = 6000;
const WINDOW_MS = 1000;

export interface PacerOptions {
  /** Messages per second, 1-1000. */
  rate: number;
  /** Between two messages to one recipient (default 6 s). */
  pairGapMs?: number;
  /** How long without a 130429 before the rate goes up one step (default 5 s). */
  recoverAfterMs?: number;
  /** One recovery step, as a share of the target rate (default 0.1). */
  recoverStep?: number;
}

export interface PacerState {
  /** The rate asked for. */
  target: number;
  /** The rate in force now (lower after 130429). */
  current: number;
  /** Recipients held back by a 131056 right now. */
  held: number;
  /** Recipients the pacer remembers (bounded by the last pair gap's sends and 131056s). */
  tracked: number;
}

/** Checks a rate given by a person or the config: a whole number 1-1000. */
export function checkRate(rate: number): number {
  if (!Number.isInteger(rate) || rate < RATE_MIN || rate > RATE_MAX)
    throw invalidInput(
      `the rate must be a whole number of messages per second, ${RATE_MIN}-${RATE_MAX}; got ${rate}`,
      {
        code: 'campaign.bad_rate',
        hint: 'Meta allows 80/s by default, 1,000/s for upgraded numbers, 20/s for numbers shared with the Business app',
      },
    );
  return rate;
}

export class SendPacer {
  readonly target: number;
  readonly #pairGap: number;
  readonly #recoverAfter: number;
  readonly #step: number;
  #current: number;
  /** When the rate last changed (a 130429, or a recovery step). */
  #changedAt = Number.NEGATIVE_INFINITY;
  /** The last `target` slots handed out, ascending. */
  #slots: number[] = [];
  /** Per recipient: the earliest time the next message may go. */
  #notBefore = new Map<string, number>();
  /** Per recipient: 131056s so far (the wait grows 4^n s, as Meta advises). */
  #strikes = new Map<string, number>();
  /** Recipients in the order of their last slot, to forget the ones whose gap is over. */
  #recent: Array<[string, number]> = [];

  constructor(options: PacerOptions) {
    this.target = checkRate(options.rate);
    this.#current = this.target;
    this.#pairGap = options.pairGapMs ?? PAIR_GAP_MS;
    this.#recoverAfter = options.recoverAfterMs ?? 5000;
    this.#step = Math.max(1, Math.ceil(this.target * (options.recoverStep ?? 0.1)));
  }

  /** The rate in force at `now` (recovery steps are taken lazily). */
  rateAt(now: number): number {
    while (this.#current < this.target && now - this.#changedAt >= this.#recoverAfter) {
      this.#current = Math.min(this.target, this.#current + this.#step);
      this.#changedAt += this.#recoverAfter;
    }
    return this.#current;
  }

  /** The earliest time a message to `recipient` may go, judged by the pair limit only. */
  readyAt(recipient: string, now: number): number {
    return Math.max(now, this.#notBefore.get(recipient) ?? now);
  }

  /** Books the next slot for `recipient` at or after `now` and returns it. */
  reserve(recipient: string, now: number): number {
    let at = Math.max(this.readyAt(recipient, now), this.#slots.at(-1) ?? now);
    // the rate can recover while we wait, so settle it at the slot's time
    for (;;) {
      const rate = this.rateAt(at);
      const spaced = (this.#slots.at(-1) ?? Number.NEGATIVE_INFINITY) + WINDOW_MS / rate;
      // the rate-th slot back must be a whole window earlier
      const windowed = (this.#slots[this.#slots.length - rate] ?? Number.NEGATIVE_INFINITY) + WINDOW_MS;
      const next = Math.max(at, spaced, windowed);
      if (next === at) break;
      at = next;
    }
    this.#slots.push(at);
    if (this.#slots.length > this.target) this.#slots.shift();
    this.#notBefore.set(recipient, at + this.#pairGap);
    this.#recent.push([recipient, at]);
    this.#forget(at);
    return at;
  }

  /** The API said 130429 at `at`: halve the rate (at least 1); it recovers a step at a time. */
  rateLimited(at: number): void {
    this.rateAt(at);
    this.#current = Math.max(RATE_MIN, Math.floor(this.#current / 2));
    this.#changedAt = at;
  }

  /**
   * The API said 131056 for `recipient` at `at`: hold that recipient back (6 s, then 16 s, 64 s, … for
   * repeated ones) and return when it may be tried again. Others are not slowed.
   */
  pairLimited(recipient: string, at: number): number {
    const strikes = (this.#strikes.get(recipient) ?? 0) + 1;
    this.#strikes.set(recipient, strikes);
    const until = at + Math.max(this.#pairGap, 4 ** strikes * 1000);
    this.#notBefore.set(recipient, Math.max(until, this.#notBefore.get(recipient) ?? until));
    return until;
  }

  state(now: number): PacerState {
    let held = 0;
    for (const who of this.#strikes.keys()) if ((this.#notBefore.get(who) ?? 0) > now) held++;
    return { target: this.target, current: this.rateAt(now), held, tracked: this.#notBefore.size };
  }

  /** Drops recipients whose gap is over and who have no 131056 against them (bounded memory). */
  #forget(now: number): void {
    while (this.#recent.length > 0 && this.#recent[0]![1] + this.#pairGap <= now) {
      const [who] = this.#recent.shift()!;
      const until = this.#notBefore.get(who);
      if (until !== undefined && until <= now && !this.#strikes.has(who)) this.#notBefore.delete(who);
    }
  }
}
