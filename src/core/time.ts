// Times written by users: `--since 2025-06-01`, `--at 2025-06-01T09:30+05:30`, `--since 24h`. luxon checks
// the calendar and applies the offset; the pattern below keeps to the forms wabox documents, a subset of
// what luxon reads (it also takes week dates, ordinal dates, 24:00 and offsets past ±23:59).
import { DateTime, SystemZone, type Zone } from 'luxon';
import { parseDuration } from './duration.js';

const ISO =
  /^\d{4}-\d{2}-\d{2}(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$/i;

/**
 * An ISO 8601 date or date-time: `2025-06-01`, `2025-06-01T14:05`, `2025-06-01T14:05:09.250` (a space in
 * place of the T too, as RFC 3339 allows and people type), each time with an optional offset (`Z`, `+05:30`, `-0400`). With an offset it is that instant; without one it is a
 * wall time in `zone` (default: the machine's), read as wallClockToInstant says. Returns null when the
 * text is not one of these forms, or names a day or time that does not exist.
 */
export function parseIsoTime(input: string, zone: Zone = SystemZone.instance): Date | null {
  const text = input.trim().replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, '$1T');
  const m = ISO.exec(text);
  if (!m) return null;
  if (m[1] !== undefined) {
    const dt = DateTime.fromISO(text, { setZone: true });
    return dt.isValid ? dt.toJSDate() : null;
  }
  const wall = DateTime.fromISO(text, { zone: 'UTC' });
  if (!wall.isValid) return null;
  const instant = wallClockToInstant(wall.toMillis(), zone);
  return Number.isNaN(instant) ? null : new Date(instant);
}

/**
 * The instant a wall-clock time (milliseconds since 1970-01-01T00:00 on the wall) happens in a zone: the
 * earlier one when it happens twice (clocks going back), and for a time in a skipped hour (clocks going
 * forward), the time read with the offset before the jump: the rules of RFC 5545, Temporal's
 * "compatible" disambiguation and JavaScript's Date.
 */
export function wallClockToInstant(wall: number, zone: Zone): number {
  const before = zone.offset(wall - 86_400_000);
  const after = zone.offset(wall + 86_400_000);
  const candidates = [...new Set([before, after, zone.offset(wall)])]
    .map((offset) => wall - offset * 60_000)
    .filter((t) => wall - zone.offset(t) * 60_000 === t)
    .sort((a, b) => a - b);
  return candidates[0] ?? wall - before * 60_000;
}

/** `--since`: a duration back from `now` (24h, 7d) or an ISO 8601 time. Null when it is neither. */
export function parseSince(input: string, now: Date): Date | null {
  const duration = parseDuration(input);
  if (duration !== null) return new Date(now.getTime() - duration);
  return parseIsoTime(input);
}
