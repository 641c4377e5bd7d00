import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { HoursStatus } from '../../core/hours.js';
import { hoursFile, requireHours } from './shared.js';

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

--json: closesAt (when open) and nextOpen (when closed) are ISO 8601 with the business zone's offset;
the other one is null, and both are null when nothing changes within a year.`,
    )
    .action(async (flags: StatusOptions) => emit(deps, flags, await runStatus(flags, deps), humanStatus));
}

export async function runStatus(options: StatusOptions, deps: Deps): Promise<HoursStatus> {
  const { hoursStatus, parseInstant } = await import('../../core/hours.js');
  const hours = await requireHours(await hoursFile(deps));
  const at = options.at === undefined ? deps.clock() : parseInstant(options.at, hours.timeZone);
  return hoursStatus(hours, at);
}

function humanStatus(s: HoursStatus): string {
  if (s.open) return s.closesAt ? `open until ${s.closesAt}` : 'open (no closing time within a year)';
  return s.nextOpen ? `closed until ${s.nextOpen}` : 'closed (no opening within a year)';
}
