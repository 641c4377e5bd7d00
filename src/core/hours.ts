// Business hours: a weekly schedule of wall-clock ranges in one IANA time zone, plus closed dates.
// Pure: the caller passes the instant ("now" or --at); nothing here reads a clock or the environment.
//
//   spec     <days> <range>[,<range>...]     e.g. "mon-fri 09:00-18:00", "sat 10:00-14:00"
//   days     mon tue wed thu fri sat sun, a run "mon-fri" (may wrap: "fri-mon"), a list "mon,wed", "daily"
//   range    HH:MM-HH:MM; an end at or before the start runs past midnight ("fri 20:00-02:00" closes
//            Saturday 02:00); 24:00 is the end of the day; "closed" instead of ranges closes those days
//
// Daylight saving (the rules of RFC 5545 and of Temporal's "compatible" disambiguation):
//   - a wall time that does not exist (the skipped hour when clocks go forward) is read with the offset
//     in force before the jump, so it lands as far after the jump as it was after the last valid minute:
//     a range starting 02:30 on the day New York springs forward opens at 03:30 EDT;
//   - a wall time that happens twice (the repeated hour when clocks go back) means its first occurrence,
//     for starts and ends alike: a range ending 01:30 on the day New York falls back closes at 01:30 EDT;
//   - a range that, after these shifts, ends at or before its start is closed that day.
// A closed date (holiday) cancels the ranges that start on it; a range of the day before that runs past
// midnight into it still runs to its end.
import { DateTime, IANAZone } from 'luxon';
import { invalidInput } from './errors.js';
import { consecutiveRuns } from './text.js';
import { parseIsoTime, wallClockToInstant } from './time.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Minutes after local midnight; `end` may be at or before `start` (past midnight) and may be 1440. */
export interface TimeRange {
  start: number;
  end: number;
}

/** Every weekday, each with its ranges sorted by start (an empty list is a closed day). */
export type WeekSchedule = Record<Weekday, TimeRange[]>;

export interface BusinessHours {
  /** IANA time zone name, e.g. Asia/Kolkata. */
  timeZone: string;
  week: WeekSchedule;
  /** Closed dates, YYYY-MM-DD in the business zone, sorted. */
  closed: string[];
}

/** `hours status --json`: part of the interface, keep it stable. */
export interface HoursStatus {
  open: boolean;
  /** When open: the end of the current opening (ISO 8601, business zone offset); null when closed or never closing. */
  closesAt: string | null;
  /** When closed: the next opening (ISO 8601, business zone offset); null when open or no opening ahead. */
  nextOpen: string | null;
  timeZone: string;
}

export interface Interval {
  start: Date;
  end: Date;
}

export const SPEC_FORM =
  'accepted form: <days> <HH:MM-HH:MM>[,<HH:MM-HH:MM>...], e.g. "mon-fri 09:00-18:00" "sat 10:00-14:00" "fri 20:00-02:00"; days are mon tue wed thu fri sat sun, a run mon-fri, a list mon,wed,fri or daily; "sun closed" closes a day';

const DAY_MINUTES = 1440;
const WEEK_MINUTES = 7 * DAY_MINUTES;
/** How far ahead status() looks for an opening or a closing before it answers null. */
const HORIZON_DAYS = 400;

export function emptyWeek(): WeekSchedule {
  return { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
}

function specError(message: string) {
  return invalidInput(message, { code: 'hours.invalid_spec', hint: SPEC_FORM });
}

/** `09:00` -> 540; `24:00` only where `allow24`. */
export function parseTime(text: string, allow24: boolean): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return undefined;
  if (h === 24 && min === 0 && allow24) return DAY_MINUTES;
  if (h > 23) return undefined;
  return h * 60 + min;
}

export function formatTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function formatRange(range: TimeRange): string {
  return `${formatTime(range.start)}-${formatTime(range.end)}`;
}

function parseRange(text: string, spec: string): TimeRange {
  const m = /^([^-]+)-([^-]+)$/.exec(text);
  const start = m ? parseTime(m[1] as string, false) : undefined;
  const end = m ? parseTime(m[2] as string, true) : undefined;
  if (start === undefined || end === undefined)
    throw specError(`invalid hours "${spec}": "${text}" is not a time range like 09:00-18:00`);
  if (start === end % DAY_MINUTES && end !== DAY_MINUTES)
    throw specError(
      `invalid hours "${spec}": ${text} is empty (a whole day is 00:00-24:00; past midnight ends before it starts, e.g. 20:00-02:00)`,
    );
  return { start, end };
}

function parseDays(text: string, spec: string): Weekday[] {
  const days = new Set<Weekday>();
  for (const item of text.toLowerCase().split(',')) {
    if (item === '') continue;
    if (item === 'daily') {
      for (const d of WEEKDAYS) days.add(d);
      continue;
    }
    const [from, to, extra] = item.split('-');
    const a = WEEKDAYS.indexOf(from as Weekday);
    const b = to === undefined ? a : WEEKDAYS.indexOf(to as Weekday);
    if (a === -1 || b === -1 || extra !== undefined)
      throw specError(`invalid hours "${spec}": "${item}" is not a day or a run of days like mon-fri`);
    for (let i = a; ; i = (i + 1) % 7) {
      days.add(WEEKDAYS[i] as Weekday);
      if (i === b) break;
    }
  }
  return [...days];
}

const looksLikeRanges = (token: string) => /^[\d:,-]+$/.test(token) || token.toLowerCase() === 'closed';

/**
 * Parses `hours set` arguments into a week. The specs may come as one argument each
 * ("mon-fri 09:00-18:00") or as separate words; several ranges per day are comma-separated or repeated.
 * Refuses unknown days, bad times, empty ranges and overlapping ranges (past-midnight spill included).
 */
export function parseHoursSpec(args: readonly string[]): WeekSchedule {
  const spec = args.join(' ').trim();
  const tokens = spec.split(/[\s;]+/).filter((t) => t !== '');
  if (tokens.length === 0) throw specError('no business hours given');
  const week = emptyWeek();
  const closedDays = new Set<Weekday>();
  const origin = new Map<string, string>(); // "mon 20:00-02:00" for messages
  let days: Weekday[] | null = null;
  let daysToken = '';
  let hadRanges = false;
  const finishGroup = () => {
    if (days !== null && !hadRanges)
      throw specError(`invalid hours "${spec}": "${daysToken}" has no time range after it`);
  };
  for (const token of tokens) {
    if (!looksLikeRanges(token)) {
      finishGroup();
      days = parseDays(token, spec);
      daysToken = token;
      hadRanges = false;
      continue;
    }
    if (days === null)
      throw specError(`invalid hours "${spec}": "${token}" has no days before it (e.g. mon-fri ${token})`);
    hadRanges = true;
    if (token.toLowerCase() === 'closed') {
      for (const d of days) closedDays.add(d);
      continue;
    }
    for (const piece of token.split(',')) {
      if (piece === '') continue;
      const range = parseRange(piece, spec);
      for (const d of days) {
        week[d].push(range);
        origin.set(`${d}/${range.start}/${range.end}`, `${d} ${formatRange(range)}`);
      }
    }
  }
  finishGroup();
  for (const d of closedDays) {
    if (week[d].length > 0)
      throw specError(`invalid hours "${spec}": ${d} is both closed and open ${formatRange(week[d][0]!)}`);
  }
  for (const d of WEEKDAYS) week[d].sort((a, b) => a.start - b.start || a.end - b.end);
  checkOverlaps(week, (d, r) => origin.get(`${d}/${r.start}/${r.end}`) ?? `${d} ${formatRange(r)}`);
  return week;
}

/** Refuses two ranges that share a minute anywhere in the week (touching ends are fine). */
export function checkOverlaps(
  week: WeekSchedule,
  describe: (day: Weekday, range: TimeRange) => string = (d, r) => `${d} ${formatRange(r)}`,
): void {
  const pieces: Array<{ start: number; end: number; label: string }> = [];
  WEEKDAYS.forEach((day, i) => {
    for (const range of week[day]) {
      const start = i * DAY_MINUTES + range.start;
      const end = i * DAY_MINUTES + (range.end > range.start ? range.end : range.end + DAY_MINUTES);
      const label = describe(day, range);
      if (end <= WEEK_MINUTES) pieces.push({ start, end, label });
      else {
        pieces.push({ start, end: WEEK_MINUTES, label });
        pieces.push({ start: 0, end: end - WEEK_MINUTES, label });
      }
    }
  });
  pieces.sort((a, b) => a.start - b.start);
  for (let i = 1; i < pieces.length; i++) {
    const prev = pieces[i - 1]!;
    const cur = pieces[i]!;
    if (cur.start < prev.end) {
      throw invalidInput(`overlapping business hours: "${prev.label}" overlaps "${cur.label}"`, {
        code: 'hours.overlap',
        hint: `merge them into one range or make them touch (e.g. 09:00-13:00,13:00-18:00); ${SPEC_FORM}`,
      });
    }
  }
}

/** The week as specs, days with the same ranges grouped: ["mon-fri 09:00-18:00", "sat 10:00-14:00"]. */
export function formatWeek(week: WeekSchedule): string[] {
  const groups = new Map<string, number[]>();
  WEEKDAYS.forEach((day, i) => {
    if (week[day].length === 0) return;
    const key = week[day].map(formatRange).join(',');
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const lines: string[] = [];
  for (const [ranges, indexes] of groups) {
    if (indexes.length === 7) {
      lines.push(`daily ${ranges}`);
      continue;
    }
    const runs = consecutiveRuns(indexes).map(([first, last]) =>
      first === last ? WEEKDAYS[first] : `${WEEKDAYS[first]}-${WEEKDAYS[last]}`,
    );
    lines.push(`${runs.join(',')} ${ranges}`);
  }
  return lines;
}

/** Validates an IANA zone name (e.g. Europe/London); returns it trimmed. */
export function validateTimeZone(name: string): string {
  const tz = name.trim();
  if (tz === '' || !/^[A-Za-z]/.test(tz) || !IANAZone.isValidZone(tz)) {
    throw invalidInput(`unknown time zone "${name}"`, {
      code: 'hours.unknown_zone',
      hint: 'accepted form: an IANA time zone name such as Europe/London, America/New_York, Asia/Kolkata or Asia/Kathmandu',
    });
  }
  return tz;
}

/** Validates a calendar date written YYYY-MM-DD. */
export function validateDate(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const ok = m && DateTime.fromObject({ year: +m[1]!, month: +m[2]!, day: +m[3]! }, { zone: 'UTC' }).isValid;
  if (!ok)
    throw invalidInput(`invalid date "${text}"`, {
      code: 'hours.invalid_date',
      hint: 'accepted form: YYYY-MM-DD, e.g. 2025-12-25',
    });
  return text.trim();
}

/** A calendar date as days since 1970-01-01 (UTC arithmetic: no zone involved). */
type DayNumber = number;

function dayNumberOf(instant: number, zone: IANAZone): DayNumber {
  const local = instant + zone.offset(instant) * 60_000;
  return Math.floor(local / 86_400_000);
}

function dateString(day: DayNumber): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

function weekdayOf(day: DayNumber): Weekday {
  // 1970-01-01 was a Thursday
  return WEEKDAYS[(((day + 3) % 7) + 7) % 7] as Weekday;
}

/** The instant a wall-clock time happens in a zone (see the file comment for the daylight-saving rules). */
function wallTimeToInstant(day: DayNumber, minutes: number, zone: IANAZone): number {
  return wallClockToInstant(day * 86_400_000 + minutes * 60_000, zone);
}

/** Validated zones by name: luxon's validity check builds an Intl formatter each time. */
const zones = new Map<string, IANAZone>();

function zoneOf(hours: Pick<BusinessHours, 'timeZone'>): IANAZone {
  let zone = zones.get(hours.timeZone);
  if (zone === undefined) {
    zone = IANAZone.create(validateTimeZone(hours.timeZone));
    zones.set(hours.timeZone, zone);
  }
  return zone;
}

interface RawInterval {
  start: number;
  end: number;
}

/** The opening intervals of the ranges that start on days [first, first+count), merged and sorted. */
/**
 * Each day's opening intervals, per hours object (never mutated: commands build new ones): the inbox
 * measures business time for every row of a page, over spans up to months, and the zone offsets luxon
 * computes for each day are most of that work.
 */
const dayCache = new WeakMap<BusinessHours, Map<DayNumber, readonly RawInterval[]>>();

function dayIntervals(hours: BusinessHours, zone: IANAZone, day: DayNumber): readonly RawInterval[] {
  let days = dayCache.get(hours);
  if (days === undefined) {
    days = new Map();
    dayCache.set(hours, days);
  }
  let intervals = days.get(day);
  if (intervals === undefined) {
    const list: RawInterval[] = [];
    if (!hours.closed.includes(dateString(day)))
      for (const range of hours.week[weekdayOf(day)]) {
        const start = wallTimeToInstant(day, range.start, zone);
        const end =
          range.end > range.start
            ? wallTimeToInstant(day, range.end, zone)
            : wallTimeToInstant(day + 1, range.end, zone);
        if (end > start) list.push({ start, end });
      }
    intervals = list;
    days.set(day, intervals);
  }
  return intervals;
}

function intervalsFor(hours: BusinessHours, zone: IANAZone, first: DayNumber, count: number): RawInterval[] {
  const raw: RawInterval[] = [];
  for (let day = first; day < first + count; day++) raw.push(...dayIntervals(hours, zone, day));
  raw.sort((a, b) => a.start - b.start);
  const merged: RawInterval[] = [];
  for (const iv of raw) {
    const last = merged[merged.length - 1];
    if (last && iv.start <= last.end) last.end = Math.max(last.end, iv.end);
    else merged.push({ ...iv });
  }
  return merged;
}

/** Opening intervals (merged) that overlap [from, to). */
export function openIntervals(hours: BusinessHours, from: Date, to: Date): Interval[] {
  const zone = zoneOf(hours);
  const first = dayNumberOf(from.getTime(), zone) - 1;
  const last = dayNumberOf(to.getTime(), zone) + 1;
  return intervalsFor(hours, zone, first, last - first + 1)
    .filter((iv) => iv.end > from.getTime() && iv.start < to.getTime())
    .map((iv) => ({ start: new Date(iv.start), end: new Date(iv.end) }));
}

interface Situation {
  open: boolean;
  closesAt: number | null;
  nextOpen: number | null;
}

function situation(hours: BusinessHours, at: Date): Situation {
  const zone = zoneOf(hours);
  const t = at.getTime();
  const first = dayNumberOf(t, zone) - 1;
  for (let count = 9; ; count = Math.min(count * 4, HORIZON_DAYS)) {
    const intervals = intervalsFor(hours, zone, first, count);
    // an interval reaching this far may continue with a range of a day beyond the window
    const windowEnd = wallTimeToInstant(first + count, 0, zone);
    const exhausted = count >= HORIZON_DAYS;
    const current = intervals.find((iv) => iv.start <= t && t < iv.end);
    if (current) {
      if (current.end < windowEnd) return { open: true, closesAt: current.end, nextOpen: null };
      if (exhausted) return { open: true, closesAt: null, nextOpen: null };
      continue;
    }
    const next = intervals.find((iv) => iv.start > t);
    if (next) return { open: false, closesAt: null, nextOpen: next.start };
    if (exhausted) return { open: false, closesAt: null, nextOpen: null };
  }
}

/** An instant as ISO 8601 in the zone's offset, e.g. 2024-03-11T09:00:00+05:30. */
export function isoInZone(instant: Date | number, timeZone: string): string {
  return DateTime.fromMillis(typeof instant === 'number' ? instant : instant.getTime(), {
    zone: timeZone,
  }).toISO({ suppressMilliseconds: true }) as string;
}

/** Open or closed at `at`, and when that changes. */
export function hoursStatus(hours: BusinessHours, at: Date): HoursStatus {
  const s = situation(hours, at);
  return {
    open: s.open,
    closesAt: s.closesAt === null ? null : isoInZone(s.closesAt, hours.timeZone),
    nextOpen: s.nextOpen === null ? null : isoInZone(s.nextOpen, hours.timeZone),
    timeZone: hours.timeZone,
  };
}

export function isOpen(hours: BusinessHours, at: Date): boolean {
  return situation(hours, at).open;
}

/**
 * The next time the business opens strictly after `at`: when closed, the next opening; when open, the
 * opening after the current one ends. Null when there is none within a year. `{{next_open}}` uses it.
 */
export function nextOpening(hours: BusinessHours, at: Date): Date | null {
  const s = situation(hours, at);
  if (!s.open) return s.nextOpen === null ? null : new Date(s.nextOpen);
  if (s.closesAt === null) return null;
  const after = situation(hours, new Date(s.closesAt));
  return after.nextOpen === null ? null : new Date(after.nextOpen);
}

/**
 * Reads `--at`: ISO 8601 with an offset (2024-03-10T07:30:00Z, ...+05:30) is that instant; without one
 * (2024-03-10T02:30) it is a wall time in the business zone, with the daylight-saving rules above.
 */
export function parseInstant(text: string, timeZone: string): Date {
  const at = parseIsoTime(text, zoneOf({ timeZone }));
  if (at === null)
    throw invalidInput(`invalid time "${text}"`, {
      code: 'hours.invalid_time',
      hint: 'accepted form: ISO 8601, e.g. 2025-03-10T09:30:00+05:30, 2025-03-10T04:00:00Z, or 2025-03-10T09:30 in the business time zone',
    });
  return at;
}

/** Holidays: adds dates (validated, deduplicated, sorted). */
export function addClosedDates(closed: readonly string[], dates: readonly string[]): string[] {
  return [...new Set([...closed, ...dates.map(validateDate)])].sort();
}

/**
 * Validates stored hours (a hand-edited file): returns the problems, each naming the entry.
 * `week` holds range strings per day as `hours show --json` prints them.
 */
export function hoursFromData(data: unknown): { hours?: BusinessHours; problems: string[] } {
  const problems: string[] = [];
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { problems: ['the file is not a JSON object'] };
  const { timeZone, week, closed, ...rest } = data as Record<string, unknown>;
  for (const key of Object.keys(rest)) if (key !== 'version') problems.push(`"${key}" is not a known field`);
  let tz = '';
  if (typeof timeZone !== 'string') problems.push('timeZone is missing or not a string');
  else {
    try {
      tz = validateTimeZone(timeZone);
    } catch {
      problems.push(`timeZone "${timeZone}" is not a known IANA time zone`);
    }
  }
  const parsed = emptyWeek();
  if (typeof week !== 'object' || week === null || Array.isArray(week))
    problems.push('week is not an object');
  else {
    for (const [day, ranges] of Object.entries(week as Record<string, unknown>)) {
      if (!WEEKDAYS.includes(day as Weekday)) {
        problems.push(`week.${day} is not a day (mon tue wed thu fri sat sun)`);
        continue;
      }
      if (!Array.isArray(ranges) || !ranges.every((r) => typeof r === 'string')) {
        problems.push(`week.${day} is not a list of ranges like "09:00-18:00"`);
        continue;
      }
      ranges.forEach((r: string, i) => {
        try {
          parsed[day as Weekday].push(parseRange(r, `${day} ${r}`));
        } catch {
          problems.push(`week.${day}[${i}] "${r}" is not a time range like 09:00-18:00`);
        }
      });
      parsed[day as Weekday].sort((a, b) => a.start - b.start);
    }
    if (problems.length === 0) {
      try {
        checkOverlaps(parsed);
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
  }
  let dates: string[] = [];
  if (closed !== undefined) {
    if (!Array.isArray(closed)) problems.push('closed is not a list of dates');
    else {
      closed.forEach((d, i) => {
        try {
          if (typeof d !== 'string') throw new Error();
          validateDate(d);
        } catch {
          problems.push(`closed[${i}] ${JSON.stringify(d)} is not a date like 2025-12-25`);
        }
      });
      if (problems.length === 0) dates = addClosedDates([], closed as string[]);
    }
  }
  if (problems.length > 0) return { problems };
  return { hours: { timeZone: tz, week: parsed, closed: dates }, problems };
}

/** Stored and `--json` form of the week: every day, its ranges as "HH:MM-HH:MM". */
export function weekToData(week: WeekSchedule): Record<Weekday, string[]> {
  const out = {} as Record<Weekday, string[]>;
  for (const d of WEEKDAYS) out[d] = week[d].map(formatRange);
  return out;
}
