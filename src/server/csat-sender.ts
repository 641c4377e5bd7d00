// Sends satisfaction questions whose time came: from `wabox resolve` (no delay) and from the receiver's
// timer. take (compare-and-set, committed before the API call) -> send -> asked | skipped. A question
// taken but never finished (the sender died) is skipped after INTERRUPTED_AFTER_MS, never sent twice.
import { randomUUID } from 'node:crypto';
import { addressTo, buildMessage, type Envelope, type OutgoingMessage } from '../cloud/messages.js';
import { guessLanguage } from '../core/autoreply.js';
import { isBsuid } from '../core/contact-id.js';
import {
  CSAT_LIST_BUTTON,
  CSAT_SETTINGS_KEY,
  type CsatSettings,
  csatChoices,
  normalizeCsat,
} from '../core/csat.js';
import { findAutoReply, renderTemplate } from '../core/template.js';
import { customerServiceWindow } from '../core/window.js';
import type { CsatRecord } from '../store/store.js';
import type { AutoReplyEngineOptions } from './autoreply-engine.js';
import { INTERRUPTED_AFTER_MS } from './autoreply-engine.js';

/** What the automatic replies' engine is given, less what a question does not use. */
export type CsatSenderOptions = Pick<
  AutoReplyEngineOptions,
  'store' | 'library' | 'send' | 'phoneNumberId' | 'businessName' | 'timeZone' | 'clock' | 'mask'
>;

/** What became of one question: asked, skipped (why), or left to another sender. */
export type CsatSendResult =
  | { state: 'asked'; wamid: string }
  | { state: 'skipped'; reason: string }
  | { state: 'busy' };

export interface CsatCounts {
  asked: number;
  skipped: number;
  /** Of the skipped: the customer's 24-hour window had closed. */
  windowClosed: number;
  /** Each skipped question and why. */
  skips: Array<{ id: number; reason: string }>;
}

/** The reason a question outside the customer service window is skipped with. */
export const WINDOW_CLOSED = 'window_closed';

export class CsatSender {
  readonly #o: CsatSenderOptions;
  readonly #clock: () => Date;

  constructor(options: CsatSenderOptions) {
    this.#o = options;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Sends every due question (at most `limit`), one at a time. */
  async sendDue(limit = 100): Promise<CsatCounts> {
    const counts: CsatCounts = { asked: 0, skipped: 0, windowClosed: 0, skips: [] };
    for (const question of await this.#o.store.csat.due(this.#clock(), limit)) {
      const result = await this.ask(question);
      if (result.state === 'asked') counts.asked++;
      else if (result.state === 'skipped') {
        counts.skipped++;
        counts.skips.push({ id: question.id, reason: result.reason });
        if (result.reason === WINDOW_CLOSED) counts.windowClosed++;
      }
    }
    return counts;
  }

  /** Takes the question and sends it, unless another sender has it. */
  async ask(question: CsatRecord): Promise<CsatSendResult> {
    const store = this.#o.store;
    const now = this.#clock();
    if (question.takenAt !== null) {
      if (now.getTime() - question.takenAt.getTime() < INTERRUPTED_AFTER_MS) return { state: 'busy' };
      const reason = 'interrupted while sending; not retried, so it is never sent twice';
      return (await store.csat.finish(question.id, { state: 'skipped', reason, at: now }))
        ? { state: 'skipped', reason }
        : { state: 'busy' };
    }
    if (!(await store.csat.take(question.id, now))) return { state: 'busy' };
    const skip = async (reason: string): Promise<CsatSendResult> => {
      await store.csat.finish(question.id, { state: 'skipped', reason, at: this.#clock() });
      return { state: 'skipped', reason };
    };
    const settings = normalizeCsat(await store.getSetting(CSAT_SETTINGS_KEY));
    if (!settings.on) return skip('csat questions were turned off');
    if (!customerServiceWindow(await store.lastInboundAt(question.waId), now).open)
      return skip(WINDOW_CLOSED);
    let message: OutgoingMessage;
    let text: string;
    try {
      ({ message, text } = await this.#question(question, settings));
    } catch (err) {
      return skip(this.#errorText(err));
    }
    let wamid: string;
    try {
      wamid = (await this.#o.send(message)).id;
    } catch (err) {
      const title = this.#errorText(err);
      await store.recordOutbound({
        ...this.#outbound(question, message, text),
        id: `local.${randomUUID()}`,
        status: 'failed',
        error: { code: (err as { graphCode?: number }).graphCode ?? null, title },
      });
      return skip(`failed: ${title}`);
    }
    await store.recordOutbound({ ...this.#outbound(question, message, text), id: wamid, status: 'accepted' });
    await store.csat.finish(question.id, { state: 'asked', wamid, at: this.#clock() });
    return { state: 'asked', wamid };
  }

  #outbound(question: CsatRecord, message: OutgoingMessage, text: string) {
    return {
      waId: question.waId,
      type: 'interactive',
      text,
      timestamp: this.#clock(),
      reason: 'csat',
      payload: message,
      phoneNumberId: this.#o.phoneNumberId?.() ?? null,
    };
  }

  /** The interactive message: the csat template of the customer's language, and the choices. */
  async #question(
    question: CsatRecord,
    settings: CsatSettings,
  ): Promise<{ message: OutgoingMessage; text: string }> {
    const store = this.#o.store;
    const library = await this.#o.library();
    const [last] = await store.listMessages({ waId: question.waId, direction: 'in', limit: 1 });
    const template =
      findAutoReply(library.templates, 'csat', guessLanguage(last?.text ?? null)) ??
      library.templates.find((t) => t.kind === 'csat');
    if (!template) throw new Error('no csat template (wabox template add --kind csat)');
    const contact = await store.getContact(question.waId);
    const text = renderTemplate(template, {
      contact: { name: contact?.name ?? null, phone: contact?.phone ? `+${contact.phone}` : null },
      business: { name: this.#o.businessName ?? null },
      agent: { name: question.agent },
      now: this.#clock(),
      timeZone: library.hours?.timeZone ?? this.#o.timeZone,
      hours: library.hours ?? null,
    }).text;
    const env: Envelope =
      contact !== null
        ? addressTo(contact)
        : isBsuid(question.waId)
          ? { recipient: question.waId }
          : { to: `+${question.waId}` };
    const choices = csatChoices(question.id, settings.scale);
    const message =
      settings.scale === 'buttons'
        ? buildMessage(env, {
            type: 'buttons',
            body: text,
            buttons: choices.map((c) => ({ id: c.id, title: c.title })),
          })
        : buildMessage(env, {
            type: 'list',
            body: text,
            button: CSAT_LIST_BUTTON,
            sections: [{ rows: choices.map((c) => ({ id: c.id, title: c.title })) }],
          });
    return { message, text };
  }

  #errorText(err: unknown): string {
    const text = err instanceof Error ? err.message : String(err);
    return this.#o.mask ? this.#o.mask(text) : text;
  }
}
