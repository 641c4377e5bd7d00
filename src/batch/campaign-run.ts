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
  /** pending → sending for each row, in one commit; the rows claimed. */
  claimMany(id: number, rows: readonly number[]): Promise<number[]>;
  /** What became of claimed rows, in one commit. */
  settleMany(id: number, outcomes: ReadonlyArray<{ row: number; outcome: RunSettlement }>): Promise<void>;
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
  /**
   * Records sends (and refusals) in the message store, a group at a time, before they are settled; its
   * failure does not change the outcome.
   */
  record?(
    sends: ReadonlyArray<{
      recipient: RunRecipient;
      message: unknown;
      outcome: { wamid: string } | { error: unknown };
    }>,
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
   * Kept free at the end of every one-second window (default 10 ms): the server counts arrivals, which
   * the run knows only to within its clock's granularity.
   */
  windowMarginMs?: number;
  /** How long outcomes wait to be committed together (default 50 ms): one commit per group, not per send. */
  flushMs?: number;
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
const CATCH_UP_MS = 100;
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

/** The most sends a run at `rate` has waiting for an answer (give the HTTP client as many connections). */
export function sendsInFlight(rate: number): number {
  return Math.min(256, Math.max(8, Math.ceil(rate / 4)));
}

/** Lets pending I/O callbacks and request writes run first. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runCampaign(options: CampaignRunOptions): Promise<CampaignRunResult> {
  const rate = checkRate(options.rate);
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const { tables, campaignId: id } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const leaseMs = options.leaseMs ?? 30_000;
  const margin = options.windowMarginMs ?? 10;
  const flushMs = options.flushMs ?? 50;
  // a 130429 halves the rate; back to the target within about 5 s, as the window holds it anyway
  const pacer = new SendPacer({ rate, recoverAfterMs: 1000, recoverStep: 0.2 });
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
  const stop = (outcome: CampaignRunResult['outcome'], error?: unknown) => {
    if (result.outcome === 'done') {
      result.outcome = outcome;
      if (error !== undefined) result.error = error;
    }
    halt.abort();
  };
  const onAbort = () => stop('paused');
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  /**
   * The last `rate` sends, oldest first, each at the latest time the server can have seen it: when it
   * left, or once answered, the answer's time less half the fastest round trip (a server that stalled
   * counted it late, and its answer says so). The one-second window as the server sees it.
   */
  const fired: Array<{ at: number }> = [];
  let fastestRoundTrip = Number.POSITIVE_INFINITY;
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = sendsInFlight(rate);
  // claimed together, a group's worth of time ahead (at most this many are in doubt after a crash)
  const claimGroup = Math.max(1, Math.ceil((rate * flushMs) / 1000));
  let lastRate = rate;
  let lastSlot = Number.NEGATIVE_INFINITY;
  let leaseAt = now();
  let stateAt = now();

  // outcomes wait here to be recorded and settled in one commit
  type Done = {
    recipient: RunRecipient;
    message: unknown;
    answer: { wamid: string } | { error: unknown };
    settlement: RunSettlement | null;
  };
  let pending: Done[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): Promise<void> => {
    if (flushTimer !== undefined) clearTimeout(flushTimer);
    flushTimer = undefined;
    const group = pending;
    pending = [];
    flushing = flushing.then(async () => {
      if (group.length === 0) return;
      await yieldToIo();
      if (options.record) {
        const sends = group.map((d) => ({ recipient: d.recipient, message: d.message, outcome: d.answer }));
        await options.record(sends).catch(() => {});
      }
      const settled = group.filter((d): d is Done & { settlement: RunSettlement } => d.settlement !== null);
      await tables.settleMany(
        id,
        settled.map((d) => ({ row: d.recipient.row, outcome: d.settlement })),
      );
      for (const d of settled) report(d.recipient, d.settlement);
    });
    return flushing;
  };
  const queue = (d: Done) => {
    pending.push(d);
    if (pending.length >= claimGroup * 4) void flush();
    else flushTimer ??= setTimeout(() => void flush(), flushMs);
  };

  const report = (r: RunRecipient, outcome: RunSettlement) => {
    if (outcome.state === 'accepted') {
      result.accepted++;
      emit({ row: r.row, to: r.waId, status: 'accepted', wamid: outcome.wamid });
    } else if (outcome.state === 'failed') {
      result.failed++;
      emit({ row: r.row, to: r.waId, status: 'failed', code: outcome.code, reason: outcome.reason });
    } else if (outcome.code !== null && STOP_CODES.has(outcome.code)) {
      // not sent, back to pending for a later run: no event of its own
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

  /** What to record of one answer: the recipient's new state, or null to leave it `sending` (in doubt). */
  const judge = (
    r: RunRecipient,
    answer: { wamid: string } | { error: unknown },
    at: number,
  ): RunSettlement | null => {
    if ('wamid' in answer) return { state: 'accepted', wamid: answer.wamid, at: new Date(at) };
    const err = answer.error as SendFailure;
    const code = typeof err?.graphCode === 'number' ? err.graphCode : null;
    const reason = String(err?.message ?? err);
    if (code !== null && RATE_LIMITED.has(code)) {
      pacer.rateLimited(at);
      return { state: 'retry', code, reason, notBefore: new Date(at) };
    }
    if (code === PAIR_LIMITED)
      return { state: 'retry', code, reason, notBefore: new Date(pacer.pairLimited(r.waId, at)) };
    if (code !== null && RECIPIENT_CODES.has(code)) return { state: 'failed', code, reason };
    if ((code !== null && STOP_CODES.has(code)) || err?.kind === 'config') {
      stop('stopped', answer.error);
      // not sent: back to pending, to go when the cause is fixed
      return { state: 'retry', code: code ?? 0, reason, notBefore: new Date(at) };
    }
    if (err?.retryable === true) {
      if (r.attempts >= maxAttempts)
        return { state: 'failed', code, reason: `${reason} (after ${r.attempts} tries)` };
      return {
        state: 'retry',
        code,
        reason,
        notBefore: new Date(at + Math.min(60_000, 500 * 2 ** (r.attempts - 1))),
      };
    }
    if (code === null && err?.kind !== 'refused') {
      // no answer from the API (a timeout, a dropped connection): the message may have gone out
      result.inDoubt++;
      emit({ row: r.row, to: r.waId, status: 'unknown', reason });
      return null;
    }
    return { state: 'failed', code, reason };
  };

  const sendOne = async (r: RunRecipient, message: unknown, seen: { at: number }): Promise<void> => {
    let answer: { wamid: string } | { error: unknown };
    const left = now();
    try {
      answer = await options.send(message);
    } catch (error) {
      answer = { error };
    }
    const answered = now();
    fastestRoundTrip = Math.min(fastestRoundTrip, answered - left);
    seen.at = Math.max(seen.at, answered - fastestRoundTrip / 2);
    queue({ recipient: r, message, answer, settlement: judge(r, answer, answered) });
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

  /** Claimed rows that were not sent after all go back to pending at once. */
  const unclaim = async (rows: readonly RunRecipient[]) => {
    await tables.settleMany(
      id,
      rows.map((r) => ({
        row: r.row,
        outcome: {
          state: 'retry',
          code: null,
          reason: 'not sent: the run stopped first',
          notBefore: new Date(now()),
        },
      })),
    );
  };

  const fire = async (r: RunRecipient, message: unknown): Promise<boolean> => {
    // booked from the schedule, not from the clock: a timer that fires late is made up for by the next
    // sends (a little at a time; the window below still holds every second to the rate)
    const slot = pacer.reserve(r.waId, Math.max(lastSlot, now() - CATCH_UP_MS));
    lastSlot = slot;
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
    while (inFlight.size >= maxInFlight && !halt.signal.aborted) await Promise.race(inFlight);
    // the window as the server counts it: `current` sends in any second, with a margin for jitter
    const windowed = fired.length >= current ? fired[fired.length - current]!.at + WINDOW_MS + margin : 0;
    if (windowed > now()) await sleep(windowed - now(), halt.signal);
    if (halt.signal.aborted) return false;
    const seen = { at: now() };
    const p = sendOne(r, message, seen).finally(() => inFlight.delete(p));
    inFlight.add(p);
    // the request reaches the socket before anything else runs (a commit blocks the thread), and the
    // window counts from then
    await yieldToIo();
    seen.at = Math.max(seen.at, now());
    fired.push(seen);
    if (fired.length > rate) fired.shift();
    return true;
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
        if (inFlight.size > 0 || pending.length > 0) {
          await Promise.all([...inFlight]);
          await flush();
          continue;
        }
        const next = await tables.nextDueAt(id);
        if (next === null) break;
        await sleep(Math.min(Math.max(0, next.getTime() - now()), CHECK_STATE_MS), halt.signal);
        continue;
      }
      for (let i = 0; i < batch.length && !halt.signal.aborted; i += claimGroup) {
        const group = batch.slice(i, i + claimGroup);
        // built before the claim: a row that cannot be built fails without a send
        const built: Array<{ r: RunRecipient; message: unknown }> = [];
        const unbuildable: Array<{ row: number; outcome: RunSettlement }> = [];
        for (const r of group)
          try {
            built.push({ r, message: options.build(r) });
          } catch (err) {
            unbuildable.push({
              row: r.row,
              outcome: { state: 'failed', code: null, reason: String((err as Error)?.message ?? err) },
            });
          }
        const claimed = new Set(
          await tables.claimMany(
            id,
            group.map((r) => r.row),
          ),
        );
        if (unbuildable.length > 0) {
          await tables.settleMany(
            id,
            unbuildable.filter((u) => claimed.has(u.row)),
          );
          for (const u of unbuildable)
            if (claimed.has(u.row)) report(group.find((r) => r.row === u.row)!, u.outcome);
        }
        const toSend = built
          .filter((b) => claimed.has(b.r.row))
          .map((b) => ({ ...b, r: { ...b.r, attempts: b.r.attempts + 1 } }));
        for (let k = 0; k < toSend.length; k++) {
          if (!(await fire(toSend[k]!.r, toSend[k]!.message))) {
            await unclaim(toSend.slice(k).map((b) => b.r));
            break;
          }
        }
        const t2 = now();
        await renew(t2);
        await checkState(t2);
      }
    }
  } finally {
    await Promise.allSettled(inFlight);
    await flush();
    options.signal?.removeEventListener('abort', onAbort);
    result.elapsedMs = now() - started;
  }
  return result;
}
