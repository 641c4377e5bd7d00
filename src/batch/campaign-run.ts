// Sends a stored campaign at its pace (`wabox campaign run`): a library, it never prints. Each recipient
// is claimed (`sending`, committed) before its API call and settled after it, so a crash leaves at most
// the messages in flight in doubt and never sends a recipient twice. The store, the message builder and
// the send are given by the caller (this room sees neither the store nor the Cloud API client).
import { checkRate, SendPacer } from '../core/pacing.js';

/** The campaign tables as the runner uses them (the store's `campaigns`). */
export interface CampaignRunTables {
  lease(id: number, owner: string, until: Date): Promise<{ held: boolean; owner: string | null }>;
  due(id: number, at: Date, limit: number): Promise<RunRecipient[]>;
  nextDueAt(id: number): Promise<Date | null>;
  claim(id: number, row: number): Promise<boolean>;
  settle(id: number, row: number, outcome: RunSettlement): Promise<void>;
  /** The campaign's state now: a `paused` or `cancelled` one stops the run. */
  stateOf(id: number): Promise<string | null>;
}

export interface RunRecipient {
  row: number;
  waId: string;
  values: unknown;
  attempts: number;
}

export type RunSettlement =
  | { state: 'accepted'; wamid: string; at: Date }
  | { state: 'failed'; code: number | null; reason: string }
  | { state: 'retry'; code: number | null; reason: string; notBefore: Date };

/** What the runner reads of a send's error (cloud/errors.ts GraphError has these). */
interface SendFailure {
  message?: string;
  graphCode?: number | null;
  retryable?: boolean;
  kind?: string;
  status?: number | null;
}

export type CampaignEvent =
  | { row: number; to: string; status: 'accepted'; wamid: string }
  | { row: number; to: string; status: 'failed'; code: number | null; reason: string }
  | { row: number; to: string; status: 'retry'; code: number | null; reason: string; at: string }
  | { row: number; to: string; status: 'unknown'; reason: string }
  | { event: 'rate'; rate: number; reason: string };

export interface CampaignRunOptions {
  campaignId: number;
  /** Messages per second, 1-1000. */
  rate: number;
  /** Who holds the lease (host, pid). */
  owner: string;
  tables: CampaignRunTables;
  /** The request body for one recipient (biz_opaque_callback_data included). */
  build(recipient: RunRecipient): unknown;
  /** Sends one body; the wamid. Throws the API's error. */
  send(message: unknown): Promise<{ wamid: string }>;
  /** Records the send (or the refusal) in the message store; its failure does not change the outcome. */
  record?(
    recipient: RunRecipient,
    message: unknown,
    outcome: { wamid: string } | { error: unknown },
  ): Promise<void>;
  /** Called for each recipient settled and each change of rate. */
  onEvent?(event: CampaignEvent): void;
  /** Aborting it stops handing out new sends; the ones in flight finish (Ctrl-C). */
  signal?: AbortSignal;
  /** The next time sending is allowed at or after `at` (business hours); always `at` by default. */
  openAt?(at: number): number | null;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A recipient's tries for transient failures before it fails (default 5). */
  maxAttempts?: number;
  /** How long the lease lasts without renewal (default 30 s). */
  leaseMs?: number;
  /**
   * Kept free at the end of every one-second window (default 15 ms): the server counts arrivals, and
   * its clock and ours jitter by a few milliseconds.
   */
  windowMarginMs?: number;
}

export interface CampaignRunResult {
  /** done: nothing left to send; paused: interrupted or paused by `campaign pause`; stopped: an error stops every send. */
  outcome: 'done' | 'paused' | 'cancelled' | 'stopped' | 'closed';
  accepted: number;
  failed: number;
  retried: number;
  /** Sends whose answer never came (the run ended during them): in doubt. */
  inDoubt: number;
  /** The error that stopped every send (token, account locked, template gone). */
  error?: unknown;
  elapsedMs: number;
}

/** Meta codes after which no send can succeed: the token (190), the account locked (131031), the template gone (132001). */
const STOP_CODES = new Set([0, 190, 131031, 132001, 132015, 132016, 133010]);
/** The recipient cannot get this message now; record it and move on. */
const RECIPIENT_CODES = new Set([131049, 131050, 131026, 131051]);
const RATE_LIMITED = new Set([130429, 80007]);
const PAIR_LIMITED = 131056;
const WINDOW_MS = 1000;
const FETCH = 500;
const CHECK_STATE_MS = 1000;

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export async function runCampaign(options: CampaignRunOptions): Promise<CampaignRunResult> {
  const rate = checkRate(options.rate);
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const { tables, campaignId: id } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const leaseMs = options.leaseMs ?? 30_000;
  const margin = options.windowMarginMs ?? 15;
  const pacer = new SendPacer({ rate });
  const emit = options.onEvent ?? (() => {});
  const started = now();
  const result: CampaignRunResult = {
    outcome: 'done',
    accepted: 0,
    failed: 0,
    retried: 0,
    inDoubt: 0,
    elapsedMs: 0,
  };
  // stops handing out sends: the caller's signal, a stop error, or a state change seen in the store
  const halt = new AbortController();
  const onAbort = () => {
    if (result.outcome === 'done') result.outcome = 'paused';
    halt.abort();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const stop = (outcome: CampaignRunResult['outcome'], error?: unknown) => {
    if (result.outcome === 'done') {
      result.outcome = outcome;
      if (error !== undefined) result.error = error;
    }
    halt.abort();
  };

  /** The fire times of the last `rate` sends, oldest first: the one-second window as the server sees it. */
  const fired: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = Math.min(256, Math.max(8, Math.ceil(rate / 4)));
  let lastRate = rate;
  let leaseAt = now();
  let stateAt = now();

  const settle = async (r: RunRecipient, outcome: RunSettlement) => {
    await tables.settle(id, r.row, outcome);
    if (outcome.state === 'accepted') {
      result.accepted++;
      emit({ row: r.row, to: r.waId, status: 'accepted', wamid: outcome.wamid });
    } else if (outcome.state === 'failed') {
      result.failed++;
      emit({ row: r.row, to: r.waId, status: 'failed', code: outcome.code, reason: outcome.reason });
    } else {
      result.retried++;
      emit({
        row: r.row,
        to: r.waId,
        status: 'retry',
        code: outcome.code,
        reason: outcome.reason,
        at: outcome.notBefore.toISOString(),
      });
    }
  };

  const sendOne = async (r: RunRecipient, message: unknown): Promise<void> => {
    let answer: { wamid: string } | { error: unknown };
    try {
      answer = await options.send(message);
    } catch (error) {
      answer = { error };
    }
    const at = now();
    if (options.record) await options.record(r, message, answer).catch(() => {});
    if ('wamid' in answer) return settle(r, { state: 'accepted', wamid: answer.wamid, at: new Date(at) });
    const err = answer.error as SendFailure;
    const code = typeof err?.graphCode === 'number' ? err.graphCode : null;
    const reason = String(err?.message ?? err);
    if (code !== null && RATE_LIMITED.has(code)) {
      pacer.rateLimited(at);
      return settle(r, { state: 'retry', code, reason, notBefore: new Date(at) });
    }
    if (code === PAIR_LIMITED)
      return settle(r, { state: 'retry', code, reason, notBefore: new Date(pacer.pairLimited(r.waId, at)) });
    if (code !== null && RECIPIENT_CODES.has(code)) return settle(r, { state: 'failed', code, reason });
    if ((code !== null && STOP_CODES.has(code)) || err?.kind === 'config') {
      // not sent: back to pending, to go when the cause is fixed
      await tables.settle(id, r.row, { state: 'retry', code, reason, notBefore: new Date(at) });
      stop('stopped', answer.error);
      return;
    }
    if (err?.retryable === true) {
      if (r.attempts >= maxAttempts)
        return settle(r, {
          state: 'failed',
          code,
          reason: `${reason} (after ${r.attempts} tries)`,
        });
      const wait = Math.min(60_000, 500 * 2 ** (r.attempts - 1));
      return settle(r, { state: 'retry', code, reason, notBefore: new Date(at + wait) });
    }
    if (code === null && err?.kind !== 'refused') {
      // no answer from the API (a timeout, a dropped connection): the message may have gone out
      result.inDoubt++;
      emit({ row: r.row, to: r.waId, status: 'unknown', reason });
      return;
    }
    return settle(r, { state: 'failed', code, reason });
  };

  const renew = async (t: number) => {
    if (t - leaseAt < leaseMs / 3) return;
    leaseAt = t;
    const lease = await tables.lease(id, options.owner, new Date(t + leaseMs));
    if (!lease.held)
      stop('stopped', new Error(`the campaign's lease was taken by ${lease.owner ?? 'another run'}`));
  };

  const checkState = async (t: number) => {
    if (t - stateAt < CHECK_STATE_MS) return;
    stateAt = t;
    const state = await tables.stateOf(id);
    if (state === 'paused') stop('paused');
    else if (state === 'cancelled') stop('cancelled');
  };

  try {
    while (!halt.signal.aborted) {
      const t = now();
      await renew(t);
      await checkState(t);
      if (halt.signal.aborted) break;
      const open = options.openAt?.(t) ?? t;
      if (open === null) {
        stop('closed');
        break;
      }
      if (open > t) {
        await sleep(Math.min(open - t, CHECK_STATE_MS), halt.signal);
        continue;
      }
      const batch = await tables.due(id, new Date(t), FETCH);
      if (batch.length === 0) {
        if (inFlight.size > 0) {
          await Promise.race(inFlight);
          continue;
        }
        const next = await tables.nextDueAt(id);
        if (next === null) break;
        await sleep(Math.min(Math.max(0, next.getTime() - now()), CHECK_STATE_MS), halt.signal);
        continue;
      }
      for (const r of batch) {
        if (halt.signal.aborted) break;
        const slot = pacer.reserve(r.waId, now());
        const current = pacer.state(slot).current;
        if (current !== lastRate) {
          emit({
            event: 'rate',
            rate: current,
            reason: current < lastRate ? 'slowed down after 130429' : 'recovering',
          });
          lastRate = current;
        }
        if (slot > now()) await sleep(slot - now(), halt.signal);
        if (halt.signal.aborted) break;
        while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
        // the window as the server counts it: `current` sends in any second, with a margin for jitter
        const windowed = fired.length >= current ? fired[fired.length - current]! + WINDOW_MS + margin : 0;
        if (windowed > now()) await sleep(windowed - now(), halt.signal);
        if (halt.signal.aborted) break;
        const message = options.build(r);
        if (!(await tables.claim(id, r.row))) continue;
        fired.push(now());
        if (fired.length > rate) fired.shift();
        const p = sendOne({ ...r, attempts: r.attempts + 1 }, message).finally(() => inFlight.delete(p));
        inFlight.add(p);
        const t2 = now();
        await renew(t2);
        await checkState(t2);
      }
    }
  } finally {
    await Promise.allSettled(inFlight);
    options.signal?.removeEventListener('abort', onAbort);
    result.elapsedMs = now() - started;
  }
  return result;
}
