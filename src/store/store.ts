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
}

export interface MessageFilter {
  waId?: string;
  direction?: Direction;
  status?: MessageStatus;
  since?: Date;
  /** Newest first, at most this many (default 50). */
  limit?: number;
}

export interface Store {
  recordOutbound(record: OutboundRecord): Promise<void>;
  listMessages(filter?: MessageFilter): Promise<MessageRecord[]>;
  /** The time of the contact's last inbound message, or null when the store knows none. */
  lastInboundAt(waId: string): Promise<Date | null>;
  close(): Promise<void>;
}
