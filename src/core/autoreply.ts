// Which automatic replies an inbound message gets (greeting, away, keyword, hand-off). Pure:
// the caller gathers the facts from the store and the business hours, and sends what this returns.

export interface KeywordRule {
  /** Words or phrases; matched case- and accent-insensitively on whole words. */
  phrases: string[];
  /** The quick reply to send: a name or a /shortcut. */
  reply: string;
}

export interface AutoReplySettings {
  greeting: boolean;
  away: boolean;
  /** A greeting goes out again after this many days without a message from the contact (WhatsApp Business app: 14). */
  greetingAfterDays: number;
  keywords: KeywordRule[];
  /** Words that hand the conversation to a person and stop automatic replies. */
  handoff: string[];
  /** No away message when an agent replied to the contact this recently. */
  agentGraceMinutes: number;
}

export const DEFAULT_SETTINGS: AutoReplySettings = {
  greeting: false,
  away: false,
  greetingAfterDays: 14,
  keywords: [],
  handoff: ['agent', 'human'],
  agentGraceMinutes: 10,
};

export interface ContactFacts {
  /** The contact's inbound message before this one, or null for a first message ever. */
  previousInboundAt: Date | null;
  /** The last message a person (not wabox) sent to the contact. */
  lastAgentReplyAt: Date | null;
  /** The closed period (its next opening time, ISO) an away message was last sent for, if any. */
  lastAwayPeriod: string | null;
  /** A hand-off keyword was used: a person takes over, no more automatic replies. */
  handedOff: boolean;
}

export interface HoursFacts {
  open: boolean;
  /** When closed: the next opening, ISO 8601; it names the closed period. */
  nextOpen: string | null;
}

export type AutoReply =
  | { reason: 'greeting' }
  | { reason: 'away'; period: string | null }
  | { reason: 'keyword'; reply: string; phrase: string };

export interface AutoReplyDecision {
  /** In sending order: greeting first, then away, then a keyword reply. */
  replies: AutoReply[];
  /** This message asked for a person. */
  handoff: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function decideAutoReplies(
  message: { text: string | null; timestamp: Date },
  settings: AutoReplySettings,
  contact: ContactFacts,
  hours: HoursFacts,
): AutoReplyDecision {
  const words = tokens(message.text ?? '');
  if (contact.handedOff) return { replies: [], handoff: false };
  if (settings.handoff.some((word) => containsPhrase(words, word))) return { replies: [], handoff: true };
  const replies: AutoReply[] = [];
  const quietFor =
    contact.previousInboundAt === null
      ? Number.POSITIVE_INFINITY
      : message.timestamp.getTime() - contact.previousInboundAt.getTime();
  if (settings.greeting && quietFor >= settings.greetingAfterDays * DAY_MS)
    replies.push({ reason: 'greeting' });
  const agentJustReplied =
    contact.lastAgentReplyAt !== null &&
    message.timestamp.getTime() - contact.lastAgentReplyAt.getTime() < settings.agentGraceMinutes * 60_000;
  if (settings.away && !hours.open && !agentJustReplied && contact.lastAwayPeriod !== hours.nextOpen) {
    replies.push({ reason: 'away', period: hours.nextOpen });
  }
  for (const rule of settings.keywords) {
    const phrase = rule.phrases.find((p) => containsPhrase(words, p));
    if (phrase !== undefined) {
      replies.push({ reason: 'keyword', reply: rule.reply, phrase });
      break; // one keyword answer per message: the first rule that matches
    }
  }
  return { replies, handoff: false };
}

/**
 * Lower-case words with Latin-style accents removed (é -> e). Only U+0300-036F is dropped: the vowel
 * signs of Indic scripts are combining marks too, and removing them would change the word.
 */
export function tokens(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .toLocaleLowerCase()
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter(Boolean);
}

export function containsPhrase(words: readonly string[], phrase: string): boolean {
  const wanted = tokens(phrase);
  if (wanted.length === 0) return false;
  for (let i = 0; i + wanted.length <= words.length; i++) {
    if (wanted.every((w, k) => words[i + k] === w)) return true;
  }
  return false;
}

/** The store-wide setting (settings table) holding AutoReplySettings as JSON. */
export const SETTINGS_KEY = 'autoreply';

export const GREETING_AFTER_DAYS_MAX = 3650;
export const AGENT_GRACE_MINUTES_MAX = 24 * 60;

/**
 * The stored settings with defaults for what is missing or no longer valid (a hand-edited or older
 * value never stops the receiver): automatic replies stay off unless explicitly turned on.
 */
export function normalizeSettings(raw: unknown): AutoReplySettings {
  const o =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const int = (v: unknown, max: number, fallback: number) =>
    Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= max ? (v as number) : fallback;
  const words = (v: unknown): string[] | undefined =>
    Array.isArray(v) && v.every((w) => typeof w === 'string' && tokens(w).length > 0)
      ? (v as string[])
      : undefined;
  const keywords = Array.isArray(o.keywords)
    ? o.keywords.flatMap((k): KeywordRule[] => {
        const rule = k as Partial<KeywordRule> | null;
        const phrases = words(rule?.phrases);
        return phrases && phrases.length > 0 && typeof rule?.reply === 'string' && rule.reply.trim() !== ''
          ? [{ phrases, reply: rule.reply }]
          : [];
      })
    : [];
  return {
    greeting: o.greeting === true,
    away: o.away === true,
    greetingAfterDays: int(o.greetingAfterDays, GREETING_AFTER_DAYS_MAX, DEFAULT_SETTINGS.greetingAfterDays),
    keywords,
    handoff: words(o.handoff) ?? [...DEFAULT_SETTINGS.handoff],
    agentGraceMinutes: int(o.agentGraceMinutes, AGENT_GRACE_MINUTES_MAX, DEFAULT_SETTINGS.agentGraceMinutes),
  };
}

/** True when some automatic reply can go out (hand-off words alone do nothing while everything is off). */
export function anyAutoReply(settings: AutoReplySettings): boolean {
  return settings.greeting || settings.away || settings.keywords.length > 0;
}

/** The reason recorded for an automatic reply: greeting, away, keyword:<quick reply>. */
export function replyReason(reply: AutoReply): string {
  return reply.reason === 'keyword' ? `keyword:${reply.reply}` : reply.reason;
}

/**
 * A customer's language guessed from the script of their message, to pick the greeting or away
 * template of that language (the starter packs: en, hi, gu, ur). Latin script or nothing: undefined.
 */
export function guessLanguage(text: string | null): string | undefined {
  if (!text) return undefined;
  const counts = { gu: 0, hi: 0, ur: 0 };
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x0a80 && c <= 0x0aff) counts.gu++;
    else if (c >= 0x0900 && c <= 0x097f) counts.hi++;
    else if ((c >= 0x0600 && c <= 0x06ff) || (c >= 0x0750 && c <= 0x077f)) counts.ur++;
  }
  const [best, n] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0]!;
  return n > 0 ? best : undefined;
}
