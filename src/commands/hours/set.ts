import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note } from '../../cli/output.js';
import { invalidInput } from '../../core/errors.js';
import type { HoursView } from './shared.js';

export interface SetOptions {
  specs: string[];
  tz?: string;
  json?: boolean;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('set')
    .description('set the weekly opening hours (replaces the week; closed dates stay)')
    .argument('[spec...]', '<days> <HH:MM-HH:MM>[,<HH:MM-HH:MM>...], e.g. "mon-fri 09:00-18:00"')
    .option('--tz <zone>', 'IANA time zone, e.g. Asia/Kolkata (needed the first time; kept after)')
    .option('--json', 'print {timeZone, specs, week, closed}')
    .addHelpText(
      'after',
      `
Examples:
  wabox hours set "mon-fri 09:00-18:00" "sat 10:00-14:00" --tz Asia/Kolkata
  wabox hours set mon-fri 09:00-13:00,14:00-18:00 --tz Europe/London
  wabox hours set "thu-sat 18:00-02:00" "sun 12:00-22:00" --tz America/New_York
  wabox hours set daily 00:00-24:00 --tz Asia/Kathmandu
  wabox hours set --tz Asia/Kolkata              # change only the time zone

Days: mon tue wed thu fri sat sun, a run mon-fri, a list mon,wed,fri, or daily; "sun closed" closes a
day (days not named are closed). A range that ends at or before its start runs past midnight.`,
    )
    .action(async (specs: string[], flags: Omit<SetOptions, 'specs'>) => {
      const view = await runSet({ ...flags, specs }, deps);
      emit(deps, flags, view, () => '');
      const { humanView } = await import('./shared.js');
      if (!flags.json) note(deps.io, `business hours set:\n${humanView(view)}`);
    });
}

export async function runSet(options: SetOptions, deps: Deps): Promise<HoursView> {
  const [{ emptyWeek, parseHoursSpec, validateTimeZone }, { hoursFile, viewOf }] = await Promise.all([
    import('../../core/hours.js'),
    import('./shared.js'),
  ]);
  const file = await hoursFile(deps);
  const current = await file.load();
  if (options.specs.length === 0 && options.tz === undefined)
    throw invalidInput('nothing to set: give the hours, --tz, or both', {
      code: 'usage.missing_flag',
      hint: 'e.g. wabox hours set "mon-fri 09:00-18:00" --tz Asia/Kolkata',
    });
  const timeZone = options.tz !== undefined ? validateTimeZone(options.tz) : current?.timeZone;
  if (timeZone === undefined)
    throw invalidInput('missing --tz: the first time, say which time zone the hours are in', {
      code: 'usage.missing_flag',
      hint: 'accepted form: an IANA time zone name such as Europe/London, America/New_York or Asia/Kolkata',
    });
  const week = options.specs.length > 0 ? parseHoursSpec(options.specs) : (current?.week ?? emptyWeek());
  const hours = { timeZone, week, closed: current?.closed ?? [] };
  await file.save(hours);
  return viewOf(hours);
}
