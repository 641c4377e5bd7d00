// Request bodies for POST /{phone-number-id}/messages, one pure builder per message type. Shapes
// follow Meta's OpenAPI description (`Message` and its members) and ../shared/reference/cloud-api.md
// §1.2-1.3; every builder checks the documented limits before anything is sent and names the limit
// it hit ("text is 4,100 characters; WhatsApp's limit is 4,096"). Lengths are counted in characters
// (Unicode code points), as WhatsApp counts them.
import { isBsuid } from '../core/contact-id.js';
import { invalidInput } from '../core/errors.js';
import type {
  MediaSource,
  TemplateButton,
  TemplateHeader,
  TemplateParameter,
} from '../core/meta-template.js';
import { charLength, TEXT_LIMIT } from '../core/text.js';
import type { MediaKind } from './media.js';

/** The documented limits, by name (cloud-api.md §1.3). */
export const LIMITS = {
  textBody: TEXT_LIMIT,
  caption: 1024,
  interactiveBody: 1024,
  interactiveFooter: 60,
  interactiveHeader: 60,
  buttonsMin: 1,
  buttonsMax: 3,
  buttonTitle: 20,
  buttonId: 256,
  listButton: 20,
  listSections: 10,
  listRows: 10,
  sectionTitle: 24,
  rowId: 200,
  rowTitle: 24,
  rowDescription: 72,
  templateName: 512,
} as const;

/** Every message `type` the builders make (the contract suite sends each one through Prism). */
export const MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'template',
  'reaction',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** The kinds of interactive message the builders make (`interactive.type`). */
export const INTERACTIVE_TYPES = ['button', 'list'] as const;

/**
 * A request body for POST /messages. `recipient_type` is always sent: Meta's description requires it.
 * `to` (a phone) or, for a customer whose phone is not known, `recipient` (their BSUID).
 */
export interface OutgoingMessage {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  to?: string;
  recipient?: string;
  type: MessageType;
  context?: { message_id: string };
  [field: string]: unknown;
}

/**
 * Who gets it, and the message it quotes (a reply): `to`, E.164 (`+919876543210`) or digits, or
 * `recipient`, the business-scoped user id (BSUID) of a customer whose phone is not known.
 */
export type Envelope = ({ to: string } | { recipient: string }) & {
  /** The wamid this message replies to (context.message_id). */
  replyTo?: string | undefined;
};

/** The envelope for a person: `to` their phone when known, else `recipient` their BSUID. */
export function addressTo(ids: { phone: string | null; userId: string | null }): Envelope {
  if (ids.phone !== null) return { to: `+${ids.phone}` };
  if (ids.userId !== null) return { recipient: ids.userId };
  throw invalidInput('neither a phone number nor a business-scoped user id is known for this contact', {
    code: 'message.bad_recipient',
  });
}

/**
 * Asks the customer to share their phone number (interactive `request_contact_info`; WhatsApp fixes the
 * button's text). The answer arrives as a `contacts` message with `origin: contact_request`.
 */
export function requestContactInfoMessage(env: Envelope, body: string): OutgoingMessage {
  if (body.trim() === '' || body.length > TEXT_LIMIT)
    throw invalidInput(`the text must be 1-${TEXT_LIMIT} characters`, { code: 'message.bad_text' });
  return {
    ...envelope(env, 'interactive'),
    interactive: {
      type: 'request_contact_info',
      body: { text: body },
      action: { name: 'request_contact_info' },
    },
  };
}

/** Whom a body is addressed to: its phone digits (no +) or BSUID; for logs and per-recipient pacing. */
export function recipientOf(message: OutgoingMessage): string {
  return message.to?.replace(/^\+/, '') ?? message.recipient ?? '';
}

// the values a template send fills in are domain types (core/meta-template.ts checks them against a definition)
export type { MediaSource, TemplateButton, TemplateHeader, TemplateParameter };

export interface TextContent {
  type: 'text';
  body: string;
  /** Let WhatsApp render a preview of the first URL in the body. */
  previewUrl?: boolean;
}
export interface ReactionContent {
  type: 'reaction';
  messageId: string;
  /** One emoji; '' removes the reaction. */
  emoji: string;
}
export interface MediaContent {
  type: MediaKind;
  source: MediaSource;
  /** image, video and document only; at most 1,024 characters. */
  caption?: string;
  /** document only. */
  filename?: string;
}
export interface LocationContent {
  type: 'location';
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
}
export interface ContactsContent {
  type: 'contacts';
  contacts: ContactCard[];
}
export interface ButtonsContent {
  type: 'buttons';
  body: string;
  /** 1-3 reply buttons; an id is derived from the title when absent. */
  buttons: Array<{ id?: string; title: string }>;
  header?: string;
  footer?: string;
}
export interface ListContent {
  type: 'list';
  body: string;
  /** The text of the button that opens the list (at most 20 characters). */
  button: string;
  sections: ListSection[];
  header?: string;
  footer?: string;
}
export interface ListSection {
  /** At most 24 characters; required when there is more than one section. */
  title?: string;
  rows: Array<{ id?: string; title: string; description?: string }>;
}
export interface TemplateContent {
  type: 'template';
  name: string;
  /** Meta's language code: en, en_US, pt_BR (en-US is accepted and sent as en_US). */
  language: string;
  header?: TemplateHeader;
  /** Body parameters, in order (positional) or each with a name (named templates). */
  body?: TemplateParameter[];
  buttons?: TemplateButton[];
}

export type MessageContent =
  | TextContent
  | ReactionContent
  | MediaContent
  | LocationContent
  | ContactsContent
  | ButtonsContent
  | ListContent
  | TemplateContent;

// ---------------------------------------------------------------------------------------------------
// checks

export { charLength };

const fmt = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, word: string) => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;

function limitError(what: string, actual: string, limit: string, code: string) {
  return invalidInput(`${what} is ${actual}; WhatsApp's limit is ${limit}`, { code: `limit.${code}` });
}

/** Refuses text longer than `max` characters, naming the limit. */
export function checkLength(value: string, max: number, what: string, code: string): void {
  const n = charLength(value);
  if (n > max) throw limitError(what, plural(n, 'character'), fmt(max), code);
}

function required(value: string | undefined, what: string, code: string): string {
  if (value === undefined || value.trim() === '')
    throw invalidInput(`${what} is empty`, { code: `message.empty_${code}` });
  return value;
}

function checkWamid(id: string, what: string): string {
  const v = id.trim();
  if (v === '' || /\s/.test(v) || v.length > 1024)
    throw invalidInput(`${what} "${id}" is not a WhatsApp message id (wamid.…)`, {
      code: 'message.bad_wamid',
    });
  return v;
}

/** `to` for the API: E.164 with its +, or digits only (Meta accepts both; wabox sends E.164). */
export function checkRecipient(to: string): string {
  const v = to.trim();
  if (!/^\+?[1-9]\d{4,14}$/.test(v))
    throw invalidInput(`"${to}" is not a phone number in international form (e.g. +919876543210)`, {
      code: 'message.bad_recipient',
    });
  return v;
}

/** `recipient` for the API: a BSUID (`US.13491208655302741918`). */
function checkBsuidRecipient(recipient: string): string {
  const v = recipient.trim();
  if (!isBsuid(v))
    throw invalidInput(`"${recipient}" is not a business-scoped user id (e.g. US.13491208655302741918)`, {
      code: 'message.bad_recipient',
    });
  return v;
}

function envelope(env: Envelope, type: MessageType): OutgoingMessage {
  const message: OutgoingMessage = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...('to' in env ? { to: checkRecipient(env.to) } : { recipient: checkBsuidRecipient(env.recipient) }),
    type,
  };
  if (env.replyTo !== undefined) message.context = { message_id: checkWamid(env.replyTo, 'the reply-to id') };
  return message;
}

function checkLink(link: string, what: string): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw invalidInput(`${what} "${link}" is not a URL`, { code: 'message.bad_link' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalidInput(`${what} must be an http(s) URL, got ${url.protocol}`, { code: 'message.bad_link' });
  return link;
}

function mediaObject(source: MediaSource, what: string): Record<string, string> {
  const s = source as { id?: unknown; link?: unknown };
  if ((s.id === undefined) === (s.link === undefined))
    throw invalidInput(`${what} needs exactly one of a media id or a link`, { code: 'message.media_source' });
  if (typeof s.id === 'string') {
    // Meta's ids are digits; anything without spaces is passed on (the API is the judge of its own ids)
    if (!/^\S{1,256}$/.test(s.id.trim()))
      throw invalidInput(`${what}: "${s.id}" is not a media id (from wabox media upload)`, {
        code: 'message.bad_media_id',
      });
    return { id: s.id.trim() };
  }
  return { link: checkLink(String(s.link), `${what} link`) };
}

// ---------------------------------------------------------------------------------------------------
// builders

export function textMessage(env: Envelope, content: Omit<TextContent, 'type'>): OutgoingMessage {
  required(content.body, 'the text', 'text');
  checkLength(content.body, LIMITS.textBody, 'text', 'text_body');
  return {
    ...envelope(env, 'text'),
    text: { body: content.body, preview_url: content.previewUrl ?? false },
  };
}

/** One emoji (a single grapheme that is a pictograph, flag or keycap), or '' to remove. */
export function checkEmoji(emoji: string): string {
  if (emoji === '') return emoji;
  const graphemes = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(emoji)];
  if (graphemes.length !== 1 || !/\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u.test(emoji))
    throw invalidInput(`"${emoji}" is not one emoji: a reaction is a single emoji, or '' to remove it`, {
      code: 'message.bad_emoji',
    });
  return emoji;
}

export function reactionMessage(env: Envelope, content: Omit<ReactionContent, 'type'>): OutgoingMessage {
  if (env.replyTo !== undefined)
    throw invalidInput('a reaction already points at its message; --reply-to does not apply to it', {
      code: 'message.reaction_reply',
    });
  return {
    ...envelope(env, 'reaction'),
    reaction: {
      message_id: checkWamid(content.messageId, 'the message to react to'),
      emoji: checkEmoji(content.emoji),
    },
  };
}

const CAPTIONED: readonly MediaKind[] = ['image', 'video', 'document'];

export function mediaMessage(env: Envelope, content: MediaContent): OutgoingMessage {
  const kind = content.type;
  const media: Record<string, string> = mediaObject(content.source, `the ${kind}`);
  if (content.caption !== undefined) {
    if (!CAPTIONED.includes(kind))
      throw invalidInput(`${kind} messages take no caption (only image, video and document do)`, {
        code: 'message.caption_not_allowed',
      });
    checkLength(content.caption, LIMITS.caption, 'the caption', 'caption');
    if (content.caption !== '') media.caption = content.caption;
  }
  if (content.filename !== undefined) {
    if (kind !== 'document')
      throw invalidInput(
        `only documents take a file name (this is ${kind === 'image' ? 'an' : 'a'} ${kind})`,
        {
          code: 'message.filename_not_allowed',
        },
      );
    if (content.filename.trim() === '' || /[/\\]/.test(content.filename))
      throw invalidInput(`"${content.filename}" is not a file name (no slashes)`, {
        code: 'message.bad_filename',
      });
    media.filename = content.filename;
  }
  return { ...envelope(env, kind), [kind]: media };
}

export function locationMessage(env: Envelope, content: Omit<LocationContent, 'type'>): OutgoingMessage {
  const { latitude, longitude } = content;
  if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90)
    throw invalidInput(`latitude ${latitude} is outside -90..90`, { code: 'message.bad_latitude' });
  if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180)
    throw invalidInput(`longitude ${longitude} is outside -180..180`, { code: 'message.bad_longitude' });
  // Meta's description and its location-message page type the coordinates as strings (decimal degrees)
  const location: Record<string, string> = { latitude: String(latitude), longitude: String(longitude) };
  if (content.name !== undefined && content.name !== '') location.name = content.name;
  if (content.address !== undefined && content.address !== '') location.address = content.address;
  return { ...envelope(env, 'location'), location };
}

// contacts -------------------------------------------------------------------------------------------

type ContactType = 'HOME' | 'WORK';
export interface ContactCard {
  name: {
    formatted_name: string;
    first_name?: string;
    last_name?: string;
    middle_name?: string;
    prefix?: string;
    suffix?: string;
  };
  phones?: Array<{ phone: string; type?: ContactType; wa_id?: string }>;
  emails?: Array<{ email: string; type?: ContactType }>;
  urls?: Array<{ url: string; type?: ContactType }>;
  addresses?: Array<{
    street?: string;
    city?: string;
    state?: string;
    zip?: string;
    country?: string;
    country_code?: string;
    type?: ContactType;
  }>;
  org?: { company?: string; department?: string; title?: string };
  /** YYYY-MM-DD */
  birthday?: string;
}

const CONTACT_FIELDS: Record<string, readonly string[]> = {
  '': ['name', 'phones', 'emails', 'urls', 'addresses', 'org', 'birthday'],
  name: ['formatted_name', 'first_name', 'last_name', 'middle_name', 'prefix', 'suffix'],
  phones: ['phone', 'type', 'wa_id'],
  emails: ['email', 'type'],
  urls: ['url', 'type'],
  addresses: ['street', 'city', 'state', 'zip', 'country', 'country_code', 'type'],
  org: ['company', 'department', 'title'],
};

/** Checks contact cards against Meta's ContactObject (no unknown fields; HOME/WORK types). */
export function checkContacts(contacts: unknown): ContactCard[] {
  if (!Array.isArray(contacts) || contacts.length === 0)
    throw invalidInput('a contacts message needs at least one contact card', { code: 'message.no_contacts' });
  const bad = (where: string, why: string) =>
    invalidInput(`contact ${where} ${why}`, { code: 'message.bad_contact' });
  const checkObject = (value: unknown, kind: string, where: string): Record<string, unknown> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw bad(where, 'is not an object');
    const allowed = CONTACT_FIELDS[kind]!;
    for (const [key, v] of Object.entries(value)) {
      if (!allowed.includes(key))
        throw bad(where, `has an unknown field "${key}" (allowed: ${allowed.join(', ')})`);
      if (kind !== '' && typeof v !== 'string') throw bad(`${where}.${key}`, 'is not a string');
    }
    const type = (value as { type?: unknown }).type;
    if (type !== undefined && type !== 'HOME' && type !== 'WORK')
      throw bad(`${where}.type`, 'must be HOME or WORK');
    return value as Record<string, unknown>;
  };
  return contacts.map((raw, i) => {
    const card = checkObject(raw, '', `#${i + 1}`);
    const name = checkObject(card.name, 'name', `#${i + 1} name`);
    if (typeof name.formatted_name !== 'string' || name.formatted_name.trim() === '')
      throw bad(`#${i + 1}`, 'needs name.formatted_name');
    if (
      !['first_name', 'last_name', 'middle_name', 'prefix', 'suffix'].some((k) => typeof name[k] === 'string')
    )
      throw bad(
        `#${i + 1}`,
        'needs one of name.first_name, last_name, middle_name, prefix or suffix besides formatted_name',
      );
    for (const list of ['phones', 'emails', 'urls', 'addresses'] as const) {
      const items = card[list];
      if (items === undefined) continue;
      if (!Array.isArray(items)) throw bad(`#${i + 1} ${list}`, 'is not a list');
      items.forEach((item, j) => {
        const o = checkObject(item, list, `#${i + 1} ${list}[${j}]`);
        const key = { phones: 'phone', emails: 'email', urls: 'url', addresses: undefined }[list];
        if (key !== undefined && (typeof o[key] !== 'string' || (o[key] as string).trim() === ''))
          throw bad(`#${i + 1} ${list}[${j}]`, `needs ${key}`);
        if (list === 'urls') checkLink(o.url as string, `contact #${i + 1} url`);
        if (list === 'emails' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(o.email as string))
          throw bad(`#${i + 1} ${list}[${j}]`, `"${o.email}" is not an email address`);
      });
    }
    if (card.org !== undefined) checkObject(card.org, 'org', `#${i + 1} org`);
    if (
      card.birthday !== undefined &&
      (typeof card.birthday !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(card.birthday))
    )
      throw bad(`#${i + 1} birthday`, 'must be YYYY-MM-DD');
    return card as unknown as ContactCard;
  });
}

export function contactsMessage(env: Envelope, content: Omit<ContactsContent, 'type'>): OutgoingMessage {
  return { ...envelope(env, 'contacts'), contacts: checkContacts(content.contacts) };
}

// interactive -------------------------------------------------------------------------------------

/** A stable id from a title: lowercase letters, digits and dashes (`Yes, please!` -> `yes-please`). */
export function slugId(title: string, fallback: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? fallback : slug;
}

function uniqueIds<T extends { id?: string; title: string }>(
  items: readonly T[],
  maxId: number,
  prefix: string,
): string[] {
  const used = new Set(items.map((i) => i.id).filter((id): id is string => id !== undefined));
  return items.map((item, i) => {
    if (item.id !== undefined) return item.id;
    let id = [...slugId(item.title, `${prefix}-${i + 1}`)].slice(0, maxId).join('');
    for (let n = 2; used.has(id); n++) id = `${[...id].slice(0, maxId - 4).join('')}-${n}`;
    used.add(id);
    return id;
  });
}

function interactiveShell(
  content: { body: string; header?: string | undefined; footer?: string | undefined },
  type: (typeof INTERACTIVE_TYPES)[number],
): Record<string, unknown> {
  required(content.body, 'the message body (--body)', 'body');
  checkLength(content.body, LIMITS.interactiveBody, 'the body', 'interactive_body');
  const out: Record<string, unknown> = { type };
  if (content.header !== undefined && content.header !== '') {
    checkLength(content.header, LIMITS.interactiveHeader, 'the header', 'interactive_header');
    out.header = { type: 'text', text: content.header };
  }
  out.body = { text: content.body };
  if (content.footer !== undefined && content.footer !== '') {
    checkLength(content.footer, LIMITS.interactiveFooter, 'the footer', 'interactive_footer');
    out.footer = { text: content.footer };
  }
  return out;
}

function checkId(id: string, max: number, what: string, code: string): void {
  if (id === '' || id.trim() !== id)
    throw invalidInput(`${what} id "${id}" is empty or has leading/trailing spaces`, {
      code: `message.bad_${code}_id`,
    });
  checkLength(id, max, `${what} id "${[...id].slice(0, 20).join('')}…"`, `${code}_id`);
}

export function buttonsMessage(env: Envelope, content: Omit<ButtonsContent, 'type'>): OutgoingMessage {
  const n = content.buttons.length;
  if (n < LIMITS.buttonsMin || n > LIMITS.buttonsMax)
    throw limitError(
      'the number of reply buttons',
      fmt(n),
      `${LIMITS.buttonsMin}-${LIMITS.buttonsMax}`,
      'buttons',
    );
  const titles = new Set<string>();
  for (const b of content.buttons) {
    if (b.title.trim() === '')
      throw invalidInput('a button title is empty', { code: 'message.empty_button_title' });
    checkLength(b.title, LIMITS.buttonTitle, `button title "${b.title}"`, 'button_title');
    const key = b.title.trim().toLowerCase();
    if (titles.has(key))
      throw invalidInput(`button title "${b.title}" is used twice; titles must be unique`, {
        code: 'message.duplicate_button',
      });
    titles.add(key);
  }
  const ids = uniqueIds(content.buttons, LIMITS.buttonId, 'button');
  for (const id of ids) checkId(id, LIMITS.buttonId, 'button', 'button');
  if (new Set(ids).size !== ids.length)
    throw invalidInput('button ids must be unique', { code: 'message.duplicate_button_id' });
  const interactive = interactiveShell(content, 'button');
  interactive.action = {
    buttons: content.buttons.map((b, i) => ({ type: 'reply', reply: { id: ids[i]!, title: b.title } })),
  };
  return { ...envelope(env, 'interactive'), interactive };
}

export function listMessage(env: Envelope, content: Omit<ListContent, 'type'>): OutgoingMessage {
  if (content.button === undefined || content.button.trim() === '')
    throw invalidInput('a list needs the text of its button (at most 20 characters)', {
      code: 'message.empty_list_button',
    });
  checkLength(content.button, LIMITS.listButton, 'the list button text', 'list_button');
  const sections = content.sections;
  if (!Array.isArray(sections) || sections.length === 0)
    throw invalidInput('a list needs at least one section with rows', { code: 'message.no_sections' });
  if (sections.length > LIMITS.listSections)
    throw limitError(
      'the number of list sections',
      fmt(sections.length),
      fmt(LIMITS.listSections),
      'list_sections',
    );
  const allRows = sections.flatMap((s) => s.rows ?? []);
  if (allRows.length > LIMITS.listRows)
    throw limitError(
      'the number of list rows (all sections together)',
      fmt(allRows.length),
      `${LIMITS.listRows} in total`,
      'list_rows',
    );
  sections.forEach((s, i) => {
    if (!Array.isArray(s.rows) || s.rows.length === 0)
      throw invalidInput(`section ${i + 1} has no rows`, { code: 'message.empty_section' });
    if (s.title === undefined || s.title.trim() === '') {
      if (sections.length > 1)
        throw invalidInput(
          `section ${i + 1} needs a title: with more than one section every section has one`,
          {
            code: 'message.section_title_required',
          },
        );
    } else checkLength(s.title, LIMITS.sectionTitle, `section title "${s.title}"`, 'section_title');
    for (const row of s.rows) {
      if (typeof row.title !== 'string' || row.title.trim() === '')
        throw invalidInput(`a row of section ${i + 1} has no title`, { code: 'message.empty_row_title' });
      checkLength(row.title, LIMITS.rowTitle, `row title "${row.title}"`, 'row_title');
      if (row.description !== undefined)
        checkLength(
          row.description,
          LIMITS.rowDescription,
          `the description of row "${row.title}"`,
          'row_description',
        );
    }
  });
  const ids = uniqueIds(allRows, LIMITS.rowId, 'row');
  for (const id of ids) checkId(id, LIMITS.rowId, 'row', 'row');
  if (new Set(ids).size !== ids.length)
    throw invalidInput('row ids must be unique across the list', { code: 'message.duplicate_row_id' });
  let k = 0;
  const interactive = interactiveShell(content, 'list');
  interactive.action = {
    button: content.button,
    sections: sections.map((s) => {
      const out: Record<string, unknown> = {};
      if (s.title !== undefined && s.title.trim() !== '') out.title = s.title;
      out.rows = s.rows.map((r) => {
        const row: Record<string, string> = { id: ids[k++]!, title: r.title };
        if (r.description !== undefined && r.description !== '') row.description = r.description;
        return row;
      });
      return out;
    }),
  };
  return { ...envelope(env, 'interactive'), interactive };
}

// templates ---------------------------------------------------------------------------------------

/** Meta's template language code: `en`, `en_US`, `pt_BR`; `en-US` becomes `en_US`. */
export function templateLanguage(code: string): string {
  const v = code.trim().replace('-', '_');
  const m = /^([A-Za-z]{2,3})(?:_([A-Za-z]{2}))?$/.exec(v);
  if (!m)
    throw invalidInput(`"${code}" is not a template language code (e.g. en, en_US, pt_BR, hi)`, {
      code: 'template.bad_language',
    });
  return m[2] === undefined ? m[1]!.toLowerCase() : `${m[1]!.toLowerCase()}_${m[2].toUpperCase()}`;
}

function parameterObject(p: TemplateParameter, i: number, named: boolean): Record<string, unknown> {
  const where = p.name !== undefined ? `parameter "${p.name}"` : `parameter ${i + 1}`;
  let out: Record<string, unknown>;
  switch (p.type) {
    case 'text':
      if (p.text === '')
        throw invalidInput(`template ${where} is empty`, { code: 'template.empty_parameter' });
      out = { type: 'text', text: p.text };
      break;
    case 'currency':
      if (!/^[A-Z]{3}$/.test(p.code))
        throw invalidInput(
          `template ${where}: "${p.code}" is not an ISO 4217 currency code (e.g. USD, INR)`,
          {
            code: 'template.bad_currency',
          },
        );
      if (!Number.isSafeInteger(p.amount1000))
        throw invalidInput(`template ${where}: amount_1000 must be a whole number (the amount × 1000)`, {
          code: 'template.bad_amount',
        });
      required(p.fallback, `template ${where} fallback value`, 'fallback');
      out = {
        type: 'currency',
        currency: { fallback_value: p.fallback, code: p.code, amount_1000: p.amount1000 },
      };
      break;
    case 'date_time':
      required(p.fallback, `template ${where} date/time`, 'fallback');
      out = { type: 'date_time', date_time: { fallback_value: p.fallback } };
      break;
    default:
      throw invalidInput(`template ${where} has an unknown type`, { code: 'template.bad_parameter' });
  }
  if (named) {
    if (p.name === undefined || !/^[a-z0-9_]+$/.test(p.name))
      throw invalidInput(
        `template parameter name "${p.name ?? ''}" must be lowercase letters, digits and _`,
        {
          code: 'template.bad_parameter_name',
        },
      );
    out.parameter_name = p.name;
  }
  return out;
}

export function templateMessage(env: Envelope, content: Omit<TemplateContent, 'type'>): OutgoingMessage {
  if (!/^[a-z0-9_]+$/.test(content.name))
    throw invalidInput(
      `"${content.name}" is not a template name: Meta's names are lowercase letters, digits and _`,
      {
        code: 'template.bad_name',
      },
    );
  checkLength(content.name, LIMITS.templateName, 'the template name', 'template_name');
  const components: Array<Record<string, unknown>> = [];
  const named = (content.body ?? []).some((p) => p.name !== undefined);
  if (content.header?.type === 'text') {
    // a TEXT header with {{1}} (or a named parameter): its one text parameter
    const h = content.header;
    const parameter = parameterObject({ type: 'text', text: h.text, name: h.name }, 0, h.name !== undefined);
    components.push({ type: 'header', parameters: [parameter] });
  } else if (content.header !== undefined) {
    const h = content.header;
    const media = mediaObject(h.source, `the ${h.type} header`);
    if (h.filename !== undefined) {
      if (h.type !== 'document')
        throw invalidInput('only a document header takes a file name', {
          code: 'message.filename_not_allowed',
        });
      media.filename = h.filename;
    }
    components.push({ type: 'header', parameters: [{ type: h.type, [h.type]: media }] });
  }
  const body = content.body ?? [];
  if (body.length > 0) {
    if (named && body.some((p) => p.name === undefined))
      throw invalidInput('a template takes positional or named parameters, not both', {
        code: 'template.mixed_parameters',
      });
    if (named) {
      const names = body.map((p) => p.name);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup !== undefined)
        throw invalidInput(`template parameter "${dup}" is given twice`, {
          code: 'template.duplicate_parameter',
        });
    }
    components.push({ type: 'body', parameters: body.map((p, i) => parameterObject(p, i, named)) });
  }
  const seen = new Set<number>();
  for (const b of content.buttons ?? []) {
    if (!Number.isInteger(b.index) || b.index < 0 || b.index > 9)
      throw invalidInput(`template button index ${b.index} is outside 0-9`, {
        code: 'template.bad_button_index',
      });
    if (seen.has(b.index))
      throw invalidInput(`template button ${b.index} is given twice`, { code: 'template.duplicate_button' });
    seen.add(b.index);
    const parameter =
      b.subType === 'quick_reply'
        ? {
            type: 'payload',
            payload: required(b.payload, `the payload of template button ${b.index}`, 'payload'),
          }
        : b.subType === 'copy_code'
          ? {
              type: 'coupon_code',
              coupon_code: required(b.code, `the coupon code of template button ${b.index}`, 'coupon_code'),
            }
          : {
              type: 'text',
              text: required(b.text, `the URL suffix of template button ${b.index}`, 'url_suffix'),
            };
    components.push({ type: 'button', sub_type: b.subType, index: String(b.index), parameters: [parameter] });
  }
  const template: Record<string, unknown> = {
    name: content.name,
    language: { policy: 'deterministic', code: templateLanguage(content.language) },
  };
  if (components.length > 0) template.components = components;
  return { ...envelope(env, 'template'), template };
}

// what people write ------------------------------------------------------------------------------
// The short forms a person types or keeps in a file, turned into the contents above. `what` names the
// source in errors (a command passes its flag, e.g. `--list`).

/** "USD 100.99" -> a currency parameter with a fallback written for the template's language. */
export function parseCurrency(value: string, lang: string, what = 'currency'): TemplateParameter {
  const m = /^\s*([A-Za-z]{3})\s+(-?\d+(?:\.\d{1,3})?)\s*$/.exec(value);
  if (!m)
    throw invalidInput(`${what} "${value}" is not "CODE amount" (e.g. "USD 100.99", "INR 499")`, {
      code: 'usage.bad_currency',
    });
  const code = m[1]!.toUpperCase();
  const amount = Number(m[2]);
  let fallback: string;
  try {
    fallback = new Intl.NumberFormat(lang.replace('_', '-'), { style: 'currency', currency: code }).format(
      amount,
    );
  } catch {
    fallback = `${code} ${m[2]}`;
  }
  return { type: 'currency', code, amount1000: Math.round(amount * 1000), fallback };
}

/** What a command gives beside a list file; each wins over the file's own field. */
export interface ListOverrides {
  body?: string | undefined;
  header?: string | undefined;
  footer?: string | undefined;
}

/** A list file: {body?, button, header?, footer?, sections: [{title?, rows: [{id?, title, description?}]}]}. */
export function parseList(data: unknown, overrides: ListOverrides = {}, what = 'the list'): ListContent {
  const bad = (why: string, code = 'usage.bad_list') => invalidInput(`${what}: ${why}`, { code });
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw bad('expected an object {body, button, sections}');
  const d = data as Record<string, unknown>;
  const str = (k: string) => {
    const v = d[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw bad(`"${k}" is not a string`);
    return v;
  };
  const body = overrides.body ?? str('body');
  if (body === undefined)
    throw invalidInput(`${what} needs the message text: "body" in the file, or --body`, {
      code: 'usage.missing_body',
    });
  if (!Array.isArray(d.sections)) throw bad('"sections" is not a list');
  const sections = d.sections.map((s, i): ListSection => {
    const sec = s as { title?: unknown; rows?: unknown };
    if (typeof s !== 'object' || s === null || !Array.isArray(sec.rows))
      throw bad(`section ${i + 1} needs "rows"`);
    return {
      ...(typeof sec.title === 'string' ? { title: sec.title } : {}),
      rows: sec.rows.map((r, j) => {
        const row = r as { id?: unknown; title?: unknown; description?: unknown };
        if (typeof row?.title !== 'string') throw bad(`section ${i + 1} row ${j + 1} needs a "title"`);
        return {
          title: row.title,
          ...(typeof row.id === 'string' ? { id: row.id } : {}),
          ...(typeof row.description === 'string' ? { description: row.description } : {}),
        };
      }),
    };
  });
  const header = overrides.header ?? str('header');
  const footer = overrides.footer ?? str('footer');
  return {
    type: 'list',
    body,
    button: str('button') ?? '',
    sections,
    ...(header === undefined ? {} : { header }),
    ...(footer === undefined ? {} : { footer }),
  };
}

const SHORT_CONTACT_FIELDS = ['name', 'phone', 'email', 'company'] as const;

/**
 * Contact cards from one card or a list: Meta's ContactObject, or the short form {name, phone?, email?,
 * company?} (a string `name`) expanded into one. Either way checked by checkContacts.
 */
export function parseContacts(data: unknown, what = 'contacts'): ContactCard[] {
  const list = Array.isArray(data) ? data : [data];
  return checkContacts(
    list.map((item) => {
      const c = item as Record<string, unknown>;
      if (typeof c !== 'object' || c === null || typeof c.name !== 'string') return item;
      for (const [key, value] of Object.entries(c)) {
        if (!(SHORT_CONTACT_FIELDS as readonly string[]).includes(key))
          throw invalidInput(
            `${what}: unknown field "${key}" in the short form {name, phone, email, company}`,
            {
              code: 'usage.bad_contacts',
            },
          );
        if (typeof value !== 'string')
          throw invalidInput(`${what}: "${key}" of "${c.name}" is not a string`, {
            code: 'usage.bad_contacts',
          });
      }
      return shortContact(c as { [K in (typeof SHORT_CONTACT_FIELDS)[number]]?: string });
    }),
  );
}

function shortContact(c: { name?: string; phone?: string; email?: string; company?: string }): ContactCard {
  const name = c.name!.trim();
  const space = name.indexOf(' ');
  const card: ContactCard = {
    name: {
      formatted_name: name,
      first_name: space === -1 ? name : name.slice(0, space),
      ...(space === -1 ? {} : { last_name: name.slice(space + 1) }),
    },
  };
  if (c.phone !== undefined) {
    const digits = c.phone.replace(/[^\d]/g, '');
    card.phones = [
      { phone: c.phone, type: 'WORK', ...(c.phone.trim().startsWith('+') ? { wa_id: digits } : {}) },
    ];
  }
  if (c.email !== undefined) card.emails = [{ email: c.email, type: 'WORK' }];
  if (c.company !== undefined) card.org = { company: c.company };
  return card;
}

// one entry point ---------------------------------------------------------------------------------

export function buildMessage(env: Envelope, content: MessageContent): OutgoingMessage {
  switch (content.type) {
    case 'text':
      return textMessage(env, content);
    case 'reaction':
      return reactionMessage(env, content);
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return mediaMessage(env, content);
    case 'location':
      return locationMessage(env, content);
    case 'contacts':
      return contactsMessage(env, content);
    case 'buttons':
      return buttonsMessage(env, content);
    case 'list':
      return listMessage(env, content);
    case 'template':
      return templateMessage(env, content);
  }
}

/** The text a store records for a sent message: the text, the caption, or a one-line summary. */
export function summarize(content: MessageContent): string | null {
  switch (content.type) {
    case 'text':
      return content.body;
    case 'reaction':
      return content.emoji === '' ? '(reaction removed)' : content.emoji;
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return content.caption ?? content.filename ?? null;
    case 'location':
      return [content.name, content.address, `${content.latitude},${content.longitude}`]
        .filter((s) => s !== undefined && s !== '')
        .join(' · ');
    case 'contacts':
      return content.contacts.map((c) => c.name.formatted_name).join(', ');
    case 'buttons':
      return `${content.body} [${content.buttons.map((b) => b.title).join(' | ')}]`;
    case 'list':
      return `${content.body} [${content.button}]`;
    case 'template':
      return `template ${content.name} (${content.language})`;
  }
}

/** The API `type` of a content (`buttons` and `list` are `interactive`). */
export function apiType(content: MessageContent): MessageType {
  return content.type === 'buttons' || content.type === 'list' ? 'interactive' : content.type;
}

/** Mark a received message as read, optionally showing a typing indicator (up to 25 s). */
export function markReadPayload(
  messageId: string,
  options: { typing?: boolean } = {},
): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    status: 'read',
    message_id: checkWamid(messageId, 'the message id'),
  };
  if (options.typing) payload.typing_indicator = { type: 'text' };
  return payload;
}
