// `wabox hours status` as a line of text, apart from ./status.ts: luxon loads only when it prints one.
import { DateTime } from 'luxon';
import type { HoursStatus } from '../../core/hours.js';

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
