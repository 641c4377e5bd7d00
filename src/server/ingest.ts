// From parsed webhook events to the store: the mapping (every event has a place: a message, an echo, a
// status, or a raw event), and group commit — the POSTs that arrive while one write is busy are written
// together in one transaction and all answered once it committed (the 200 still follows the commit).
import type { WebhookEvent } from '../cloud/webhook-events.js';
import type { IngestResult, Store, WebhookPost } from '../store/store.js';

/** The store records of one POST's events. `decide` is left for the caller to set. */
export function toWebhookPost(events: readonly WebhookEvent[], receivedAt: Date): WebhookPost {
  const post: WebhookPost = { receivedAt, inbound: [], echoes: [], statuses: [], raw: [] };
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
            timestamp: e.timestamp,
            replyTo: e.replyTo,
            payload: e.payload,
            phoneNumberId: e.phoneNumberId,
            ref: e.ref,
            referral: e.referral,
          });
        } else {
          post.echoes.push({
            id: e.id,
            waId: e.waId,
            type: e.type,
            text: e.text,
            timestamp: e.timestamp,
            status: 'accepted', // stored as `sent`: the business app sent it
            replyTo: e.replyTo,
            payload: e.payload,
            phoneNumberId: e.phoneNumberId,
          });
        }
        break;
      case 'status': {
        const error = e.errors[0];
        post.statuses.push({
          id: e.id,
          status: e.status as 'sent',
          timestamp: e.timestamp,
          waId: e.recipientId,
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
        });
        break;
      case 'raw':
        post.raw.push({ field: e.field, reason: e.reason, payload: e.value });
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
 * Collects POSTs for one event-loop turn (setImmediate) and writes them in one store transaction.
 * Under load every request whose body finished reading in the same turn shares the commit (and its
 * fsync): while a commit waits for the disk, the next requests queue up in their sockets, and the next
 * turn reads them all. Alone, a POST waits only for the current turn to end. `write` is the store's
 * ingestWebhook, or a function that prepares the batch (the automatic replies' decision) and calls it.
 */
export class GroupCommitter {
  #queue: Waiting[] = [];
  #scheduled = false;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(
    private readonly write: Store['ingestWebhook'],
    private readonly maxBatch = 256,
  ) {}

  /** Resolves once the POST is committed; rejects when its write failed (nothing of it stored). */
  submit(post: WebhookPost): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ post, resolve, reject });
      if (this.#queue.length >= this.maxBatch) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue.splice(0);
    if (batch.length === 0) return;
    const write = this.#write(batch).finally(() => this.#inFlight.delete(write));
    this.#inFlight.add(write);
  }

  async #write(batch: Waiting[]): Promise<void> {
    let results: Array<IngestResult | { error: unknown }>;
    try {
      results = await this.write(batch.map((w) => w.post));
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
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
    if (this.#queue.length > 0) this.#flush();
    await Promise.all([...this.#inFlight]);
  }
}
