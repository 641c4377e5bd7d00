// The Store: wabox's own record of messages, because the Cloud API cannot list them
// (../shared/DESIGN.md §6). Async so a PostgreSQL implementation fits the same interface.
// SQLite (better-sqlite3) is the embedded default: src/store/sqlite.ts.
import type { AssignPolicy } from '../core/assign.js';
import type { ContactFacts } from '../core/autoreply.js';
import type { ContactIdentity } from '../core/contact-id.js';
import type { PricedSend } from '../core/costs.js';
import type { WeekSchedule } from '../core/hours.js';
import type { SegmentNode } from '../core/segment.js';

export type { ContactIdentity };

export type Direction = 'in' | 'out';

/**
 * The store-wide setting that replaces core/contact-id.ts DEFAULT_STOP_KEYWORDS: a JSON array of
 * strings (empty: no message opts out by itself); anything else means the defaults.
 */
export const STOP_KEYWORDS_SETTING = 'optOut.keywords';

/**
 * Outbound: `accepted` (the API took it) or `failed` (it refused; error set), then the webhook's
 * `sent` | `delivered` | `read` | `played` | `failed`. Inbound: `received`, then `read` once an agent saw it.
 */
export type MessageStatus = 'accepted' | 'failed' | 'sent' | 'delivered' | 'read' | 'played' | 'received';

export interface MessageError {
  code: number | null;
  title: string;
  details?: string | null;
}

export interface MessageRecord {
  /** The wamid; for a send the API refused, a local id `local.<uuid>`. */
  id: string;
  direction: Direction;
  /** The contact: digits only. */
  waId: string;
  /** text, image, template, interactive, reaction, location, ... */
  type: string;
  /** The text, caption or a one-line summary; null when there is none. */
  text: string | null;
  /** ISO 8601 with offset. */
  timestamp: string;
  status: MessageStatus;
  error: MessageError | null;
  /** The wamid this message replies to (context.message_id), if any. */
  replyTo: string | null;
  /** Why wabox sent it by itself (greeting, away, keyword:<rule>), null for a person's send. */
  reason: string | null;
  /** What Meta said it charges (from the status webhooks); null until a status carried it. */
  pricing: PricingRecord | null;
}

export interface PricingRecord {
  /** PMP since July 2025. */
  model: string | null;
  /** regular (billed) | free_customer_service | free_entry_point. */
  type: string | null;
  /** marketing | utility | authentication | authentication_international | service | marketing_lite | referral_conversion. */
  category: string | null;
}

export interface OutboundRecord {
  id: string;
  waId: string;
  type: string;
  text: string | null;
  timestamp: Date;
  status: 'accepted' | 'failed';
  error?: MessageError | null;
  replyTo?: string | null;
  reason?: string | null;
  /** The request body as sent (token never included). */
  payload?: unknown;
  /** The business phone number id that sent it. */
  phoneNumberId?: string | null;
  /** Every identifier known for the recipient; waId alone (phone digits or a BSUID) when absent. */
  identity?: ContactIdentity;
}

/** A customer's message from the webhook. */
export interface InboundRecord {
  /** The wamid. */
  id: string;
  waId: string;
  /** The profile name WhatsApp gives (contacts[].profile.name). */
  name?: string | null;
  type: string;
  text: string | null;
  timestamp: Date;
  replyTo?: string | null;
  /** The message object as received. */
  payload?: unknown;
  /** The business phone number id that received it. */
  phoneNumberId?: string | null;
  /** A `wabox link --ref` campaign code found in the text: it tags the conversation. */
  ref?: string | null;
  /** A click-to-WhatsApp ad referral object as received: stored on the conversation. */
  referral?: unknown;
  /**
   * Every identifier the payload gives the sender; when absent, waId alone. The message is stored on the
   * contact any of them names (waId is then the hint for a new contact's key).
   */
  identity?: ContactIdentity;
  /** Identifiers the message shows to be the sender's too (a number change, a shared phone): merged. */
  linkTo?: ContactIdentity | null;
}

/** A delivery status from the webhook for one of our messages. */
export interface StatusRecord {
  /** The wamid of the outbound message. */
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'played' | 'failed';
  timestamp: Date;
  /** The recipient (recipient_id). */
  waId?: string | null;
  error?: MessageError | null;
  payload?: unknown;
  /** The status's pricing, stored on its message (the latest that carried one wins). */
  pricing?: PricingRecord | null;
}

export interface MessageFilter {
  waId?: string;
  direction?: Direction;
  status?: MessageStatus;
  since?: Date;
  /** Only messages older than this position (a `ListedMessage.cursor`, decoded). */
  before?: Keyset;
  /** Newest first, at most this many (default 50). */
  limit?: number;
}

/**
 * A position in a list sorted newest first: the sort time (ms) and a tie-breaker (the row's id), as
 * core/cursor.ts encodes it. Keyset pagination: a page never repeats or skips a row because new ones arrived.
 */
export interface Keyset {
  at: number;
  id: number;
}

/** A message of `listMessages`, with the position to pass as `before` for the page after it. */
export interface ListedMessage extends MessageRecord {
  cursor: Keyset;
}

export const DEFAULT_MESSAGE_LIMIT = 50;

// -- the inbox: conversations, threads, labels, assignment ------------------------------

/** A conversation `reassignConversations` took from an agent, and who has it now (null: nobody). */
export interface Reassigned {
  waId: string;
  assignee: string | null;
}

export type ConversationStatus = 'open' | 'resolved';

/** One conversation (one per contact) as the inbox lists it. Times are ISO 8601 (UTC). */
/** Who a contact is: its key, identifiers and name. */
export interface ContactIdentifiers {
  /**
   * The contact's key: phone digits for a contact first seen with a phone (every contact of earlier
   * releases), else the BSUID it was first seen with. Stable: merges keep the older contact's key.
   */
  waId: string;
  /** The contact's identifiers: phone digits, BSUID, parent BSUID, username (without @); null when unknown. */
  phone: string | null;
  userId: string | null;
  parentUserId: string | null;
  username: string | null;
  /** The contact's name (WhatsApp profile name), null when unknown. */
  name: string | null;
}

export interface ConversationRecord extends ContactIdentifiers {
  status: ConversationStatus;
  assignee: string | null;
  /** The `wabox link --ref` campaign an inbound message carried. */
  campaign: string | null;
  /** A click-to-WhatsApp ad referral as received, null when none. */
  referral: unknown;
  /** Sorted. */
  labels: string[];
  unread: number;
  lastInboundAt: string | null;
  lastOutboundAt: string | null;
  lastMessageAt: string | null;
  /** When a hand-off keyword stopped automatic replies. */
  handoffAt: string | null;
  /** The latest message (timestamp, then insertion order); null when there is none. */
  lastMessage: MessageRecord | null;
  /**
   * The time of the customer's oldest message that no person has answered yet: an answer is an
   * outbound message without an automatic-reply reason that did not fail. Null when everything is
   * answered, the customer never wrote, or the conversation is resolved.
   */
  awaitingReplySince: string | null;
  /** The latest answer that ended a wait, and that wait's start (its oldest customer message); null before one. */
  responseAt: string | null;
  responseAwaitedSince: string | null;
  /**
   * Its position in the inbox (latest activity first), to pass as `before` for the page after it; null
   * for a contact without a conversation.
   */
  cursor: Keyset | null;
}

export interface ConversationFilter {
  /** Only conversations with unread messages. */
  unread?: boolean;
  /** Only conversations whose contact has this label (as stored: see core/label.ts). */
  label?: string;
  status?: ConversationStatus;
  /** Only those assigned to this agent; null: only unassigned ones. */
  assignee?: string | null;
  /** Only those awaiting a person's reply (awaitingReplySince set). */
  unanswered?: boolean;
  /** Only those after this position (a `ConversationRecord.cursor`). */
  before?: Keyset;
  /** Only these contacts' conversations (contact keys, as `followConversations` yields them). */
  waIds?: readonly string[];
  /** Most recent activity first, at most this many (default 50). */
  limit?: number;
}

/** A delivery status the webhook reported for an outbound message. */
export interface StatusEventRecord {
  status: string;
  /** ISO 8601 (UTC). */
  timestamp: string;
  error: MessageError | null;
}

/** A message of a thread, with its delivery history. */
export interface ThreadMessage extends MessageRecord {
  /** When the current status was reached (ISO 8601), null when unknown. */
  statusAt: string | null;
  /** Every status the webhook reported, by timestamp (may be fewer than sent/delivered/read). */
  statuses: StatusEventRecord[];
}

export interface Thread {
  /** Oldest first: the latest `limit` messages of the conversation. */
  messages: ThreadMessage[];
  /** Older messages exist beyond the limit. */
  hasMore: boolean;
}

/** A message with its insertion sequence number, for streaming (`messages list --follow`). */
export interface SequencedMessage extends MessageRecord {
  seq: number;
}

export interface SequenceFilter {
  /** Only messages inserted after this sequence number. */
  afterSeq: number;
  waId?: string;
  direction?: Direction;
  status?: MessageStatus;
  since?: Date;
  /** In insertion order, at most this many (default 500). */
  limit?: number;
}

/** What `followMessages` reports: the filters of `SequenceFilter`. */
export type MessageFollowFilter = Omit<SequenceFilter, 'afterSeq' | 'limit'>;

export interface FollowOptions {
  /** Ends the follow: the iteration then finishes (done), and its connection is closed. */
  signal: AbortSignal;
  /** How often a store without change notifications (SQLite) looks for changes, in ms (default 250). */
  pollMs?: number;
}

/**
 * Changes committed after the follow started, by any process, in batches, until its signal aborts. A
 * connection that drops is reopened (the changes meanwhile are caught up); one that stays down ends the
 * iteration with a transient `store.unreachable` error.
 */
export interface Follow<T> extends AsyncIterable<T> {
  /** How the store learns of changes: `notify` (PostgreSQL LISTEN/NOTIFY) or `poll` (SQLite). */
  readonly mode: 'notify' | 'poll';
}

export const DEFAULT_FOLLOW_POLL_MS = 250;

// -- campaigns: one template to many recipients (./campaigns.ts) ------------------------------

export const CAMPAIGN_STATES = ['ready', 'running', 'paused', 'cancelled', 'done'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];
export const RECIPIENT_STATES = ['pending', 'sending', 'accepted', 'failed', 'unknown', 'skipped'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

export interface NewCampaign {
  name: string;
  template: string;
  language: string;
  category: string | null;
  /** The template as Meta described it (JSON-able). */
  definition: unknown;
  /** How a recipient's values fill the template (JSON-able). */
  mapping: unknown;
  ref: string | null;
  /** Messages per second, 1-1000. */
  rate: number;
  startAt: Date | null;
  withinHours: boolean;
  /** One per input row; a `skipped` reason leaves it out of the sending. wa_id at most once unskipped. */
  recipients: ReadonlyArray<{ row: number; waId: string; values: unknown; skipped?: string }>;
}

export interface CampaignRecord extends Omit<NewCampaign, 'recipients'> {
  id: number;
  state: CampaignState;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CampaignRecipient {
  campaignId: number;
  row: number;
  waId: string;
  values: unknown;
  state: RecipientState;
  reason: string | null;
  errorCode: number | null;
  wamid: string | null;
  attempts: number;
  notBefore: Date | null;
  sentAt: Date | null;
  updatedAt: Date;
}

/** What became of a claimed recipient: accepted, failed for good, or back to pending until `notBefore`. */
export type RecipientSettlement =
  | { state: 'accepted'; wamid: string; at: Date }
  | { state: 'failed' | 'skipped'; code: number | null; reason: string }
  | { state: 'retry'; code: number | null; reason: string; notBefore: Date };

export type CampaignCounts = Record<RecipientState, number>;

export interface CampaignOutcomes {
  /** Accepted messages by their delivery status (sent, delivered, read, failed...). */
  statuses: Record<string, number>;
  /** Failed recipients by error code ("none" without one). */
  failures: Record<string, number>;
  /** Recipients who wrote back within the reply window of their send. */
  replied: number;
  /** Recipients who opted out after their send. */
  optedOutSince: number;
  /** Priced messages by pricing category. */
  pricedByCategory: Record<string, number>;
}

/** A contact a segment selected. */
export interface SegmentContact {
  waId: string;
  /** Digits; null when only a BSUID is known. */
  phone: string | null;
  name: string | null;
  optedOut: boolean;
}

/** The campaign tables; both stores expose them as `store.campaigns`. */
export interface Campaigns {
  create(c: NewCampaign): Promise<CampaignRecord | null>;
  get(name: string): Promise<CampaignRecord | null>;
  list(): Promise<CampaignRecord[]>;
  setState(id: number, from: readonly CampaignState[], to: CampaignState): Promise<boolean>;
  lease(id: number, owner: string, until: Date): Promise<{ held: boolean; owner: string | null }>;
  release(id: number, owner: string): Promise<void>;
  markInDoubt(id: number): Promise<number>;
  due(id: number, at: Date, limit: number): Promise<CampaignRecipient[]>;
  nextDueAt(id: number): Promise<Date | null>;
  claim(id: number, row: number): Promise<boolean>;
  claimMany(id: number, rows: readonly number[]): Promise<number[]>;
  settle(id: number, row: number, outcome: RecipientSettlement): Promise<void>;
  settleMany(
    id: number,
    outcomes: ReadonlyArray<{ row: number; outcome: RecipientSettlement }>,
  ): Promise<void>;
  resendUnknown(id: number, callbackOf: (row: number) => string): Promise<{ proven: number; resent: number }>;
  segment(node: SegmentNode, at: Date): Promise<SegmentContact[]>;
  optedOut(): Promise<Set<string>>;
  counts(id: number): Promise<CampaignCounts>;
  recipients(id: number, afterRow: number, limit: number): Promise<CampaignRecipient[]>;
  outcomes(id: number, replyWindowMs: number): Promise<CampaignOutcomes>;
  attribute(ref: string, waIds: readonly string[]): Promise<void>;
}

/** Satisfaction questions, one per resolution (./csat.ts). */
export interface Csat {
  /**
   * Schedules the satisfaction question of a resolution: one per contact and period (the customer's last
   * message before it, answers and comments to earlier questions aside). Null, and nothing stored, when
   * the period already has one: a second resolve without a new customer message does not ask again.
   */
  schedule(waId: string, at: { resolvedAt: Date; dueAt: Date }): Promise<CsatRecord | null>;
  /** Questions still `pending` whose time came (`dueAt` <= at), taken or not, oldest first. */
  due(at: Date, limit?: number): Promise<CsatRecord[]>;
  /** Takes a pending question for sending (compare-and-set): true for exactly one caller, across processes. */
  take(id: number, at: Date): Promise<boolean>;
  /** Ends a taken question: asked (with the question's wamid) or skipped (with why); false when not pending. */
  finish(id: number, outcome: CsatOutcome): Promise<boolean>;
  /** Questions resolved since `since` (of `agent`'s conversations, of one contact), oldest resolution first. */
  list(filter?: CsatFilter): Promise<CsatRecord[]>;
}

export interface Store {
  /**
   * Records a message wabox sent (or tried to: status `failed` with the error); false (and nothing
   * recorded) when a message with its wamid is already stored — the Cloud API gives every message a new
   * one, a mock server may not.
   */
  recordOutbound(record: OutboundRecord): Promise<boolean>;
  /** recordOutbound for many, in one transaction (a campaign's sends, a commit for a group of them). */
  recordOutboundMany(records: readonly OutboundRecord[]): Promise<void>;
  /** Matching messages, newest first (timestamp, then insertion order). */
  listMessages(filter?: MessageFilter): Promise<ListedMessage[]>;
  /** The time of the contact's last inbound message, or null when the store knows none. */
  lastInboundAt(waId: string): Promise<Date | null>;
  /**
   * Records a customer's message; false (and nothing changed) when its wamid is already stored, so a
   * redelivered webhook is harmless. Updates the contact (name, first seen) and the conversation
   * (last inbound at, unread, reopened).
   */
  recordInbound(record: InboundRecord): Promise<boolean>;
  /**
   * Records a delivery status; false when (wamid, status) is already stored. The message's status only
   * moves forward (a late `delivered` never replaces `read`).
   */
  recordStatus(record: StatusRecord): Promise<boolean>;
  /** Conversations matching the filter, most recent activity first (inbox). */
  listConversations(filter?: ConversationFilter): Promise<ConversationRecord[]>;
  /** The contact's conversation, or null when the store does not know the contact. */
  getConversation(waId: string): Promise<ConversationRecord | null>;
  /** The latest `limit` messages with the contact, oldest first, with their delivery statuses. */
  getThread(waId: string, limit: number): Promise<Thread>;
  /** The stored messages among these ids (for the messages a reply quotes); unknown ids are left out. */
  getMessages(ids: readonly string[]): Promise<MessageRecord[]>;
  /**
   * Marks the conversation read locally: unread = 0, and the contact's `received` messages become
   * `read`. Returns how many messages changed. A contact without a conversation changes nothing.
   */
  markConversationRead(waId: string, at?: Date): Promise<number>;
  /**
   * Marks one customer's message read locally, with the contact's earlier `received` ones (as a read
   * receipt does on WhatsApp); the conversation's unread count drops by as many. Null when the store
   * has no inbound message with this wamid.
   */
  markMessageRead(wamid: string, at?: Date): Promise<{ waId: string; changed: number } | null>;
  /** Adds a label to a known contact; false when it already had it. Throws not-found for an unknown contact. */
  addLabel(waId: string, label: string): Promise<boolean>;
  /** Removes a label; false when the contact did not have it. */
  removeLabel(waId: string, label: string): Promise<boolean>;
  /** Assigns (or with null unassigns) a known contact's conversation; false when nothing changed. */
  setAssignee(waId: string, assignee: string | null): Promise<boolean>;
  /**
   * Assigns an unassigned conversation to `agent`, atomically: of agents claiming one conversation at
   * once, exactly one gets `claimed`; the others learn who holds it. Already held by `agent`: not claimed,
   * assignee `agent`. Throws not-found for an unknown contact.
   */
  claimConversation(waId: string, agent: string): Promise<{ claimed: boolean; assignee: string }>;
  /** Resolves or reopens a known contact's conversation; false when it already had that status. */
  setConversationStatus(waId: string, status: ConversationStatus): Promise<boolean>;
  /** The highest message sequence number (0 for an empty store). */
  lastMessageSeq(): Promise<number>;
  /** Messages inserted after `filter.afterSeq`, in insertion order (`messages list --follow`). */
  listMessagesAfter(filter: SequenceFilter): Promise<SequencedMessage[]>;
  /**
   * Follows new messages (`messages list --follow`): resolves once following, so every message committed
   * from then on is reported, once, with the filters applied. SQLite polls (its writers commit in seq
   * order); PostgreSQL is told by NOTIFY at each commit, so a transaction that commits after a later
   * seq's is reported too (batches then come in commit order, each in seq order).
   */
  followMessages(filter: MessageFollowFilter, options: FollowOptions): Promise<Follow<SequencedMessage[]>>;
  /**
   * Follows changes to the inbox (`inbox --follow`): resolves once following; then yields the keys of
   * conversations that changed (assignee, status, unread, a new message, labels, the contact's name or
   * identifiers). A key may come without a visible change; a delivery status alone does not count.
   */
  followConversations(options: FollowOptions): Promise<Follow<string[]>>;
  // -- the webhook receiver and automatic replies -----------------------------------------
  /**
   * Records webhook POSTs. Each POST is all-or-nothing; the whole list is ONE transaction, committed
   * before this resolves (group commit: the receiver batches concurrent POSTs; a POST that fails makes
   * the batch be written again with each POST in a savepoint of its own).
   * Redelivered events change nothing. A POST whose write failed gets `{ error }` and nothing of it is
   * stored; the others are not affected.
   */
  ingestWebhook(posts: readonly WebhookPost[]): Promise<Array<IngestResult | { error: unknown }>>;
  /**
   * True when concurrent ingestWebhook calls gain nothing (PostgreSQL: the commits that notify followers
   * take turns), so the receiver writes one batch at a time and the POSTs that arrive meanwhile share
   * the next commit.
   */
  readonly serialWrites?: boolean;
  /**
   * Takes a pending automatic reply for sending (compare-and-set): true for exactly one caller, even
   * across processes; false when another caller took it or it is no longer pending.
   */
  takeAutoReply(id: number, at: Date): Promise<boolean>;
  /**
   * Ends a taken automatic reply: records the outbound message (if any) and the claim's state, atomically.
   * False when the outbound message was not recorded because its wamid is already stored (as recordOutbound).
   */
  finishAutoReply(id: number, outcome: AutoReplyOutcome): Promise<boolean>;
  /** Automatic replies still `pending` (oldest first): to resume or give up after a restart. */
  pendingAutoReplies(): Promise<AutoReplyRecord[]>;
  // -- contacts ---------------------------------------------------------------------------
  /**
   * The contact a command-line argument names: phone digits, a BSUID, a parent BSUID or @username (see
   * core/contact-id.ts parseContactRef). Throws not-found (contact.not_found, exit 6), or invalid-input
   * when a username names several contacts (contact.ambiguous, exit 2) or the argument is none of these.
   */
  resolveContact(ref: string): Promise<ContactRecord>;
  /** The contact with this key, or null. */
  getContact(waId: string): Promise<ContactRecord | null>;
  listContacts(filter?: ContactFilter): Promise<ContactRecord[]>;
  /** The contact's merges and opt-out changes, oldest first. */
  contactEvents(waId: string): Promise<ContactEventRecord[]>;
  /** Adds an internal note (never sent) to a known contact. Throws not-found for an unknown contact. */
  addNote(waId: string, note: { author: string | null; text: string }): Promise<NoteRecord>;
  /** The contact's latest `limit` notes (default 50) written before `before`, oldest first. */
  notes(waId: string, filter?: { limit?: number; before?: Date }): Promise<NoteRecord[]>;
  /** The latest messaging limit an account webhook reported, or null when none came. */
  latestMessagingLimit(): Promise<MessagingLimitRecord | null>;
  /** Outbound messages a status priced (pricing.category known), sent since `since`, oldest first. */
  pricedMessages(filter?: { since?: Date }): Promise<PricedSendRecord[]>;
  /** A store-wide setting (JSON), shared by every receiver and CLI using this store; undefined when unset. */
  getSetting(key: string): Promise<unknown>;
  setSetting(key: string, value: unknown): Promise<void>;
  /**
   * Every value the inbox keeps on a conversation (unread, last message, awaiting since, ...) that
   * differs from its recomputation from the messages; empty when all hold. Reads the whole store.
   */
  checkConversations(): Promise<ConversationDrift[]>;
  /** Recomputes what `checkConversations` finds, in one transaction; returns what it fixed. */
  repairConversations(): Promise<ConversationDrift[]>;
  // -- agents: the people conversations are assigned to ----------------------------------
  /** Adds an agent (name normalised by the caller); null, and nothing changed, when the name exists. */
  addAgent(agent: NewAgent): Promise<AgentRecord | null>;
  /** Every agent, by name. */
  listAgents(): Promise<AgentRecord[]>;
  getAgent(name: string): Promise<AgentRecord | null>;
  /**
   * Hands an agent's open conversations to the agents `policy` picks among those available and within
   * their hours at `at`, the longest-quiet first (manual, or nobody: unassigned); who has each now.
   */
  reassignConversations(from: string, policy: AssignPolicy, at: Date): Promise<Reassigned[]>;
  /** Marks an agent available or away; null when there is no such agent. */
  setAgentAvailable(
    name: string,
    available: boolean,
  ): Promise<{ changed: boolean; agent: AgentRecord } | null>;
  /** False when there was no such agent. Conversations assigned to it keep their assignee. */
  removeAgent(name: string): Promise<boolean>;
  /** Campaigns and their recipients (./campaigns.ts). */
  readonly campaigns: Campaigns;
  /** Satisfaction questions, their answers and comments (./csat.ts). */
  readonly csat: Csat;
  // -- keeping and erasing data: ./keep.ts ---------------------------------------------------
  /**
   * Erases the content of messages older than `before`: their text, payload (media ids, captions, bodies)
   * and their statuses' payloads, and the payloads of raw webhook parts received before it (account events
   * aside). Rows stay (direction, type, time, status, pricing), so counts and the inbox hold. With
   * `dryRun`, counts what would go and changes nothing.
   */
  purgeContent(before: Date, options?: { dryRun?: boolean }): Promise<PurgeResult>;
  /** Everything the store keeps about one contact (any identifier). Throws not-found for an unknown contact. */
  exportContact(waId: string): Promise<ContactExport>;
  /**
   * Erases a contact: messages, statuses, automatic replies, labels, notes, conversation, identifiers and
   * raw webhook parts naming them, in one transaction. Remembers a digest of each of their wamids, so a
   * redelivered event of theirs stores nothing, and keeps an erasure record without personal data.
   * Throws not-found for an unknown contact.
   */
  forgetContact(waId: string): Promise<ErasureRecord>;
  /** Resolves when the store answers a query; rejects otherwise (a receiver's /healthz). */
  ping(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}

/** A value kept on a conversation for the views, by its column name. */
export type KeptConversationField =
  | 'unread'
  | 'last_inbound_at'
  | 'last_outbound_at'
  | 'last_message_at'
  | 'last_seq'
  | 'last_answer_at'
  | 'awaiting_since'
  | 'response_at'
  | 'response_awaited_since';

/**
 * A kept value that differs from its recomputation; `conversation`: messages without a conversation;
 * `label_order`: a label row's copy of its conversation's place in the inbox (kept/expected: the time).
 */
export interface ConversationDrift {
  waId: string;
  field: KeptConversationField | 'conversation' | 'label_order';
  kept: number | null;
  expected: number | null;
}

// -- the webhook receiver and automatic replies ---------------------------------------------

/** A webhook part wabox does not understand (unknown field or message type, malformed part), kept as is. */
export interface RawEventRecord {
  field: string;
  reason: string;
  payload: unknown;
  /**
   * The id and time of the webhook entry it came in. Part of what makes it unique: the same value at
   * another time is another event, a redelivery (byte-identical) is the same.
   */
  entry?: { id: string | null; time: string | null };
}

/** The events of one webhook POST, as the receiver mapped them (cloud/webhook-events.ts). */
export interface WebhookPost {
  receivedAt: Date;
  /** Customers' messages. */
  inbound: InboundRecord[];
  /** Echoes of messages the business sent from its WhatsApp Business app (a person's replies). */
  echoes: OutboundRecord[];
  statuses: StatusRecord[];
  /** Unknown fields and types, malformed parts, value-level errors. */
  raw: RawEventRecord[];
  /** contacts[] entries naming one person by two identifiers or more: linked (merged when need be). */
  links?: ContactIdentity[];
  /** user_preferences entries: marketing opt-out and resume. */
  preferences?: PreferenceRecord[];
  /**
   * Assigns a conversation that a NEW inbound message creates or reopens, when it has no assignee, to an
   * agent the policy picks among those available and within their hours (core/assign.ts).
   */
  assign?: 'round-robin' | 'least-open';
  /**
   * Decides the automatic replies of each NEW inbound message, inside the write transaction, from what
   * the store knows about the contact; the claims it returns are inserted in the same transaction.
   */
  decide?: (message: InboundRecord, facts: ContactFacts) => AutoReplyPlan | null;
}

export type AutoReplyKind = 'greeting' | 'away' | 'keyword';
export type AutoReplyState = 'pending' | 'sent' | 'failed' | 'skipped' | 'dry-run';

export interface AutoReplyPlan {
  /** In sending order. */
  replies: Array<{
    kind: AutoReplyKind;
    /** greeting | away | keyword:<rule>: unique per inbound message. */
    reason: string;
    /** away: the closed period (its next opening, ISO 8601); keyword: the quick reply; greeting: null. */
    rule: string | null;
  }>;
  /** The message asked for a person: the conversation's handoff_at is set. */
  handoff: boolean;
  /** `pending` to be sent; `dry-run` to be logged only. */
  state: 'pending' | 'dry-run';
}

/** A claimed automatic reply (auto_replies row). */
export interface AutoReplyRecord {
  id: number;
  inboundWamid: string;
  waId: string;
  kind: AutoReplyKind;
  reason: string;
  rule: string | null;
  state: AutoReplyState;
  /** ISO 8601 (UTC). */
  createdAt: string;
  /** When a sender took it (takeAutoReply), ISO 8601: it may have gone out even if still pending. */
  takenAt: string | null;
}

export type AutoReplyOutcome =
  | { state: 'sent'; outbound: OutboundRecord }
  | { state: 'failed' | 'skipped'; error: MessageError; outbound?: OutboundRecord };

export interface IngestResult {
  /** The wamids of inbound messages stored by this POST (not seen before), in payload order. */
  newInbound: string[];
  /** Events already stored (redelivery). */
  duplicates: number;
  /** Automatic replies claimed for the new messages (state pending or dry-run), in sending order. */
  claims: AutoReplyRecord[];
  /** Conversations handed off to a person by this POST. */
  handoffs: string[];
  /** Contacts merged by this POST (to be logged). */
  merges: MergeRecord[];
  /** Opt-outs set or cleared by this POST. */
  optOuts: Array<{ waId: string; optedOut: boolean; source: string }>;
  /** Account-level webhook fields stored raw by this POST (account_update, business_capability_update, ...). */
  accountEvents: string[];
}

// -- customer satisfaction ----------------------------------------------------------------------

export type CsatState = 'pending' | 'asked' | 'answered' | 'skipped';

/** A satisfaction question (csat row). Times are Dates; null until they happen. */
export interface CsatRecord {
  id: number;
  /** The contact's key. */
  waId: string;
  /** The conversation's assignee when it was resolved. */
  agent: string | null;
  resolvedAt: Date;
  /** When it is to be sent (resolvedAt + the delay). */
  dueAt: Date;
  askedAt: Date | null;
  answeredAt: Date | null;
  /** 1..5 (the three buttons are 1, 3, 5); null until answered. */
  score: number | null;
  /** The customer's text message that followed the answer within a few minutes. */
  comment: string | null;
  state: CsatState;
  /** Why it was skipped: window_closed, interrupted, failed: <error>, ... */
  reason: string | null;
  /** The wamid of the question sent. */
  questionWamid: string | null;
  /** The wamid of the customer's message that answered it. */
  answerWamid: string | null;
  /** A sender took it (ISO): it may have gone out while still pending. */
  takenAt: Date | null;
}

export interface CsatFilter {
  /** Only questions of resolutions at or after this time. */
  since?: Date;
  /** Only those of conversations this agent had when resolved. */
  agent?: string;
  /** Only this contact's (its key). */
  waId?: string;
}

export type CsatOutcome =
  | { state: 'asked'; wamid: string; at: Date }
  | { state: 'skipped'; reason: string; at: Date };

// -- contacts: identifiers, merges, opt-outs --------------------------------------------------

/** A contact (a person) with every identifier the store knows. Times ISO 8601 (UTC). */
export interface ContactRecord extends ContactIdentifiers {
  /** Identifiers seen before (an old number, an old BSUID): they still find this contact. */
  formerIds: Array<{ kind: 'phone' | 'user_id' | 'parent_user_id'; value: string }>;
  optOut: OptOutRecord;
  firstSeenAt: string | null;
  createdAt: string;
}

export interface OptOutRecord {
  /** True when the contact stopped marketing messages (and did not resume since). */
  optedOut: boolean;
  /** What set or cleared it last: user_preferences | error:131050 | keyword | unknown (before the upgrade). */
  source: string | null;
  /** When it was last set or cleared. */
  at: string | null;
}

export interface ContactFilter {
  /** Only contacts that stopped marketing messages. */
  optedOut?: boolean;
  /** Most recently created first, at most this many (default 50). */
  limit?: number;
}

/** A merge, an opt-out or a resume, as `inbox show` and `contact show` list them. */
export interface ContactEventRecord {
  kind: 'merge' | 'opt_out' | 'opt_in';
  /** ISO 8601 (UTC). */
  at: string;
  /**
   * merge: {from: the merged contact's key, identifiers: its identifiers, why}; opt_out / opt_in:
   * {source, category?, detail?, wamid?}.
   */
  detail: Record<string, unknown>;
}

/** An internal note on a contact (`wabox note`): never sent to the customer. */
export interface NoteRecord {
  id: number;
  /** The contact's key. */
  waId: string;
  /** The agent who wrote it; null when unknown. */
  author: string | null;
  text: string;
  /** ISO 8601 (UTC). */
  createdAt: string;
}

export interface MergeRecord {
  /** The key that remains. */
  into: string;
  /** The key merged into it (no longer exists). */
  from: string;
  why: string;
}

/** A user_preferences webhook entry. */
export interface PreferenceRecord {
  identity: ContactIdentity;
  category: string;
  value: string;
  detail?: string | null;
  timestamp: Date;
}

/** An outbound message Meta priced (core/costs.ts PricedSend), by its wamid. */
export interface PricedSendRecord extends PricedSend {
  id: string;
}

/** The business portfolio's messaging limit as the latest account webhook gave it. */
export interface MessagingLimitRecord {
  /** Unique users a day outside the customer service window; null: unlimited (Meta's -1). */
  limit: number | null;
  /** The webhook field it came in (business_capability_update, phone_number_quality_update). */
  field: string;
  /** When the receiver stored it, ISO 8601. */
  receivedAt: string;
  payload: unknown;
}

export interface NewAgent {
  name: string;
  email: string | null;
  /** The weekly hours in `timeZone`; null: always within hours. */
  week: WeekSchedule | null;
  timeZone: string;
}

export interface AgentRecord extends NewAgent {
  available: boolean;
  createdAt: string;
  updatedAt: string;
}

// -- keeping and erasing data ----------------------------------------------------------------------

/** What `purgeContent` erased (or, dry run, would erase). */
export interface PurgeResult {
  /** ISO 8601: content older than this. */
  before: string;
  dryRun: boolean;
  /** Messages whose text or payload was erased. */
  messages: number;
  /** Of those, media messages (image, video, audio, document, sticker): their media ids and captions. */
  media: number;
  /** Status events whose payload was erased. */
  statusEvents: number;
  /** Raw webhook parts whose payload was erased. */
  rawEvents: number;
}

/** A stored message with everything kept about it. */
export interface ExportedMessage extends MessageRecord {
  /** The request body sent or the message object received, as stored; null when none (or purged). */
  payload: unknown;
  phoneNumberId: string | null;
  /** Every status the webhook reported, by timestamp, with its payload. */
  statuses: Array<StatusEventRecord & { payload: unknown }>;
}

/** Everything the store keeps about one contact (`wabox contact export`). Times ISO 8601 (UTC). */
export interface ContactExport {
  contact: ContactRecord;
  /** Every identifier that finds the contact (contact_ids). */
  identifiers: Array<{ kind: 'phone' | 'user_id' | 'parent_user_id'; value: string; createdAt: string }>;
  /** Merges, opt-outs and resumes, oldest first. */
  events: ContactEventRecord[];
  conversation: ConversationRecord | null;
  labels: Array<{ label: string; createdAt: string }>;
  /** Oldest first. */
  notes: NoteRecord[];
  /** Oldest first (timestamp, then insertion order). */
  messages: ExportedMessage[];
  autoReplies: AutoReplyRecord[];
  /** Satisfaction questions and answers, oldest first. */
  csat: CsatRecord[];
  /** Statuses reported for this contact (recipient) of messages the store does not have. */
  otherStatuses: Array<StatusEventRecord & { wamid: string; payload: unknown }>;
}

/** The record an erasure leaves: no personal data, only what was erased and how much. */
export interface ErasureRecord {
  /** A random id (UUID). */
  id: string;
  /** ISO 8601 (UTC). */
  at: string;
  counts: ErasureCounts;
}

export interface ErasureCounts {
  messages: number;
  /** Of those, media messages. */
  media: number;
  statusEvents: number;
  autoReplies: number;
  labels: number;
  notes: number;
  identifiers: number;
  conversations: number;
  rawEvents: number;
  /** Wamids (and keys of their opt-out events and raw parts) remembered as digests: a redelivery stores nothing. */
  forgottenMessages: number;
}
