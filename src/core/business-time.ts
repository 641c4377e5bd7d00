// Time counted in business hours: a response target runs only while the business is open.
// Pure: the caller passes the instants. Without hours (undefined) every millisecond counts.
import { type BusinessHours, openIntervals } from './hours.js';

const WEEK_MS = 7 * 86_400_000;
/** How far addBusinessMs looks for enough open time before it answers null (hours that never open). */
const HORIZON_WEEKS = 60;

/** The milliseconds of [from, to) within the open hours; 0 when `to` is not after `from`. */
export function businessMs(hours: BusinessHours | undefined, from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  if (hours === undefined) return b - a;
  let total = 0;
  for (const iv of openIntervals(hours, from, to))
    total += Math.min(iv.end.getTime(), b) - Math.max(iv.start.getTime(), a);
  return total;
}

/**
 * The instant when `ms` of open time have passed after `from` (from itself for 0). Null when the hours
 * do not give that much open time within a year or so.
 */
export function addBusinessMs(hours: BusinessHours | undefined, from: Date, ms: number): Date | null {
  if (hours === undefined || ms <= 0) return new Date(from.getTime() + Math.max(0, ms));
  let left = ms;
  let cursor = from.getTime();
  for (let week = 0; week < HORIZON_WEEKS; week++) {
    const end = cursor + WEEK_MS;
    for (const iv of openIntervals(hours, new Date(cursor), new Date(end))) {
      const start = Math.max(iv.start.getTime(), cursor);
      const open = Math.min(iv.end.getTime(), end) - start;
      if (open >= left) return new Date(start + left);
      left -= open;
    }
    cursor = end;
  }
  return null;
}
