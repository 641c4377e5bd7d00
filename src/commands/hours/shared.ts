import type { Deps } from '../../cli/deps.js';
import { HoursFile, hoursPath } from '../../config/hours.js';
import { configInvalid } from '../../core/errors.js';
import { type BusinessHours, formatWeek, weekToData } from '../../core/hours.js';

export async function hoursFile(deps: Deps): Promise<HoursFile> {
  return new HoursFile(hoursPath(deps.env));
}

/** The stored hours; a config error (exit 3) when none are set. */
export async function requireHours(file: HoursFile): Promise<BusinessHours> {
  const hours = await file.load();
  if (!hours)
    throw configInvalid('no business hours are set', {
      code: 'hours.not_set',
      hint: 'set them first, e.g.: wabox hours set "mon-fri 09:00-18:00" "sat 10:00-14:00" --tz Asia/Kolkata',
    });
  return hours;
}

/** `hours show --json` and `hours set --json`: part of the interface, keep it stable. */
export interface HoursView {
  timeZone: string;
  /** The week as specs, days with the same ranges grouped: ["mon-fri 09:00-18:00", ...]. */
  specs: string[];
  /** Every day with its ranges; [] is closed. */
  week: Record<string, string[]>;
  closed: string[];
}

export async function viewOf(hours: BusinessHours): Promise<HoursView> {
  return {
    timeZone: hours.timeZone,
    specs: formatWeek(hours.week),
    week: weekToData(hours.week),
    closed: hours.closed,
  };
}

export function humanView(v: HoursView): string {
  const lines = [`time zone: ${v.timeZone}`];
  if (v.specs.length === 0) lines.push('closed every day');
  for (const spec of v.specs) lines.push(spec);
  lines.push(`closed on: ${v.closed.length > 0 ? v.closed.join(', ') : '-'}`);
  return lines.join('\n');
}
