// The 24-hour window check before a free-form (non-template) send. `send` and `reply`
// call assertWindowOpen; the window itself is pure (core/window.ts).
import { WaboxError } from '../../core/errors.js';
import { customerServiceWindow, WINDOW_MS, type WindowState } from '../../core/window.js';
import type { Store } from '../../store/store.js';

export interface WindowGuardOptions {
  /** --force: send even when the store says the window closed. */
  force?: boolean | undefined;
}

/**
 * Refuses (WaboxError kind `refused`, exit 4, code `window.closed`) a free-form send to `waId` when the
 * store knows the contact's last inbound message and it is more than 24 hours old, unless `force`.
 * A contact the store knows nothing about is allowed (WhatsApp answers 131047 if the window is closed).
 * Returns the window so the caller can warn when forcing.
 */
export async function assertWindowOpen(
  store: Store,
  waId: string,
  now: Date,
  options: WindowGuardOptions = {},
): Promise<WindowState> {
  const window = customerServiceWindow(await store.lastInboundAt(waId), now);
  if (!window.known || window.open || options.force) return window;
  throw windowClosedError(waId, window.closesAt!, now);
}

/** The refusal, also for mapping the API's 131047 (`lastInboundAt` then unknown: pass null). */
export function windowClosedError(waId: string, closedAt: Date | null, now: Date): WaboxError {
  const since =
    closedAt === null
      ? ''
      : `: their last message was ${formatAgo(now.getTime() - closedAt.getTime() + WINDOW_MS)} ago`;
  const who = /^\d+$/.test(waId) ? `+${waId}` : waId;
  return new WaboxError('refused', `the 24-hour customer-service window with ${who} is closed${since}`, {
    code: 'window.closed',
    hint: 'outside the window only an approved template can be sent: --template <name> --lang <code> (or --force to try anyway)',
    details: {
      waId,
      ...(closedAt === null
        ? {}
        : {
            lastInboundAt: new Date(closedAt.getTime() - WINDOW_MS).toISOString(),
            closedAt: closedAt.toISOString(),
          }),
    },
  });
}

function formatAgo(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  if (hours < 48) return `${hours} hours`;
  return `${Math.floor(hours / 24)} days`;
}
