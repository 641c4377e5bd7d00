import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { HoursView } from './shared.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('show')
    .description('print the business hours, time zone and closed dates')
    .option('--json', 'print {timeZone, specs, week, closed}')
    .addHelpText(
      'after',
      `
Examples:
  wabox hours show
  wabox hours show --json | jq .week.sat`,
    )
    .action(async (flags: { json?: boolean }) => {
      const view = await runShow(deps);
      const { humanView } = await import('./shared.js');
      emit(deps, flags, view, humanView);
    });
}

export async function runShow(deps: Deps): Promise<HoursView> {
  const { hoursFile, requireHours, viewOf } = await import('./shared.js');
  return viewOf(await requireHours(await hoursFile(deps)));
}
