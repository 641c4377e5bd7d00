// What the inbox commands share: the contact argument (known to the store, else exit 6), the JSON
// shape of a conversation, and the human formatting of times, durations and previews.
import type { ChalkInstance } from 'chalk';
import type { Deps } from '../../cli/deps.js';
import { PLAIN, style } from '../../cli/output.js';
import { contactLabel } from '../../core/contact-id.js';
import { encodeCursor } from '../../core/cursor.js';
import { parseDuration } from '../../core/duration.js';
import { notFound } from '../../core/errors.js';
import type { BusinessHours } from '../../core/hours.js';
import { formatDuration, oneLine } from '../../core/text.js';
import { customerServiceWindow } from '../../core/window.js';
import type { ConversationRecord, Direction, MessageStatus, Store } from '../../store/store.js';
import { identifiersJson, resolveContactArg } from '../shared/contact-arg.js';
import { loadHours } from '../template/shared.js';

/** A conversation in `inbox --json` (and in the other inbox commands' JSON): keep it stable. */
export interface InboxConversation {
  /** The phone in digits only; null for a customer known only by BSUID or username. */
  waId: string | null;
  /** E.164: +919876543210; null when not known. */
  phone: string | null;
  /** The business-scoped user id (BSUID), null when not known. */
  userId: string | null;
  parentUserId: string | null;
  /** Without the @. */
  username: string | null;
  name: string | null;
  status: 'open' | 'resolved';
  assignee: string | null;
  /** Sorted, lower case. */
  labels: string[];
  /** The `wabox link --ref` campaign the customer came from. */
  campaign: string | null;
  /** A click-to-WhatsApp ad referral as WhatsApp sent it. */
  referral: unknown;
  unread: number;
  lastMessage: InboxLastMessage | null;
  /** ISO 8601 (UTC); the 24-hour window derives from it. */
  lastInboundAt: string | null;
  /** Free-form messages allowed now (the customer wrote within 24 hours). */
  windowOpen: boolean;
  /** lastInboundAt + 24 h; null when the customer never wrote. */
  windowClosesAt: string | null;
  /** Milliseconds until the window closes (0 once closed); null when the customer never wrote. */
  windowRemainingMs: number | null;
  /** The customer is waiting for a person: see awaitingReplySince. */
  unanswered: boolean;
  /** The oldest customer message no person answered yet (automatic replies do not count). */
  awaitingReplySince: string | null;
  /** How long the customer has waited: now - awaitingReplySince. */
  waitingMs: number | null;
  /** When a hand-off keyword stopped automatic replies. */
  handoffAt: string | null;
  /** Business seconds from the start of the latest answered wait to its first answer; null before one. */
  firstResponseSeconds: number | null;
  /** awaitingReplySince + the sla.first-response target in business time; null when answered or no target. */
  slaDueAt: string | null;
  /** Business milliseconds left until slaDueAt, negative once over; null with slaDueAt. */
  slaRemainingMs: number | null;
  /** over: past slaDueAt; at-risk: less than 20% of the target left; null with slaDueAt. */
  slaState: 'ok' | 'at-risk' | 'over' | null;
  /** Its place in the inbox: `wabox inbox --before <cursor>` lists the conversations after it. */
  cursor: string | null;
}

export interface InboxLastMessage {
  id: string;
  direction: Direction;
  type: string;
  text: string | null;
  timestamp: string;
  status: MessageStatus;
  /** Why wabox sent it by itself (greeting, away, keyword:<rule>); null for a person or the customer. */
  reason: string | null;
}

/** What the SLA figures need: the business hours (none: wall-clock time) and the first-response target. */
export interface Sla {
  hours: BusinessHours | undefined;
  targetMs: number | null;
  /** Time in business hours (core/business-time.ts): loaded with the hours, as it loads luxon. */
  time: Pick<
    typeof import('../../core/business-time.js'),
    'addBusinessMs' | 'businessMs' | 'businessSeconds'
  >;
}

/** Less than this share of the target left is at risk. */
const AT_RISK_SHARE = 0.2;

export async function loadSla(deps: Deps): Promise<Sla> {
  const target = (await deps.config()).get('sla.first-response');
  const [time, hours] = await Promise.all([import('../../core/business-time.js'), loadHours(deps)]);
  return { hours, targetMs: target === undefined ? null : parseDuration(target), time };
}

function slaOf(c: ConversationRecord, now: Date, sla: Sla) {
  const { addBusinessMs, businessMs, businessSeconds } = sla.time;
  const since = (iso: string | null) => (iso === null ? null : new Date(iso));
  const waitStart = since(c.responseAwaitedSince);
  const answer = since(c.responseAt);
  const firstResponseSeconds =
    waitStart === null || answer === null ? null : businessSeconds(sla.hours, waitStart, answer);
  const awaiting = since(c.awaitingReplySince);
  const due =
    awaiting === null || sla.targetMs === null ? null : addBusinessMs(sla.hours, awaiting, sla.targetMs);
  if (due === null || sla.targetMs === null)
    return { firstResponseSeconds, slaDueAt: null, slaRemainingMs: null, slaState: null };
  const over = now.getTime() >= due.getTime();
  const remaining = over ? -businessMs(sla.hours, due, now) : businessMs(sla.hours, now, due);
  return {
    firstResponseSeconds,
    slaDueAt: due.toISOString(),
    slaRemainingMs: remaining,
    slaState: over
      ? ('over' as const)
      : remaining < AT_RISK_SHARE * sla.targetMs
        ? ('at-risk' as const)
        : ('ok' as const),
  };
}

export function toInboxConversation(c: ConversationRecord, now: Date, sla: Sla): InboxConversation {
  const lastInbound = c.lastInboundAt === null ? null : new Date(c.lastInboundAt);
  const window = customerServiceWindow(lastInbound, now);
  const m = c.lastMessage;
  return {
    ...identifiersJson(c),
    name: c.name,
    status: c.status,
    assignee: c.assignee,
    labels: c.labels,
    campaign: c.campaign,
    referral: c.referral ?? null,
    unread: c.unread,
    lastMessage:
      m === null
        ? null
        : {
            id: m.id,
            direction: m.direction,
            type: m.type,
            text: m.text,
            timestamp: m.timestamp,
            status: m.status,
            reason: m.reason,
          },
    lastInboundAt: c.lastInboundAt,
    windowOpen: window.open,
    windowClosesAt: window.closesAt?.toISOString() ?? null,
    windowRemainingMs: window.remainingMs,
    unanswered: c.awaitingReplySince !== null,
    awaitingReplySince: c.awaitingReplySince,
    waitingMs:
      c.awaitingReplySince === null
        ? null
        : Math.max(0, now.getTime() - new Date(c.awaitingReplySince).getTime()),
    handoffAt: c.handoffAt,
    ...slaOf(c, now, sla),
    cursor: c.cursor === null ? null : encodeCursor(c.cursor),
  };
}

/**
 * The contact named on the command line (any phone form, as for `wabox link`, a BSUID or @username)
 * and its conversation. `waId` is the contact's key. A contact the store has never seen is not-found (exit 6).
 */
export async function resolveKnownContact(
  deps: Deps,
  input: string,
  options: { country?: string | undefined } = {},
): Promise<{ store: Store; waId: string; conversation: ConversationRecord }> {
  const target = await resolveContactArg(deps, input, { country: options.country, known: true });
  const store = await deps.store();
  const conversation = await store.getConversation(target.waId);
  if (conversation === null)
    throw notFound(
      `no conversation with ${contactLabel(target)}: the store has no message to or from this contact`,
      {
        code: 'contact.not_found',
        hint: 'list the known conversations with: wabox inbox; the store is filled by `wabox send` and `wabox webhook serve`',
        details: { waId: target.waId },
      },
    );
  return { store, waId: conversation.waId, conversation };
}

/** Colours for stdout's human form: only when stdout is a terminal and colour is on. */
export function stdoutStyle(deps: Deps): ChalkInstance {
  return deps.io.isStdoutTTY ? style(deps.io) : PLAIN;
}

/** The 24-hour window in words: "21h 55m left", "closed", "none" (the customer never wrote). */
export function windowText(c: InboxConversation): string {
  if (c.windowClosesAt === null) return 'none';
  return c.windowOpen ? `${formatDuration(c.windowRemainingMs ?? 0)} left` : 'closed';
}

/** What label, assign, resolve and reopen print with --json: whether anything changed, and the result. */
export interface ConversationChange {
  changed: boolean;
  conversation: InboxConversation;
}

/**
 * The contact's profile name, or null when there is none or it is only the number again (a contact
 * whose WhatsApp profile has no name, or a simulated one without --name), so the number is not shown twice.
 */
export function knownName(c: { name: string | null; phone: string | null }): string | null {
  return c.name === null || c.name.replace(/\D/g, '') === c.phone?.slice(1) ? null : c.name;
}

/** How the customer of a conversation is shown: the phone, else @username, else the BSUID. */
export function who(c: InboxConversation): string {
  return contactLabel({ waId: c.userId ?? '', phone: c.waId, userId: c.userId, username: c.username });
}

/** The human line for a change: "+919876543210 (Asha Rao): <what>" or "... already <what>". */
export function changeLine(r: ConversationChange, done: string, already: string): string {
  const c = r.conversation;
  const name = knownName(c);
  const shown = name === null ? who(c) : `${who(c)} (${oneLine(name)})`;
  return `${shown}: ${r.changed ? done : already}`;
}

/** Re-reads the conversation after a change. */
export async function changed(
  deps: Deps,
  store: Store,
  waId: string,
  didChange: boolean,
): Promise<ConversationChange> {
  const conversation = await store.getConversation(waId);
  return {
    changed: didChange,
    conversation: toInboxConversation(conversation!, deps.clock(), await loadSla(deps)),
  };
}
