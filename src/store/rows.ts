// Rows as both stores read them, and their records: the SQLite (./sqlite.ts) and PostgreSQL (./postgres.ts)
// schemas have the same columns, so one mapping serves both.
import { type ContactIdentity, isBsuid, isParentBsuid } from '../core/contact-id.js';
import { invalidInput } from '../core/errors.js';
import { hoursFromData } from '../core/hours.js';
import type {
  AgentRecord,
  AutoReplyKind,
  AutoReplyRecord,
  AutoReplyState,
  ContactIdentifiers,
  ContactRecord,
  ConversationRecord,
  ConversationStatus,
  Direction,
  Keyset,
  MessageError,
  MessageFilter,
  MessageRecord,
  MessageStatus,
} from './store.js';

export interface MessageRow {
  wamid: string;
  direction: Direction;
  wa_id: string;
  type: string;
  text: string | null;
  timestamp: number;
  status: MessageStatus;
  error: string | null;
  reply_to: string | null;
  reason: string | null;
  pricing_model: string | null;
  pricing_type: string | null;
  pricing_category: string | null;
}

/** The columns of a MessageRecord. */
export const MESSAGE_COLUMNS = `wamid, direction, wa_id, type, text, timestamp, status, error, reply_to, reason,
  pricing_model, pricing_type, pricing_category`;

export function toRecord(row: MessageRow): MessageRecord {
  return {
    id: row.wamid,
    direction: row.direction,
    waId: row.wa_id,
    type: row.type,
    text: row.text,
    timestamp: iso(row.timestamp),
    status: row.status,
    error: parseError(row.error),
    replyTo: row.reply_to,
    reason: row.reason,
    pricing:
      row.pricing_category === null && row.pricing_type === null
        ? null
        : { model: row.pricing_model, type: row.pricing_type, category: row.pricing_category },
  };
}

/**
 * The WHERE conditions (named parameters) of a message listing; `first` is a condition that comes before
 * the filter's (the sequence cursor of `listMessagesAfter`). `indexHint`: SQLite's `+status`, which makes a
 * contact's listing walk its own messages rather than everyone's with that status.
 */
export function messageConditions(
  filter: Omit<MessageFilter, 'limit'>,
  limit: number,
  options: { first?: string; indexHint: boolean },
): { where: string[]; params: Record<string, string | number> } {
  const where: string[] = options.first === undefined ? [] : [options.first];
  const params: Record<string, string | number> = {};
  const equal = {
    wa_id: filter.waId,
    direction: filter.direction,
    status: filter.status,
  };
  for (const [column, value] of Object.entries(equal))
    if (value !== undefined) {
      const hinted = column === 'status' && options.indexHint && filter.waId !== undefined;
      where.push(`${hinted ? '+' : ''}${column} = @${column}`);
      params[column] = value;
    }
  if (filter.since !== undefined) {
    const since = filter.since.getTime();
    assertTime(since, 'since');
    where.push('timestamp >= @since');
    params.since = since;
  }
  if (filter.before !== undefined) {
    where.push('(timestamp, seq) < (@beforeAt, @beforeId)');
    [params.beforeAt, params.beforeId] = keysetParams(filter.before);
  }
  assertLimit(limit);
  params.limit = limit;
  return { where, params };
}

export function keysetParams(k: Keyset): [number, number] {
  if (!Number.isSafeInteger(k.at) || !Number.isSafeInteger(k.id))
    throw invalidInput('the cursor is not a position in this list', { code: 'store.bad_cursor' });
  return [k.at, k.id];
}

export function assertLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw invalidInput(`limit must be a positive integer, got ${limit}`, { code: 'store.bad_limit' });
}

export function assertTime(ms: number, what: string): void {
  if (!Number.isFinite(ms)) throw invalidInput(`${what} is not a valid time`, { code: 'store.bad_time' });
}

/** A Date as the stores keep it (ms); invalid-input for an invalid date. */
export function time(date: Date, what: string): number {
  const ms = date.getTime();
  assertTime(ms, what);
  return ms;
}

/** A value as a JSON column holds it; null for none. */
export function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

export function parseError(text: string | null): MessageError | null {
  return text === null ? null : (JSON.parse(text) as MessageError | null);
}

// -- the inbox -----------------------------------------------------------------------------

/** The identifier columns of a contacts row. */
export interface IdentifierColumns {
  wa_id: string;
  phone: string | null;
  user_id: string | null;
  parent_user_id: string | null;
  username: string | null;
  name: string | null;
}

/** The identifier columns of a contacts row as a record's fields. */
export function identifiersOf(row: IdentifierColumns): ContactIdentifiers {
  return {
    waId: row.wa_id,
    phone: row.phone,
    userId: row.user_id,
    parentUserId: row.parent_user_id,
    username: row.username,
    name: row.name,
  };
}

/** An identifier given alone (a send's `to`, a status's recipient): its kind from its shape. */
export function identityOf(id: string): ContactIdentity {
  if (isParentBsuid(id)) return { parentUserId: id };
  if (isBsuid(id)) return { userId: id };
  return { phone: id };
}

export interface ConversationRow extends IdentifierColumns {
  id: number | null;
  status: ConversationStatus | null;
  assignee: string | null;
  campaign: string | null;
  referral: string | null;
  unread: number | null;
  last_inbound_at: number | null;
  last_outbound_at: number | null;
  last_message_at: number | null;
  handoff_at: number | null;
  last_seq: number | null;
  sort_at: number | null;
  labels: string | null;
  awaiting_since: number | null;
  response_at: number | null;
  response_awaited_since: number | null;
}

/** The inbox's order: latest activity first (served by the conversations_* indexes). */
export const SORT_AT = 'coalesce(c.last_message_at, c.created_at)';

/**
 * A conversation with its contact (`c`, `ct`): kept values only, no read of its messages. `labels` is the
 * dialect's aggregate of the contact's sorted labels joined by U+001F.
 */
export function conversationColumns(labels: string): string {
  return `c.id, ct.wa_id, ct.phone, ct.user_id, ct.parent_user_id, ct.username, ct.name,
  c.status, c.assignee, c.campaign, c.referral, c.unread, c.last_inbound_at, c.last_outbound_at,
  c.last_message_at, c.handoff_at, c.last_seq, ${SORT_AT} AS sort_at, c.response_at, c.response_awaited_since,
  CASE WHEN c.status = 'open' THEN c.awaiting_since END AS awaiting_since, ${labels} AS labels`;
}

export function toConversation(row: ConversationRow, last: MessageRow | undefined): ConversationRecord {
  let referral: unknown = null;
  if (row.referral !== null) {
    try {
      referral = JSON.parse(row.referral);
    } catch {
      referral = row.referral;
    }
  }
  return {
    ...identifiersOf(row),
    status: row.status ?? 'open',
    assignee: row.assignee,
    campaign: row.campaign,
    referral,
    labels: row.labels === null ? [] : row.labels.split('\u001f'),
    unread: row.unread ?? 0,
    lastInboundAt: isoOrNull(row.last_inbound_at),
    lastOutboundAt: isoOrNull(row.last_outbound_at),
    lastMessageAt: isoOrNull(row.last_message_at),
    handoffAt: isoOrNull(row.handoff_at),
    lastMessage: last === undefined ? null : toRecord(last),
    awaitingReplySince: isoOrNull(row.awaiting_since),
    responseAt: isoOrNull(row.response_at),
    responseAwaitedSince: isoOrNull(row.response_awaited_since),
    cursor: row.id === null ? null : { at: row.sort_at!, id: row.id },
  };
}

// -- contacts, automatic replies, agents ------------------------------------------------------

export type IdKind = 'phone' | 'user_id' | 'parent_user_id';

export interface ContactRow extends IdentifierColumns {
  opted_out_at: number | null;
  opt_out_source: string | null;
  opt_out_changed_at: number | null;
  first_seen_at: number | null;
  created_at: number;
}

export const CONTACT_COLUMNS = `wa_id, phone, user_id, parent_user_id, username, name, opted_out_at,
  opt_out_source, opt_out_changed_at, first_seen_at, created_at`;

/** A contact with every identifier it was ever seen with (`ids`, oldest first). */
export function toContact(
  row: ContactRow,
  ids: ReadonlyArray<{ kind: IdKind; value: string }>,
): ContactRecord {
  const current = new Set([row.phone, row.user_id, row.parent_user_id]);
  return {
    ...identifiersOf(row),
    formerIds: ids.filter((id) => !current.has(id.value)),
    optOut: {
      optedOut: row.opted_out_at !== null,
      source: row.opt_out_source,
      at: isoOrNull(row.opt_out_changed_at),
    },
    firstSeenAt: isoOrNull(row.first_seen_at),
    createdAt: iso(row.created_at),
  };
}

/** The identifiers of an identity, phone first. */
export function idsOf(identity: ContactIdentity): Array<[IdKind, string]> {
  const ids: Array<[IdKind, string]> = [];
  if (identity.phone) ids.push(['phone', identity.phone]);
  if (identity.userId) ids.push(['user_id', identity.userId]);
  if (identity.parentUserId) ids.push(['parent_user_id', identity.parentUserId]);
  return ids;
}

export interface AutoReplyRow {
  id: number;
  inbound_wamid: string;
  wa_id: string;
  kind: AutoReplyKind;
  reason: string;
  rule: string | null;
  state: AutoReplyState;
  created_at: number;
  updated_at: number;
}

/** A claim is taken when its updated_at moved past created_at (see Store.takeAutoReply). */
export function toAutoReply(r: AutoReplyRow): AutoReplyRecord {
  return {
    id: r.id,
    inboundWamid: r.inbound_wamid,
    waId: r.wa_id,
    kind: r.kind,
    reason: r.reason,
    rule: r.rule,
    state: r.state,
    createdAt: iso(r.created_at),
    takenAt: r.updated_at > r.created_at ? iso(r.updated_at) : null,
  };
}

export interface AgentRow {
  name: string;
  email: string | null;
  hours: string | null;
  time_zone: string;
  available: number;
  created_at: number;
  updated_at: number;
}

export const AGENT_COLUMNS = 'name, email, hours, time_zone, available, created_at, updated_at';

export function toAgent(row: AgentRow): AgentRecord {
  let week = null;
  if (row.hours !== null) {
    const parsed = hoursFromData({ timeZone: row.time_zone, week: JSON.parse(row.hours) });
    if (parsed.hours === undefined)
      throw new Error(`agent "${row.name}": stored hours are invalid: ${parsed.problems.join('; ')}`);
    week = parsed.hours.week;
  }
  return {
    name: row.name,
    email: row.email,
    week,
    timeZone: row.time_zone,
    available: row.available === 1,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
