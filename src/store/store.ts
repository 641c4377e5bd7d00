// The Store: wabox's own record of messages, because the Cloud API cannot list them
// (../shared/DESIGN.md §6). Async so a PostgreSQL implementation fits the same interface.
// SQLite (better-sqlite3) is the embedded default: src/store/sqlite.ts.

export type Direction = 'in' | 'out';

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
}

/** A customer's message from the webhook (issue 5 builds on this). */
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
}

export interface MessageFilter {
  waId?: string;
  direction?: Direction;
  status?: MessageStatus;
  since?: Date;
  /** Newest first, at most this many (default 50). */
  limit?: number;
}

export const DEFAULT_MESSAGE_LIMIT = 50;

export interface Store {
  /** Records a message wabox sent (or tried to: status `failed` with the error). */
  recordOutbound(record: OutboundRecord): Promise<void>;
  /** Matching messages, newest first (timestamp, then insertion order). */
  listMessages(filter?: MessageFilter): Promise<MessageRecord[]>;
  /** The time of the contact's last inbound message, or null when the store knows none. */
  lastInboundAt(waId: string): Promise<Date | null>;
  /**
   * Records a customer's message; false (and nothing changed) when its wamid is already stored, so a
   * redelivered webhook is harmless. Updates the contact (name, first/last seen) and the conversation
   * (last inbound at, unread, reopened).
   */
  recordInbound(record: InboundRecord): Promise<boolean>;
  /**
   * Records a delivery status; false when (wamid, status) is already stored. The message's status only
   * moves forward (a late `delivered` never replaces `read`).
   */
  recordStatus(record: StatusRecord): Promise<boolean>;
  /** Idempotent. */
  close(): Promise<void>;
}
