// Click-to-chat links (../shared/reference/cloud-api.md §8):
//   https://wa.me/<digits>?text=<encoded>                 form "wa.me"   (what wabox emits)
//   https://wa.me/?text=<encoded>                         form "share"   (the user picks the chat)
//   https://api.whatsapp.com/send?phone=<digits>&text=..  form "api"     (older official form)
//   whatsapp://send?phone=<digits>&text=..                form "whatsapp" (read only)
// Campaign references ride in the prefilled text as a trailing tag ` [ref:<code>]`, so the message the
// customer sends carries it back to the webhook (see extractRef).
import { invalidInput } from './errors.js';

export type LinkForm = 'wa.me' | 'share' | 'api' | 'whatsapp';

export interface LinkParts {
  /** Digits only; null for a share link. */
  waId: string | null;
  /** The prefilled text without the ref tag; null when there is none. */
  text: string | null;
  ref: string | null;
}

/** `1–40` characters: letters, digits, `_ . -`, starting with a letter or digit. */
export const REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
const REF_TAG = /\[ref:([A-Za-z0-9][A-Za-z0-9_.-]{0,39})\]/g;

export function validateRef(ref: string): string {
  if (!REF_PATTERN.test(ref)) {
    throw invalidInput(
      `invalid ref "${ref}": use 1-40 letters, digits, _ . or -, starting with a letter or digit`,
      {
        code: 'link.invalid_ref',
      },
    );
  }
  return ref;
}

/** The prefilled text: the user's text, then ` [ref:<code>]` when there is a ref. */
export function composeText(text: string | null, ref: string | null): string | null {
  if (ref === null) return text;
  const tag = `[ref:${validateRef(ref)}]`;
  return text === null || text === '' ? tag : `${text} ${tag}`;
}

/** Splits a message into its text and the last ref tag in it (customers may edit around it). */
export function extractRef(message: string): { text: string; ref: string | null } {
  let last: RegExpExecArray | null = null;
  for (const match of message.matchAll(REF_TAG)) last = match as RegExpExecArray;
  if (last === null) return { text: message, ref: null };
  const before = message.slice(0, last.index).replace(/ $/, '');
  return { text: before + message.slice(last.index + last[0].length), ref: last[1] ?? null };
}

/** True when the text already holds something that reads as a ref tag. */
export function containsRefTag(text: string): boolean {
  return new RegExp(REF_TAG.source).test(text);
}

/**
 * Percent-encodes prefilled text so every character survives: encodeURIComponent leaves only
 * A-Z a-z 0-9 - _ . ! ~ * ' ( ) as they are, writes spaces as %20 (WhatsApp's own examples; never "+")
 * and newlines as %0A.
 */
export function encodeText(text: string): string {
  if (!text.isWellFormed())
    throw invalidInput('text holds a lone UTF-16 surrogate and cannot be encoded', {
      code: 'text.malformed',
    });
  return encodeURIComponent(text);
}

export function buildLink(parts: LinkParts, form: Exclude<LinkForm, 'whatsapp'> = 'wa.me'): string {
  const message = composeText(parts.text, parts.ref);
  const query = message === null || message === '' ? '' : `text=${encodeText(message)}`;
  if (form === 'share' || parts.waId === null) {
    if (!query) throw invalidInput('a share link needs text: pass --text', { code: 'link.share_needs_text' });
    return `https://wa.me/?${query}`;
  }
  if (!/^\d+$/.test(parts.waId))
    throw invalidInput(`"${parts.waId}" is not a digits-only WhatsApp id`, { code: 'link.bad_wa_id' });
  if (form === 'api') return `https://api.whatsapp.com/send?phone=${parts.waId}${query ? `&${query}` : ''}`;
  return `https://wa.me/${parts.waId}${query ? `?${query}` : ''}`;
}

export interface ParsedLink extends LinkParts {
  form: LinkForm;
}

/** Reads a wa.me, api.whatsapp.com/send or whatsapp://send link back into its parts. */
export function parseLink(input: string): ParsedLink {
  const raw = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw notALink(input);
  }
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  const text = readText(textParam(url, input));
  if (url.protocol === 'whatsapp:') {
    if (host !== 'send') throw notALink(input);
    return { form: 'whatsapp', waId: readPhoneParam(url, input), ...text };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw notALink(input);
  // wa.me/message/<CODE> redirects to api.whatsapp.com/message/<CODE> (cloud-api.md §8)
  if ((host === 'wa.me' || host === 'api.whatsapp.com') && url.pathname.startsWith('/message/')) {
    throw invalidInput(
      `${input} is a managed short link: its text is stored by WhatsApp and cannot be read offline`,
      {
        code: 'link.short_link',
      },
    );
  }
  if (host === 'wa.me') {
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '') return { form: 'share', waId: null, ...text };
    const digits = path.slice(1);
    if (!/^\d+$/.test(digits))
      throw invalidInput(`the number in ${input} is not digits only ("${digits}")`, {
        code: 'link.bad_wa_id',
      });
    return { form: 'wa.me', waId: digits, ...text };
  }
  if (host === 'api.whatsapp.com' && /^\/send\/?$/.test(url.pathname)) {
    return { form: 'api', waId: readPhoneParam(url, input), ...text };
  }
  throw notALink(input);
}

function readPhoneParam(url: URL, input: string): string | null {
  const phone = url.searchParams.get('phone');
  if (phone === null || phone === '') return null;
  // a hand-written `phone=+44...` reaches us as " 44..." (a raw + in a query is a space)
  const digits = phone.trim().replace(/^\+/, '');
  if (!/^\d+$/.test(digits))
    throw invalidInput(`the phone parameter in ${input} is not digits only ("${phone}")`, {
      code: 'link.bad_wa_id',
    });
  return digits;
}

/**
 * The first `text` parameter, decoded as a form value: `+` is a space and a `%` that starts no escape
 * stays literal (both as URLSearchParams reads them), but escapes that do not decode to UTF-8 are an
 * error, where URLSearchParams would silently put U+FFFD in the text.
 */
function textParam(url: URL, input: string): string | null {
  const pair = url.search
    .slice(1)
    .split('&')
    .find((p) => p === 'text' || p.startsWith('text='));
  if (pair === undefined) return null;
  const value = pair
    .slice('text='.length)
    .replace(/\+/g, ' ')
    .replace(/%(?![0-9a-f]{2})/gi, '%25');
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalidInput(`the text in ${input} is not UTF-8 once percent-decoded`, { code: 'link.bad_text' });
  }
}

function readText(value: string | null): { text: string | null; ref: string | null } {
  if (value === null || value === '') return { text: null, ref: null };
  const { text, ref } = extractRef(value);
  return { text: text === '' && ref !== null ? null : text, ref };
}

function notALink(input: string) {
  return invalidInput(
    `"${input}" is not a WhatsApp link (expected https://wa.me/..., https://api.whatsapp.com/send?... or whatsapp://send?...)`,
    {
      code: 'link.not_a_link',
    },
  );
}
