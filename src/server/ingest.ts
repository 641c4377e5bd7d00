// From parsed webhook events to the store: the mapping (every event has a place: a message, an echo, a
// status, or a raw event), and group commit — the POSTs that arrive close together are written in one
// transaction and all answered once it committed (the 200 still follows the commit).
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebhookEvent } from '../cloud/webhook-events.js';
import { WaboxError } from '../core/errors.js';
import type { IngestResult, Store, WebhookPost } from '../store/store.js';

/** How far past its arrival an event's time may be (clock skew) before it is taken as the arrival time. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/**
 * The store records of one POST's events. `decide` is left for the caller to set. A time further in the
 * future than MAX_FUTURE_SKEW_MS becomes the arrival time (the payload keeps the one sent): a message
 * dated 2200 would otherwise hold the 24-hour window open until 2200.
 */
export function toWebhookPost(events: readonly WebhookEvent[], receivedAt: Date): WebhookPost {
  const post: WebhookPost = { receivedAt, inbound: [], echoes: [], statuses: [], raw: [] };
  const latest = receivedAt.getTime() + MAX_FUTURE_SKEW_MS;
  const when = (t: Date) => (t.getTime() > latest ? receivedAt : t);
  for (const e of events) {
    switch (e.kind) {
      case 'message':
        if (!e.known)
          post.raw.push({
            field: 'messages',
            reason: `unknown message type "${e.type}"`,
            payload: e.payload,
          });
        if (e.direction === 'in') {
          post.inbound.push({
            id: e.id,
            waId: e.waId,
            name: e.name,
            type: e.type,
            text: e.text,
            timestamp: when(e.timestamp),
            replyTo: e.replyTo,
            payload: e.payload,
            phoneNumberId: e.phoneNumberId,
            ref: e.ref,
            referral: e.referral,
            identity: e.identity,
            linkTo: e.linkTo,
          });
        } else {
          post.echoes.push({
            id: e.id,
            waId: e.waId,
            type: e.type,
            text: e.text,
            timestamp: when(e.timestamp),
            status: 'accepted', // stored as `sent`: the business app sent it
            replyTo: e.replyTo,
            payload: e.payload,
            phoneNumberId: e.phoneNumberId,
            identity: e.identity,
          });
        }
        break;
      case 'status': {
        const error = e.errors[0];
        post.statuses.push({
          id: e.id,
          status: e.status as 'sent',
          timestamp: when(e.timestamp),
          waId: e.recipientId ?? e.recipientUserId,
          pricing: e.pricing,
          error:
            error === undefined ? null : { code: error.code, title: error.title, details: error.details },
          payload: e.payload,
        });
        break;
      }
      case 'error':
        post.raw.push({
          field: 'messages',
          reason: `error${e.error.code === null ? '' : ` ${e.error.code}`}: ${e.error.title}`,
          payload: e.error,
          entry: e.entry,
        });
        break;
      case 'raw':
        post.raw.push({ field: e.field, reason: e.reason, payload: e.value, entry: e.entry });
        break;
      case 'link':
        post.links ??= [];
        post.links.push(e.identity);
        break;
      case 'preference':
        post.preferences ??= [];
        post.preferences.push({
          identity: e.identity,
          category: e.category,
          value: e.value,
          detail: e.detail,
          timestamp: when(e.timestamp),
        });
        break;
    }
  }
  return post;
}

interface Waiting {
  post: WebhookPost;
  resolve(result: IngestResult): void;
  reject(err: unknown): void;
}

/**
 * The waits between attempts at a batch while another process holds the store's write lock (~1.3 s in
 * all). The store does not wait itself (its wait would block the event loop: /healthz, other POSTs).
 */
export const BUSY_RETRY_MS: readonly number[] = [10, 20, 40, 80, 160, 320, 640];

/** The store's write lock is held elsewhere (a transient `store.busy` error). */
export function isStoreBusy(err: unknown): boolean {
  return err instanceof WaboxError && err.code === 'store.busy';
}

/** The longest a POST waits for others to share its commit (see GroupCommitter). */
export const COMMIT_WAIT_MS = 2;

/**
 * Group commit: the POSTs that arrive close together are written in one store transaction, one commit
 * and one fsync for all of them.
 *
 * A batch closes at the end of the event-loop turn in which it holds as many POSTs as the previous batch
 * did, or COMMIT_WAIT_MS after its first POST, whichever comes first. Under load the POSTs come in
 * waves: the connections that the last commit answered send their next POSTs one after another, and
 * waiting for the wave makes one fsync cover it instead of several (bench/webhook-ingest.mjs measures
 * it). A lone POST after a lone POST waits for nothing. `write` is the store's ingestWebhook, or a function that prepares the batch (the
 * automatic replies' decision) and calls it.
 */
export class GroupCommitter {
  #queue: Waiting[] = [];
  #scheduled = false;
  #deadline: NodeJS.Timeout | undefined;
  /** The size of the previous batch: how many POSTs the next one waits for. */
  #expected = 0;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(
    private readonly write: Store['ingestWebhook'],
    private readonly maxBatch = 256,
    private readonly maxWaitMs = COMMIT_WAIT_MS,
    private readonly busyRetryMs = BUSY_RETRY_MS,
    /** One batch written at a time (Store.serialWrites): the POSTs that arrive meanwhile make the next. */
    private readonly serial = false,
  ) {}

  /** Resolves once the POST is committed; rejects when its write failed (nothing of it stored). */
  submit(post: WebhookPost): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ post, resolve, reject });
      if (this.#queue.length >= this.maxBatch) this.#flush();
      else if (this.#queue.length < this.#expected)
        this.#deadline ??= setTimeout(() => this.#flush(), this.maxWaitMs);
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    clearTimeout(this.#deadline);
    this.#deadline = undefined;
    if (this.serial && this.#inFlight.size > 0) return; // the write in flight flushes when it ends
    const batch = this.#queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.#expected = batch.length;
    const write = this.#write(batch).finally(() => {
      this.#inFlight.delete(write);
      if (this.serial) this.#flush();
    });
    this.#inFlight.add(write);
  }

  async #write(batch: Waiting[]): Promise<void> {
    let results: Array<IngestResult | { error: unknown }>;
    for (let attempt = 0; ; attempt++) {
      try {
        results = await this.write(batch.map((w) => w.post));
        break;
      } catch (err) {
        const wait = isStoreBusy(err) ? this.busyRetryMs[attempt] : undefined;
        if (wait === undefined) {
          for (const w of batch) w.reject(err);
          return;
        }
        await sleep(wait);
      }
    }
    batch.forEach((w, i) => {
      const r = results[i];
      if (r === undefined) w.reject(new Error('the store returned no result for a webhook POST'));
      else if ('error' in r) w.reject(r.error);
      else w.resolve(r);
    });
  }

  /** Resolves when everything submitted so far is written. */
  async drain(): Promise<void> {
    while (this.#queue.length > 0 || this.#inFlight.size > 0) {
      if (this.#queue.length > 0) this.#flush();
      await Promise.all([...this.#inFlight]);
    }
  }
}
