// `wabox read <wamid>`: mark a customer's message as read (blue ticks), optionally with a typing indicator,
// and mark it (with the contact's earlier unread messages) read in the local store too.
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit, note, warn } from '../cli/output.js';
import { markReadPayload } from '../cloud/messages.js';

export interface ReadOptions {
  messageId: string;
  typing?: boolean;
  json?: boolean;
  /**
   * Not a flag: also mark the message read in the store (`wabox read` sets it). `inbox show --mark-read`
   * leaves it unset: it marks the whole conversation read itself.
   */
  markStored?: boolean;
}

/** `read --json`: part of the interface. */
export interface ReadResult {
  id: string;
  success: boolean;
  typing: boolean;
  /** How many of the customer's stored messages became read locally (this one and earlier unread ones). */
  markedRead: number;
}

export function register(program: Command, deps: Deps): void {
  program
    .command('read')
    .description("mark a customer's message as read (and earlier ones with it)")
    .argument('<wamid>', 'the id of the received message (wamid.…)')
    .option('--typing', 'also show a typing indicator (until you reply, at most 25 s)')
    .option('--json', 'print {id, success, typing, markedRead}')
    .addHelpText(
      'after',
      `
Examples:
  wabox read wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=
  wabox read wamid.HBgL... --typing && wabox send +919876543210 --text "One moment…"

A read receipt works within 30 days of the message; an unknown id is refused (131009, exit 4).
When the store has the message (wabox webhook serve received it), it and the customer's earlier
messages are marked read there too (the inbox's unread count drops).`,
    )
    .action(async (messageId: string, flags: Omit<ReadOptions, 'messageId'>) => {
      const result = await runRead({ ...flags, messageId, markStored: true }, deps);
      emit(deps, flags, result, () => '');
      if (!flags.json && deps.io.isStderrTTY)
        note(
          deps.io,
          `marked as read${result.typing ? ', typing…' : ''}${result.markedRead > 0 ? ` (${result.markedRead} in the store)` : ''}`,
        );
    });
}

export async function runRead(options: ReadOptions, deps: Deps): Promise<ReadResult> {
  const payload = markReadPayload(options.messageId, { typing: options.typing });
  const client = await deps.cloud();
  const { success } = await client.markRead(payload);
  const id = payload.message_id as string;
  const markedRead = success && options.markStored ? await markStored(id, deps) : 0;
  return { id, success, typing: options.typing === true, markedRead };
}

/** The receipt went out: a store that cannot record it is a warning, not a failure. */
async function markStored(id: string, deps: Deps): Promise<number> {
  try {
    const store = await deps.store();
    return (await store.markMessageRead(id, deps.clock()))?.changed ?? 0;
  } catch (err) {
    warn(
      deps.io,
      `the message was marked read on WhatsApp but not in the store: ${deps.mask(err instanceof Error ? err.message : String(err))}`,
    );
    return 0;
  }
}
