// Automatic replies while the receiver runs: greeting, away (business hours), keywords,
// hand-off. The decision is pure (core/autoreply.ts) and is taken INSIDE the ingest transaction, so the
// claim rows (auto_replies, UNIQUE (inbound_wamid, reason)) commit together with the message, before
// the 200. Sending happens after the 200, in the background:
//   claim (pending, committed with the message) -> take (compare-and-set) -> send -> sent | failed.
// A redelivered webhook finds the message stored and decides nothing; a claim already inserted is never
// inserted again; a claim is sent only by whoever took it. After a restart, claims never taken are sent
// (if still fresh); a claim taken but not finished (the process died during the request) is marked
// failed and NOT retried: it may have gone out, and "never twice" wins over "at least once".
import { randomUUID } from 'node:crypto';
import { addressTo, buildMessage, type Envelope, type OutgoingMessage } from '../cloud/messages.js';
import {
  type AutoReplySettings,
  anyAutoReply,
  decideAutoReplies,
  guessLanguage,
  normalizeSettings,
  replyReason,
  SETTINGS_KEY,
} from '../core/autoreply.js';
import { isBsuid } from '../core/contact-id.js';
import { type BusinessHours, hoursStatus } from '../core/hours.js';
import { findAutoReply, findTemplate, renderTemplate, type Template } from '../core/template.js';
import type {
  AutoReplyPlan,
  AutoReplyRecord,
  InboundRecord,
  MessageError,
  Store,
  WebhookPost,
} from '../store/store.js';
import type { WebhookLogger } from './webhook-server.js';

/** Messages older than this when they reach the receiver (a backlog after downtime) get no automatic reply. */
export const MAX_MESSAGE_AGE_MS = 60 * 60 * 1000;
/** A pending claim not sent within this time after a restart is given up (skipped). */
export const MAX_CLAIM_AGE_MS = 60 * 60 * 1000;
/** A taken claim still pending after this long was interrupted (the sender died): marked failed. */
export const INTERRUPTED_AFTER_MS = 5 * 60 * 1000;

export interface AutoReplyLibrary {
  templates: readonly Template[];
  /** Undefined when no business hours are set: then the business counts as open (no away message). */
  hours: BusinessHours | undefined;
}

export interface AutoReplyEngineOptions {
  store: Store;
  /** The current templates and hours (the caller reloads them when their files change). */
  library(): Promise<AutoReplyLibrary>;
  /** Sends one message through the Cloud API; returns its wamid. */
  send(message: OutgoingMessage): Promise<{ id: string }>;
  /** The business phone number id recorded with what is sent, if known. */
  phoneNumberId?: () => string | null;
  /** {{business.name}} and {{agent.name}} in templates. */
  businessName?: string | null;
  agentName?: string | null;
  /** Zone for {{today}} when no business hours are set. */
  timeZone: string;
  /** Log what would be sent; send nothing (claims are stored as `dry-run`). */
  dryRun: boolean;
  logger: WebhookLogger;
  clock?: () => Date;
  /** Removes secrets from error messages that get stored and logged. */
  mask?: (text: string) => string;
  /** How long the settings read from the store are reused (default 1 s). */
  settingsTtlMs?: number;
}

interface ClaimContext {
  name: string | null;
  text: string | null;
}

export class AutoReplyEngine {
  readonly #o: AutoReplyEngineOptions;
  readonly #clock: () => Date;
  readonly #mask: (text: string) => string;
  /** One chain per contact: a contact's replies go out in order, one at a time. */
  readonly #chains = new Map<string, Promise<void>>();
  readonly #contexts = new Map<number, ClaimContext>();
  /** Claims queued or being sent by this process. */
  readonly #queued = new Map<number, AutoReplyRecord>();
  /** Claims taken by this process and not finished: their request to the Cloud API is in flight. */
  readonly #sending = new Set<number>();
  /** Set by abandon(): what is still in flight ends without a word (the store may be closed). */
  #abandoned = false;
  #settings: { value: AutoReplySettings; at: number } | undefined;
  #warned = new Set<string>();

  constructor(options: AutoReplyEngineOptions) {
    this.#o = options;
    this.#clock = options.clock ?? (() => new Date());
    this.#mask = options.mask ?? ((t) => t);
  }

  async settings(): Promise<AutoReplySettings> {
    const now = this.#clock().getTime();
    if (this.#settings && now - this.#settings.at < (this.#o.settingsTtlMs ?? 1000))
      return this.#settings.value;
    const value = normalizeSettings(await this.#o.store.getSetting(SETTINGS_KEY));
    this.#settings = { value, at: now };
    return value;
  }

  /**
   * The decision hooks of a batch of POSTs (WebhookPost.decide, one per POST from its arrival time), or
   * undefined when every automatic reply is off. A hook runs inside the store's transaction: pure, fast,
   * never throws (a failure is logged, the message is still stored).
   */
  async decider(): Promise<((receivedAt: Date) => NonNullable<WebhookPost['decide']>) | undefined> {
    const settings = await this.settings();
    if (!anyAutoReply(settings)) return undefined;
    let library: AutoReplyLibrary;
    try {
      library = await this.#o.library();
    } catch (err) {
      // the messages are still stored: a broken templates or hours file never loses an event
      this.#o.logger.error(
        { err: this.#errorText(err) },
        'no automatic replies: cannot read the templates or hours',
      );
      return undefined;
    }
    return (receivedAt) => (message, facts) => {
      try {
        return this.#plan(message, facts, settings, library, receivedAt);
      } catch (err) {
        this.#o.logger.error(
          { wamid: message.id, err: this.#errorText(err) },
          'automatic reply decision failed',
        );
        return null;
      }
    };
  }

  #plan(
    message: InboundRecord,
    facts: Parameters<typeof decideAutoReplies>[2],
    settings: AutoReplySettings,
    library: AutoReplyLibrary,
    receivedAt: Date,
  ): AutoReplyPlan | null {
    if (receivedAt.getTime() - message.timestamp.getTime() > MAX_MESSAGE_AGE_MS) {
      this.#o.logger.info({ wamid: message.id }, 'no automatic reply: the message is more than an hour old');
      return null;
    }
    const hours = library.hours
      ? hoursStatus(library.hours, message.timestamp)
      : { open: true, nextOpen: null as string | null };
    const decision = decideAutoReplies(message, settings, facts, {
      open: hours.open,
      nextOpen: hours.nextOpen,
    });
    const replies: AutoReplyPlan['replies'] = [];
    for (const reply of decision.replies) {
      if (reply.reason === 'keyword') {
        if (!this.#has(library.templates, reply.reply)) continue;
        replies.push({ kind: 'keyword', reason: replyReason(reply), rule: reply.reply });
      } else {
        if (!library.templates.some((t) => t.kind === reply.reason)) {
          this.#warnOnce(
            `no-${reply.reason}`,
            `${reply.reason} messages are on but there is no ${reply.reason} template: add one with wabox template add --kind ${reply.reason}`,
          );
          continue;
        }
        replies.push({
          kind: reply.reason,
          reason: reply.reason,
          rule: reply.reason === 'away' ? reply.period : null,
        });
      }
    }
    if (replies.length === 0 && !decision.handoff) return null;
    return { replies, handoff: decision.handoff, state: this.#o.dryRun ? 'dry-run' : 'pending' };
  }

  #has(templates: readonly Template[], ref: string): boolean {
    try {
      findTemplate(templates, ref);
      return true;
    } catch {
      this.#warnOnce(
        `no-template-${ref}`,
        `a keyword rule answers with ${ref}, which is not in the template library`,
      );
      return false;
    }
  }

  /**
   * Sends (or, in a dry run, logs) the claims of one POST in the background. `messages` gives the
   * contact names and texts for the templates.
   */
  dispatch(claims: readonly AutoReplyRecord[], messages: readonly InboundRecord[] = []): void {
    for (const claim of claims) {
      const m = messages.find((x) => x.id === claim.inboundWamid);
      if (m) this.#contexts.set(claim.id, { name: m.name ?? null, text: m.text });
      this.#enqueue(claim);
    }
  }

  #enqueue(claim: AutoReplyRecord): void {
    if (this.#queued.has(claim.id)) return;
    this.#queued.set(claim.id, claim);
    const previous = this.#chains.get(claim.waId) ?? Promise.resolve();
    const next = previous
      .then(() => this.#run(claim))
      .catch((err: unknown) => {
        if (!this.#abandoned)
          this.#o.logger.error({ id: claim.id, err: this.#errorText(err) }, 'automatic reply failed');
      })
      .finally(() => {
        this.#contexts.delete(claim.id);
        this.#queued.delete(claim.id);
        this.#sending.delete(claim.id);
        if (this.#chains.get(claim.waId) === next) this.#chains.delete(claim.waId);
      });
    this.#chains.set(claim.waId, next);
  }

  async #run(claim: AutoReplyRecord): Promise<void> {
    if (this.#abandoned) return;
    const log = { id: claim.id, wamid: claim.inboundWamid, reason: claim.reason };
    if (claim.state === 'dry-run') {
      const text = await this.#render(claim).catch(
        (err: unknown) => `(cannot render: ${this.#errorText(err)})`,
      );
      this.#o.logger.info({ ...log, text }, 'dry run: automatic reply NOT sent');
      return;
    }
    if (!(await this.#o.store.takeAutoReply(claim.id, this.#clock()))) {
      this.#o.logger.info(log, 'automatic reply already taken');
      return;
    }
    this.#sending.add(claim.id);
    let message: OutgoingMessage | undefined;
    let text: string | null = null;
    try {
      text = await this.#render(claim);
      message = buildMessage(await this.#address(claim.waId), { type: 'text', body: text });
      const sent = await this.#o.send(message);
      const recorded = await this.#o.store.finishAutoReply(claim.id, {
        state: 'sent',
        outbound: {
          id: sent.id,
          waId: claim.waId,
          type: 'text',
          text,
          timestamp: this.#clock(),
          status: 'accepted',
          reason: claim.reason,
          payload: message,
          phoneNumberId: this.#o.phoneNumberId?.() ?? null,
        },
      });
      this.#o.logger.info({ ...log, sent: sent.id }, 'automatic reply sent');
      if (!recorded)
        this.#o.logger.warn(
          { ...log, sent: sent.id },
          'the store already holds a message with the wamid the Cloud API gave this reply: not recorded again (a mock server that answers every send with the same wamid?)',
        );
    } catch (err) {
      const error = this.#messageError(err);
      await this.#o.store.finishAutoReply(claim.id, {
        state: 'failed',
        error,
        ...(message === undefined
          ? {}
          : {
              outbound: {
                id: `local.${randomUUID()}`,
                waId: claim.waId,
                type: 'text',
                text,
                timestamp: this.#clock(),
                status: 'failed' as const,
                error,
                reason: claim.reason,
                payload: message,
                phoneNumberId: this.#o.phoneNumberId?.() ?? null,
              },
            }),
      });
      this.#o.logger.warn({ ...log, err: error.title, code: error.code }, 'automatic reply failed');
    }
  }

  /** The text of a claim: its template rendered for the contact, {{next_open}} from the closed period. */
  async #render(claim: AutoReplyRecord): Promise<string> {
    const library = await this.#o.library();
    const context = this.#contexts.get(claim.id) ?? (await this.#lookup(claim));
    let template: Template | undefined;
    if (claim.kind === 'keyword') template = findTemplate(library.templates, claim.rule ?? '');
    else {
      const kind = claim.kind;
      template =
        findAutoReply(library.templates, kind, guessLanguage(context.text)) ??
        library.templates.find((t) => t.kind === kind);
      if (!template) throw new Error(`there is no ${kind} template`);
    }
    const nextOpen = claim.kind === 'away' && claim.rule ? new Date(claim.rule) : null;
    return renderTemplate(template, {
      contact: { name: context.name, phone: isBsuid(claim.waId) ? null : `+${claim.waId}` },
      business: { name: this.#o.businessName ?? null },
      agent: { name: this.#o.agentName ?? null },
      now: this.#clock(),
      timeZone: library.hours?.timeZone ?? this.#o.timeZone,
      nextOpen: nextOpen && Number.isFinite(nextOpen.getTime()) ? nextOpen : null,
      hours: library.hours ?? null,
    }).text;
  }

  /** The contact's phone when the store knows it, else their BSUID (the key itself for older contacts). */
  async #address(waId: string): Promise<Envelope> {
    const contact = await this.#o.store.getContact(waId);
    if (contact !== null) return addressTo(contact);
    return isBsuid(waId) ? { recipient: waId } : { to: `+${waId}` };
  }

  /** After a restart: the name and text of a claim's message from the store. */
  async #lookup(claim: AutoReplyRecord): Promise<ClaimContext> {
    const [message] = await this.#o.store.getMessages([claim.inboundWamid]);
    const conversation = await this.#o.store.getConversation(claim.waId);
    return { name: conversation?.name ?? null, text: message?.text ?? null };
  }

  /**
   * At start (and then every minute): sends the claims a previous run committed but never took, gives
   * up those too old, and marks failed those taken but never finished (never sent twice).
   */
  async resume(): Promise<{ resumed: number; skipped: number; interrupted: number }> {
    const counts = { resumed: 0, skipped: 0, interrupted: 0 };
    if (this.#o.dryRun) return counts;
    const now = this.#clock().getTime();
    for (const claim of await this.#o.store.pendingAutoReplies()) {
      if (this.#queued.has(claim.id)) continue; // ours, queued or being sent right now
      const age = now - Date.parse(claim.createdAt);
      if (claim.takenAt !== null) {
        // perhaps another receiver sharing the store is sending it right now
        if (now - Date.parse(claim.takenAt) < INTERRUPTED_AFTER_MS) continue;
        counts.interrupted++;
        await this.#o.store.finishAutoReply(claim.id, {
          state: 'failed',
          error: {
            code: null,
            title: 'interrupted while sending (the receiver stopped); not retried, so it is never sent twice',
          },
        });
      } else if (age > MAX_CLAIM_AGE_MS) {
        if (!(await this.#o.store.takeAutoReply(claim.id, this.#clock()))) continue;
        counts.skipped++;
        await this.#o.store.finishAutoReply(claim.id, {
          state: 'skipped',
          error: {
            code: null,
            title: 'not sent: more than an hour passed before the receiver could send it',
          },
        });
      } else {
        counts.resumed++;
        this.#enqueue(claim);
      }
    }
    if (counts.resumed + counts.skipped + counts.interrupted > 0)
      this.#o.logger.info(counts, 'automatic replies left by a previous run');
    return counts;
  }

  /**
   * Gives up on every automatic reply queued or being sent (a forced stop): nothing more is sent or
   * written. Returns them; `sending` ones may have gone out, and the next start marks them failed
   * (interrupted); the others it sends if they are still fresh.
   */
  abandon(): Array<{ id: number; wamid: string; waId: string; reason: string; sending: boolean }> {
    this.#abandoned = true;
    return [...this.#queued.values()].map((c) => ({
      id: c.id,
      wamid: c.inboundWamid,
      waId: c.waId,
      reason: c.reason,
      sending: this.#sending.has(c.id),
    }));
  }

  /** Resolves when every automatic reply queued so far has been sent or has failed. */
  async drain(): Promise<void> {
    while (this.#chains.size > 0) await Promise.all([...this.#chains.values()]);
  }

  #warnOnce(key: string, msg: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#o.logger.warn({}, msg);
  }

  #errorText(err: unknown): string {
    return this.#mask(err instanceof Error ? err.message : String(err));
  }

  #messageError(err: unknown): MessageError {
    const graph = err as { graphCode?: unknown; graphDetails?: unknown };
    return {
      code: typeof graph.graphCode === 'number' ? graph.graphCode : null,
      title: this.#errorText(err),
      details: typeof graph.graphDetails === 'string' ? this.#mask(graph.graphDetails) : null,
    };
  }
}
