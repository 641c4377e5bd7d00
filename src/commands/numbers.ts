// `wabox numbers`: the WABA's phone numbers with quality rating and display-name status.
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit, note } from '../cli/output.js';
import type { PhoneNumberInfo } from '../cloud/client.js';

export function register(program: Command, deps: Deps): void {
  program
    .command('numbers')
    .description(
      "the WABA's phone numbers: quality rating, display-name status, messaging tier (needs waba-id)",
    )
    .option(
      '--json',
      'print an array of {id, displayPhoneNumber, verifiedName, qualityRating, nameStatus, status, codeVerificationStatus, platformType, messagingLimitTier, messagingLimit}',
    )
    .addHelpText(
      'after',
      `
Examples:
  wabox numbers
  wabox numbers --json | jq '.[] | select(.qualityRating != "GREEN")'

Quality: GREEN, YELLOW, RED (or UNKNOWN/NA for a new number). The id is what phone-number-id takes.`,
    )
    .action(async (flags: { json?: boolean }) => {
      const rows = await runNumbers(deps);
      const { webhookMessagingLimit } = await import('./doctor.js');
      const latest = await webhookMessagingLimit(deps);
      if (latest !== null && !flags.json) note(deps.io, `messaging limit: ${latest.message}`);
      emit(deps, flags, rows, (rows) =>
        rows
          .map((n) =>
            [
              n.id,
              n.displayPhoneNumber ?? '-',
              n.verifiedName ?? '-',
              n.qualityRating ?? '-',
              n.nameStatus ?? '-',
              n.messagingLimit ?? n.messagingLimitTier ?? '-',
            ].join('\t'),
          )
          .join('\n'),
      );
    });
}

export async function runNumbers(deps: Deps): Promise<PhoneNumberInfo[]> {
  return (await deps.cloud()).listPhoneNumbers();
}
