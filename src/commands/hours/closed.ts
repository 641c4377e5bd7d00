import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note } from '../../cli/output.js';
import { notFound } from '../../core/errors.js';

export function register(parent: Command, deps: Deps): void {
  const closed = parent
    .command('closed')
    .description('closed dates (holidays): add, rm, list')
    .addHelpText(
      'after',
      `
Examples:
  wabox hours closed add 2025-12-25 2026-01-01
  wabox hours closed rm 2026-01-01
  wabox hours closed list --json

A closed date cancels the ranges that start on it (in the business time zone); a range of the day
before that runs past midnight still runs to its end.`,
    );
  closed
    .command('add')
    .description('close on these dates')
    .argument('<date...>', 'YYYY-MM-DD')
    .option('--json', 'print the closed dates')
    .addHelpText(
      'after',
      '\nExamples:\n  wabox hours closed add 2025-12-25\n  wabox hours closed add 2025-10-20 2025-10-21 --json',
    )
    .action(async (dates: string[], flags: { json?: boolean }) => {
      const result = await runClosedAdd(dates, deps);
      emit(deps, flags, result, () => '');
      if (!flags.json) note(deps.io, `closed on: ${result.join(', ')}`);
    });
  closed
    .command('rm')
    .alias('remove')
    .description('open again on these dates (as the week says)')
    .argument('<date...>', 'YYYY-MM-DD')
    .option('--json', 'print the closed dates left')
    .addHelpText(
      'after',
      '\nExamples:\n  wabox hours closed rm 2025-10-21\n  wabox hours closed rm 2025-10-20 2025-10-21 --json',
    )
    .action(async (dates: string[], flags: { json?: boolean }) => {
      const result = await runClosedRm(dates, deps);
      emit(deps, flags, result, () => '');
      if (!flags.json) note(deps.io, `closed on: ${result.length > 0 ? result.join(', ') : '-'}`);
    });
  closed
    .command('list')
    .alias('ls')
    .description('print the closed dates, one a line')
    .option('--json', 'print an array of dates')
    .addHelpText('after', '\nExamples:\n  wabox hours closed list\n  wabox hours closed list --json')
    .action(async (flags: { json?: boolean }) => {
      const { hoursFile, requireHours } = await import('./shared.js');
      const file = await hoursFile(deps);
      emit(deps, flags, (await requireHours(file)).closed, (dates) => dates.join('\n'));
    });
}

export async function runClosedAdd(dates: string[], deps: Deps): Promise<string[]> {
  const [{ addClosedDates }, { hoursFile, requireHours }] = await Promise.all([
    import('../../core/hours.js'),
    import('./shared.js'),
  ]);
  const file = await hoursFile(deps);
  const hours = await requireHours(file);
  const closed = addClosedDates(hours.closed, dates);
  await file.save({ ...hours, closed });
  return closed;
}

export async function runClosedRm(dates: string[], deps: Deps): Promise<string[]> {
  const [{ validateDate }, { hoursFile, requireHours }] = await Promise.all([
    import('../../core/hours.js'),
    import('./shared.js'),
  ]);
  const file = await hoursFile(deps);
  const hours = await requireHours(file);
  const remove = dates.map(validateDate);
  const unknown = remove.filter((d) => !hours.closed.includes(d));
  if (unknown.length > 0)
    throw notFound(`not a closed date: ${unknown.join(', ')}`, {
      code: 'hours.not_closed',
      hint: 'list them with: wabox hours closed list',
    });
  const closed = hours.closed.filter((d) => !remove.includes(d));
  await file.save({ ...hours, closed });
  return closed;
}
