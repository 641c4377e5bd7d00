// The 24-hour customer-service window: after a customer's message, a business may send free-form
// messages for 24 hours; after that only approved templates (../shared/reference/cloud-api.md).

export const WINDOW_MS = 24 * 60 * 60 * 1000;

export interface WindowState {
  /** Whether a last inbound message is known (the store has seen the customer write). */
  known: boolean;
  /** Known and at most 24 hours old: a free-form message may be sent. */
  open: boolean;
  /** When the window closes (or closed): last inbound + 24 h; null when unknown. */
  closesAt: Date | null;
  /** Milliseconds until it closes (0 once closed); null when unknown. */
  remainingMs: number | null;
}

/**
 * The window for a contact whose last inbound message was at `lastInboundAt` (null: none known).
 * A message exactly 24 hours old still has the window open; one millisecond later it is closed.
 */
export function customerServiceWindow(lastInboundAt: Date | null, now: Date): WindowState {
  if (lastInboundAt === null) return { known: false, open: false, closesAt: null, remainingMs: null };
  const closesAt = new Date(lastInboundAt.getTime() + WINDOW_MS);
  const remaining = closesAt.getTime() - now.getTime();
  return { known: true, open: remaining >= 0, closesAt, remainingMs: Math.max(0, remaining) };
}
