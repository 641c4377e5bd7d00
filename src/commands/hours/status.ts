import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { HoursStatus } from '../../core/hours.js';

export interface StatusOptions {
  at?: string;
  json?: boolean;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('status')
    .description('open or closed now (or --at a time), and until when')
    .option('--at <iso-time>', 'ISO 8601; without an offset it is read in the business time zone')
    .option('--json', 'print {open, closesAt, nextOpen, timeZone}')
    .addHelpText(
      'after',
      `
Examples:
  wabox hours status
  wabox hours status --json
  wabox hours status --at 2025-03-09T02:30 --json
  wabox hours status --at 2025-12-25T10:00:00+05:30

The time is shown in the business time zone; --json: closesAt (when open) and nextOpen (when closed) are ISO 8601 with the business zone's offset;
the other one is null, and both are null when nothing changes within a year.`,
    )
    .action(async (flags: StatusOptions) => {
      const { status, at } = await runStatus(flags, deps);
      const { humanStatus } = await import('./status-text.js');
      emit(deps, flags, status, (st) => humanStatus(st, at));
    });
}

/** The status, and the time it is for (now, or --at). */
export async function runStatus(
  options: StatusOptions,
  deps: Deps,
): Promise<{ status: HoursStatus; at: Date }> {
  const [{ hoursStatus, parseInstant }, { hoursFile, requireHours }] = await Promise.all([
    import('../../core/hours.js'),
    import('./shared.js'),
  ]);
  const hours = await requireHours(await hoursFile(deps));
  const at = options.at === undefined ? deps.clock() : parseInstant(options.at, hours.timeZone);
  return { status: hoursStatus(hours, at), at };
}
