// The identifiers WhatsApp gives a person: a phone number (digits), a business-scoped user id (BSUID:
// an ISO country code, a dot and up to 128 letters and digits, e.g. US.13491208655302741918), a parent
// BSUID shared across a business's portfolios (US.ENT.11815799212886844830) and a username.

/** What a payload says about one person; any of them may be missing. */
export interface ContactIdentity {
  /** Digits only. */
  phone?: string | null;
  userId?: string | null;
  parentUserId?: string | null;
  /** Without the leading @. */
  username?: string | null;
}

const BSUID = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/;
const PARENT_BSUID = /^[A-Z]{2}\.ENT\.[A-Za-z0-9]{1,128}$/;
const USERNAME = /^@?([A-Za-z0-9._-]{1,64})$/;

export function isBsuid(value: string): boolean {
  return BSUID.test(value);
}

export function isParentBsuid(value: string): boolean {
  return PARENT_BSUID.test(value);
}

/** The ISO country code a BSUID or parent BSUID begins with, null for anything else. */
export function bsuidCountry(value: string): string | null {
  return isBsuid(value) || isParentBsuid(value) ? value.slice(0, 2) : null;
}

/** `@name` or `name` -> `name`; null when it cannot be a username. */
export function parseUsername(value: string): string | null {
  return USERNAME.exec(value.trim())?.[1] ?? null;
}

/**
 * How a contact argument names someone, once the caller has turned a phone number in any form into
 * digits: `@username`, a parent BSUID, a BSUID or phone digits. Null when it is none of them.
 */
export type ContactRef =
  | { kind: 'phone'; value: string }
  | { kind: 'user_id'; value: string }
  | { kind: 'parent_user_id'; value: string }
  | { kind: 'username'; value: string };

export function parseContactRef(value: string): ContactRef | null {
  const v = value.trim();
  if (v.startsWith('@')) {
    const name = parseUsername(v);
    return name === null ? null : { kind: 'username', value: name };
  }
  if (isParentBsuid(v)) return { kind: 'parent_user_id', value: v };
  if (isBsuid(v)) return { kind: 'user_id', value: v };
  if (/^\d{6,15}$/.test(v)) return { kind: 'phone', value: v };
  return null;
}

// -- marketing opt-out keywords ------------------------------------------------------------

/**
 * A whole message that asks to stop marketing messages: English and the starter packs' languages
 * (templates/: Hindi, Gujarati, Urdu), matched without case, spaces or final punctuation.
 */
export const DEFAULT_STOP_KEYWORDS: readonly string[] = [
  'STOP',
  'UNSUBSCRIBE',
  'STOP ALL',
  'OPT OUT',
  'रोकें',
  'बंद करो',
  'बंद करें',
  'अनसब्सक्राइब',
  'બંધ કરો',
  'રોકો',
  'અનસબ્સ્ક્રાઇબ',
  'روکیں',
  'بند کریں',
  'ان سبسکرائب',
];

function keywordForm(text: string): string {
  return text
    .normalize('NFC')
    .trim()
    .replace(/[\s.!\u0964\u06d4]+$/u, '')
    .replace(/\s+/gu, ' ')
    .toLocaleUpperCase('en');
}

/** Longer texts are never a keyword (most messages: the keyword list is not even read). */
export const MAX_KEYWORD_LENGTH = 64;

/** True when the text, as a whole, is one of the keywords. */
export function isStopKeyword(text: string, keywords: readonly string[] = DEFAULT_STOP_KEYWORDS): boolean {
  if (text.length > MAX_KEYWORD_LENGTH) return false;
  const form = keywordForm(text);
  return form !== '' && keywords.some((k) => keywordForm(k) === form);
}

/** How a person is shown: `+phone` when known, else `@username`, else the BSUID (else the key). */
export function contactLabel(c: {
  waId: string;
  phone: string | null;
  userId: string | null;
  username: string | null;
}): string {
  if (c.phone !== null) return `+${c.phone}`;
  if (c.username !== null) return `@${c.username}`;
  return c.userId ?? c.waId;
}
