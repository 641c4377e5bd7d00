// `wabox read <wamid>`: mark a customer's message as read (blue ticks), optionally with a typing indicator.
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit, note } from '../cli/output.js';

export interface ReadOptions {
  messageId: string;
  typing?: boolean;
  json?: boolean;
}

/** `read --json`: part of the interface. */
export interface ReadResult {
  id: string;
  success: boolean;
  typing: boolean;
}

export function register(program: Command, deps: Deps): void {
  program
    .command('read')
    .description("mark a customer's message as read (and earlier ones with it)")
    .argument('<wamid>', 'the id of the received message (wamid.…)')
    .option('--typing', 'also show a typing indicator (until you reply, at most 25 s)')
    .option('--json', 'print {id, success, typing}')
    .addHelpText(
      'after',
      `
Examples:
  wabox read wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=
  wabox read wamid.HBgL... --typing && wabox send +919876543210 --text "One moment…"

A read receipt works within 30 days of the message; an unknown id is refused (131009, exit 4).`,
    )
    .action(async (messageId: string, flags: Omit<ReadOptions, 'messageId'>) => {
      const result = await runRead({ ...flags, messageId }, deps);
      emit(deps, flags, result, () => '');
      if (!flags.json && deps.io.isStderrTTY)
        note(deps.io, `marked as read${result.typing ? ', typing…' : ''}`);
    });
}

export async function runRead(options: ReadOptions, deps: Deps): Promise<ReadResult> {
  const { markReadPayload } = await import('../cloud/messages.js');
  const payload = markReadPayload(options.messageId, { typing: options.typing });
  const client = await deps.cloud();
  const { success } = await client.markRead(payload);
  return { id: payload.message_id as string, success, typing: options.typing === true };
}
