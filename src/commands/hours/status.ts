import type { Command } from 'commander';
import { DateTime } from 'luxon';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { type HoursStatus, hoursStatus, parseInstant } from '../../core/hours.js';
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

The time is shown in the business time zone; --json: closesAt (when open) and nextOpen (when closed) are ISO 8601 with the business zone's offset;
the other one is null, and both are null when nothing changes within a year.`,
    )
    .action(async (flags: StatusOptions) => {
      const { status, at } = await runStatus(flags, deps);
      emit(deps, flags, status, (st) => humanStatus(st, at));
    });
}

/** The status, and the time it is for (now, or --at). */
export async function runStatus(
  options: StatusOptions,
  deps: Deps,
): Promise<{ status: HoursStatus; at: Date }> {
  const hours = await requireHours(await hoursFile(deps));
  const at = options.at === undefined ? deps.clock() : parseInstant(options.at, hours.timeZone);
  return { status: hoursStatus(hours, at), at };
}

/**
 * `closed — opens Mon 11 Mar 09:00 IST (in 1 d 13 h)`, `open — closes 18:00 IST (in 8 h 30 min)`: the
 * date only when it is not the day of `at` in the business zone.
 */
export function humanStatus(s: HoursStatus, at: Date): string {
  if (s.open)
    return s.closesAt
      ? `open — closes ${whenFor(s.closesAt, at, s.timeZone)}`
      : 'open (no closing time within a year)';
  return s.nextOpen
    ? `closed — opens ${whenFor(s.nextOpen, at, s.timeZone)}`
    : 'closed (no opening within a year)';
}

function whenFor(iso: string, at: Date, timeZone: string): string {
  const then = DateTime.fromISO(iso, { setZone: true });
  const now = DateTime.fromJSDate(at).setZone(timeZone);
  const day = then.hasSame(now, 'day')
    ? ''
    : then.toFormat(then.hasSame(now, 'year') ? 'ccc d LLL ' : 'ccc d LLL yyyy ', { locale: 'en-GB' });
  return `${day}${then.toFormat('HH:mm')} ${zoneName(timeZone, then.toJSDate())} (${untilText(then.toMillis() - at.getTime())})`;
}

/** A zone's short name as people write it (IST, CET, EST) where some English locale has one, else GMT+5:45. */
function zoneName(timeZone: string, at: Date): string {
  let fallback = '';
  for (const locale of ['en-US', 'en-GB', 'en-IN', 'en-AU']) {
    const name = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    if (name === undefined) continue;
    if (!/^GMT[+-]/.test(name)) return name;
    fallback ||= name;
  }
  return fallback || timeZone;
}

/** `in 1 d 18 h`, `in 2 h 5 min`, `in 7 min`: the two largest units, rounded down. */
export function untilText(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'in less than a minute';
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return `in ${d} d${h > 0 ? ` ${h} h` : ''}`;
  if (h > 0) return `in ${h} h${m > 0 ? ` ${m} min` : ''}`;
  return `in ${m} min`;
}
