// Webhook payloads -> flat events (../shared/reference/cloud-api.md §4.4). Every entry, change,
// message, status and error is visited, never only [0]; what wabox does not understand becomes a raw
// event to be stored as it came, never a crash.
import type { ContactIdentity } from '../core/contact-id.js';
import { extractRef } from '../core/link.js';

export interface WebhookErrorInfo {
  code: number | null;
  title: string;
  message: string | null;
  details: string | null;
}

export interface Referral {
  sourceUrl: string | null;
  sourceId: string | null;
  sourceType: string | null;
  headline: string | null;
  body: string | null;
  ctwaClid: string | null;
}

export interface InboundMessage {
  kind: 'message';
  /** `in` for a customer's message; `out` for an echo of a message the business sent from its app. */
  direction: 'in' | 'out';
  id: string;
  /** The customer (sender of inbound, recipient of an echo): the phone digits, else the BSUID. */
  waId: string;
  /** Every identifier the payload gives the customer (message and contacts[] entry together). */
  identity: ContactIdentity;
  /**
   * Other identifiers the message shows to be the same person: the new ones of a user_changed_number /
   * user_changed_user_id system message, the phone shared in answer to request_contact_info.
   */
  linkTo: ContactIdentity | null;
  name: string | null;
  timestamp: Date;
  type: string;
  /** Text, caption, chosen button/row title, emoji of a reaction, or a short summary; null if none. */
  text: string | null;
  /** A campaign ref tag found in the text (wabox link --ref). */
  ref: string | null;
  referral: Referral | null;
  /** The quoted message (context.id). */
  replyTo: string | null;
  errors: WebhookErrorInfo[];
  /** False for a message type wabox does not know; it is stored with its payload. */
  known: boolean;
  phoneNumberId: string | null;
  payload: unknown;
}

export interface StatusUpdate {
  kind: 'status';
  /** The wamid of our outbound message. */
  id: string;
  status: string;
  timestamp: Date;
  recipientId: string | null;
  /** recipient_user_id: the recipient's BSUID. */
  recipientUserId: string | null;
  /** What Meta charges for the message; null when the status carries none (failed, some reads). */
  pricing: Pricing | null;
  errors: WebhookErrorInfo[];
  phoneNumberId: string | null;
  payload: unknown;
}

export interface Pricing {
  /** PMP (per-message pricing); CBP on older payloads. */
  model: string | null;
  /** regular (billed) | free_customer_service | free_entry_point. */
  type: string | null;
  /** marketing | utility | authentication | authentication_international | service | marketing_lite | ... */
  category: string | null;
}

/** A contacts[] entry that names one person by two identifiers or more (phone and BSUID). */
export interface IdentityLink {
  kind: 'link';
  identity: ContactIdentity;
}

/** A user_preferences webhook entry: a user stopped or resumed a category of messages. */
export interface PreferenceUpdate {
  kind: 'preference';
  identity: ContactIdentity;
  /** marketing_messages */
  category: string;
  /** stop | resume (others, e.g. signup, are kept but change no opt-out) */
  value: string;
  detail: string | null;
  timestamp: Date;
  payload: unknown;
}

export interface ChangeError {
  kind: 'error';
  error: WebhookErrorInfo;
  phoneNumberId: string | null;
  /** As RawEvent's. */
  entry?: EntryKey;
}

/** Where a non-message event came from: its entry's id and time. */
export interface EntryKey {
  id: string | null;
  time: string | null;
}

export interface RawEvent {
  kind: 'raw';
  field: string;
  /** Why it is raw: an unknown field, an unknown message type, a malformed part. */
  reason: string;
  value: unknown;
  /**
   * The id and time of the entry it came in: two events with the same value are two events when they
   * came at different times (APPROVED, PAUSED, APPROVED again), one when redelivered (byte-identical).
   */
  entry?: EntryKey;
}

export type WebhookEvent =
  | InboundMessage
  | StatusUpdate
  | ChangeError
  | RawEvent
  | IdentityLink
  | PreferenceUpdate;

const KNOWN_TYPES = new Set([
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'reaction',
  'button',
  'interactive',
  'order',
  'system',
  'unsupported',
  'unknown',
  'revoke',
  'edit',
  'request_welcome',
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** True when the body has the shape of a webhook POST: an object with an `entry` array. */
export function isWebhookPayload(body: unknown): body is { object?: unknown; entry: unknown[] } {
  return isObj(body) && Array.isArray(body.entry);
}

/** Deeper parts become raw events, pruned to this depth: storing them would overflow the stack. */
export const MAX_PART_DEPTH = 64;
/** A body no deeper than this has no part deeper than MAX_PART_DEPTH (entry > changes > value > messages). */
const MAX_BODY_DEPTH = MAX_PART_DEPTH + 8;

export function parseWebhook(body: { entry: unknown[] }): WebhookEvent[] {
  const guard = deeperThan(body, MAX_BODY_DEPTH);
  const events: WebhookEvent[] = [];
  for (const entry of body.entry) {
    if (!isObj(entry) || !Array.isArray(entry.changes)) {
      events.push(
        checked({ kind: 'raw', field: 'entry', reason: 'entry without changes', value: entry }, guard),
      );
      continue;
    }
    const key: EntryKey = { id: str(entry.id), time: str(entry.time) };
    for (const change of entry.changes)
      for (const event of parseChange(change, guard)) {
        if (event.kind === 'raw' || event.kind === 'error') event.entry = key;
        events.push(event);
      }
  }
  return events;
}

function parseChange(change: unknown, guard: boolean): WebhookEvent[] {
  if (!isObj(change) || !isObj(change.value))
    return [checked({ kind: 'raw', field: 'change', reason: 'change without value', value: change }, guard)];
  const field = str(change.field) ?? '';
  const value = change.value;
  if (field === 'user_preferences' && !(guard && deeperThan(value, MAX_PART_DEPTH)))
    return parsePreferences(value);
  if (field !== 'messages' && field !== 'smb_message_echoes')
    return [checked({ kind: 'raw', field, reason: 'field', value }, guard)];
  const phoneNumberId = isObj(value.metadata) ? str(value.metadata.phone_number_id) : null;
  const contacts = contactsOf(value.contacts);
  const events: WebhookEvent[] = [];
  const tooDeep = (part: unknown, what: string): RawEvent | null =>
    guard && deeperThan(part, MAX_PART_DEPTH)
      ? {
          kind: 'raw',
          field,
          reason: `${what} nested deeper than ${MAX_PART_DEPTH} levels`,
          value: prune(part),
        }
      : null;
  for (const message of list(value.messages))
    events.push(tooDeep(message, 'message') ?? parseMessage(message, 'in', contacts, phoneNumberId));
  for (const echo of list(value.message_echoes))
    events.push(tooDeep(echo, 'message') ?? parseMessage(echo, 'out', contacts, phoneNumberId));
  for (const status of list(value.statuses))
    events.push(tooDeep(status, 'status') ?? parseStatus(status, phoneNumberId));
  for (const error of list(value.errors))
    events.push(tooDeep(error, 'error') ?? { kind: 'error', error: parseError(error), phoneNumberId });
  for (const identity of new Set(contacts.values()))
    if ([identity.phone, identity.userId, identity.parentUserId].filter(Boolean).length > 1)
      events.push({ kind: 'link', identity });
  if (guard && deeperThan(value.contacts, MAX_PART_DEPTH))
    events.push({
      kind: 'raw',
      field,
      reason: `contacts nested deeper than ${MAX_PART_DEPTH} levels`,
      value: prune(value.contacts),
    });
  return events;
}

type Contact = ContactIdentity & { name: string | null };

/** contacts[] entries by each of their identifiers (wa_id, user_id). */
function contactsOf(entries: unknown): Map<string, Contact> {
  const byId = new Map<string, Contact>();
  for (const c of list(entries)) {
    if (!isObj(c)) continue;
    const profile = isObj(c.profile) ? c.profile : {};
    const contact: Contact = {
      phone: str(c.wa_id),
      userId: str(c.user_id),
      parentUserId: str(c.parent_user_id),
      username: usernameOf(str(profile.username)),
      name: str(profile.name),
    };
    for (const id of [contact.phone, contact.userId]) if (id) byId.set(id, contact);
  }
  return byId;
}

function usernameOf(v: string | null): string | null {
  const name = v?.trim().replace(/^@/, '');
  return name ? name : null;
}

function parsePreferences(value: Obj): WebhookEvent[] {
  const contacts = contactsOf(value.contacts);
  return list(value.user_preferences).map((p): WebhookEvent => {
    const phone = isObj(p) ? str(p.wa_id) : null;
    const userId = isObj(p) ? str(p.user_id) : null;
    const timestamp = isObj(p) ? unixTime(p.timestamp) : null;
    if (!isObj(p) || (!phone && !userId) || !timestamp || !str(p.value))
      return {
        kind: 'raw',
        field: 'user_preferences',
        reason: 'preference without user, value or time',
        value: p,
      };
    const known = contacts.get(userId ?? '') ?? contacts.get(phone ?? '');
    return {
      kind: 'preference',
      identity: {
        phone: phone ?? known?.phone ?? null,
        userId: userId ?? known?.userId ?? null,
        parentUserId: str(p.parent_user_id) ?? known?.parentUserId ?? null,
        username: known?.username ?? null,
      },
      category: str(p.category) ?? '',
      value: str(p.value)!,
      detail: str(p.detail),
      timestamp,
      payload: p,
    };
  });
}

/** A raw event whose value is too deep to store becomes one with its value pruned. */
function checked(event: RawEvent, guard: boolean): RawEvent {
  if (!guard || !deeperThan(event.value, MAX_PART_DEPTH)) return event;
  return {
    ...event,
    reason: `${event.reason}; nested deeper than ${MAX_PART_DEPTH} levels`,
    value: prune(event.value),
  };
}

/** True when objects and arrays nest more than `limit` levels; iterative, so any depth is safe. */
function deeperThan(root: unknown, limit: number): boolean {
  if (typeof root !== 'object' || root === null) return false;
  const stack: Array<[object, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > limit) return true;
    for (const child of Object.values(node))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/** A copy cut at MAX_PART_DEPTH levels (what lies below is replaced by a marker string). */
function prune(v: unknown, depth = 1): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (depth > MAX_PART_DEPTH) return '[pruned]';
  if (Array.isArray(v)) return v.map((x) => prune(x, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, prune(x, depth + 1)]));
}

function parseMessage(
  m: unknown,
  direction: 'in' | 'out',
  contacts: Map<string, Contact>,
  phoneNumberId: string | null,
): WebhookEvent {
  const field = direction === 'in' ? 'messages' : 'smb_message_echoes';
  if (!isObj(m)) return { kind: 'raw', field, reason: 'message is not an object', value: m };
  const id = str(m.id);
  const phone = direction === 'in' ? str(m.from) : str(m.to);
  const userId = direction === 'in' ? str(m.from_user_id) : str(m.to_user_id);
  const waId = phone ?? userId;
  const timestamp = unixTime(m.timestamp);
  if (!id || !waId || !timestamp)
    return { kind: 'raw', field, reason: 'message without id, sender or timestamp', value: m };
  const type = str(m.type) ?? 'unknown';
  const text = messageText(type, m);
  const known = (userId ? contacts.get(userId) : undefined) ?? (phone ? contacts.get(phone) : undefined);
  const identity: ContactIdentity = {
    phone: phone ?? known?.phone ?? null,
    userId: userId ?? known?.userId ?? null,
    parentUserId: str(m.from_parent_user_id) ?? known?.parentUserId ?? null,
    username: known?.username ?? null,
  };
  return {
    kind: 'message',
    direction,
    id,
    waId,
    identity,
    linkTo: direction === 'in' ? sameperson(type, m) : null,
    name: known?.name ?? null,
    timestamp,
    type,
    text,
    ref: text === null ? null : extractRef(text).ref,
    referral: isObj(m.referral) ? parseReferral(m.referral) : null,
    replyTo: isObj(m.context) ? str(m.context.id) : null,
    errors: list(m.errors).map(parseError),
    known: KNOWN_TYPES.has(type),
    phoneNumberId,
    payload: m,
  };
}

/**
 * The identifiers a message says belong to its sender too: the new phone or BSUID of a user_changed_*
 * system message, the phone shared through a request_contact_info button (contacts[].origin
 * contact_request; a card shared by hand may be anyone's).
 */
function sameperson(type: string, m: Obj): ContactIdentity | null {
  if (type === 'system' && isObj(m.system)) {
    const kind = str(m.system.type);
    if (kind !== 'user_changed_number' && kind !== 'user_changed_user_id') return null;
    const link = {
      phone: str(m.system.wa_id),
      userId: str(m.system.user_id),
      parentUserId: str(m.system.parent_user_id),
    };
    return link.phone || link.userId ? link : null;
  }
  if (type === 'contacts')
    for (const c of list(m.contacts)) {
      if (!isObj(c) || str(c.origin) !== 'contact_request') continue;
      for (const p of list(c.phones)) {
        const phone = isObj(p) ? str(p.wa_id) : null;
        if (phone) return { phone };
      }
    }
  return null;
}

function messageText(type: string, m: Obj): string | null {
  const part = isObj(m[type]) ? (m[type] as Obj) : {};
  switch (type) {
    case 'text':
      return str(part.body);
    case 'image':
    case 'video':
    case 'document':
      return str(part.caption) ?? (type === 'document' ? str(part.filename) : null);
    case 'reaction':
      return str(part.emoji) ?? '';
    case 'button':
      return str(part.text);
    case 'interactive': {
      const reply = isObj(part.button_reply)
        ? part.button_reply
        : isObj(part.list_reply)
          ? part.list_reply
          : null;
      if (reply) return str(reply.title);
      return isObj(part.nfm_reply) ? str(part.nfm_reply.body) : null;
    }
    case 'location':
      return (
        str(part.name) ??
        str(part.address) ??
        (part.latitude !== undefined ? `${part.latitude},${part.longitude}` : null)
      );
    case 'contacts':
      return (
        list(m.contacts)
          .map((c) => (isObj(c) && isObj(c.name) ? str(c.name.formatted_name) : null))
          .filter(Boolean)
          .join(', ') || null
      );
    case 'order':
      return str(part.text) || `order of ${list(part.product_items).length} item(s)`;
    case 'system':
      return str(part.body);
    case 'edit':
      return isObj(part.message) ? messageText(str(part.message.type) ?? '', part.message) : null;
    default:
      return null;
  }
}

function parseStatus(s: unknown, phoneNumberId: string | null): WebhookEvent {
  if (!isObj(s)) return { kind: 'raw', field: 'messages', reason: 'status is not an object', value: s };
  const id = str(s.id);
  const status = str(s.status);
  const timestamp = unixTime(s.timestamp);
  if (!id || !status || !timestamp)
    return { kind: 'raw', field: 'messages', reason: 'status without id, status or timestamp', value: s };
  return {
    kind: 'status',
    id,
    status,
    timestamp,
    recipientId: str(s.recipient_id),
    recipientUserId: str(s.recipient_user_id),
    pricing: isObj(s.pricing)
      ? { model: str(s.pricing.pricing_model), type: str(s.pricing.type), category: str(s.pricing.category) }
      : null,
    errors: list(s.errors).map(parseError),
    phoneNumberId,
    payload: s,
  };
}

function parseError(e: unknown): WebhookErrorInfo {
  if (!isObj(e)) return { code: null, title: 'unknown error', message: null, details: null };
  return {
    code: typeof e.code === 'number' ? e.code : null,
    title: str(e.title) ?? str(e.message) ?? 'unknown error',
    message: str(e.message),
    details: isObj(e.error_data) ? str(e.error_data.details) : null,
  };
}

function parseReferral(r: Obj): Referral {
  return {
    sourceUrl: str(r.source_url),
    sourceId: str(r.source_id),
    sourceType: str(r.source_type),
    headline: str(r.headline),
    body: str(r.body),
    ctwaClid: str(r.ctwa_clid),
  };
}

/** Null when not a Unix time in seconds that a Date can hold (`"99999999999999999999"`, `1e300`). */
function unixTime(v: unknown): Date | null {
  const seconds =
    typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? null : date;
}
