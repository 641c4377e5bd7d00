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
  const t = timeline(hours, a, b);
  return openBefore(t, b) - openBefore(t, a);
}

/** Whole business seconds of [from, to): a first response or a resolution as the inbox and reports count it. */
export function businessSeconds(hours: BusinessHours | undefined, from: Date, to: Date): number {
  return Math.round(businessMs(hours, from, to) / 1000);
}

/**
 * The merged opening intervals over a span, with the open time before each: a page of the inbox asks for
 * the business time of every row over spans up to months, which this answers with two binary searches.
 */
interface Timeline {
  from: number;
  to: number;
  starts: number[];
  ends: number[];
  /** Open milliseconds in the intervals before interval i. */
  before: number[];
}

const timelines = new WeakMap<BusinessHours, Timeline>();
/** How far a timeline reaches past what was asked, so that the next rows (older ones) rarely rebuild it. */
const TIMELINE_MARGIN_MS = 30 * 86_400_000;

function timeline(hours: BusinessHours, a: number, b: number): Timeline {
  const known = timelines.get(hours);
  if (known !== undefined && known.from <= a && b <= known.to) return known;
  const from = Math.min(a, known?.from ?? a) - TIMELINE_MARGIN_MS;
  const to = Math.max(b, known?.to ?? b) + TIMELINE_MARGIN_MS;
  const t: Timeline = { from, to, starts: [], ends: [], before: [] };
  let total = 0;
  for (const iv of openIntervals(hours, new Date(from), new Date(to))) {
    t.starts.push(iv.start.getTime());
    t.ends.push(iv.end.getTime());
    t.before.push(total);
    total += iv.end.getTime() - iv.start.getTime();
  }
  timelines.set(hours, t);
  return t;
}

/** Open milliseconds of the timeline before the instant x. */
function openBefore(t: Timeline, x: number): number {
  let lo = 0;
  let hi = t.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t.starts[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  const i = lo - 1;
  return i < 0 ? 0 : t.before[i]! + Math.min(x, t.ends[i]!) - t.starts[i]!;
}

/**
 * The instant when `ms` of open time have passed after `from` (from itself for 0). Null when the hours
 * do not give that much open time within a year or so.
 */
export function addBusinessMs(hours: BusinessHours | undefined, from: Date, ms: number): Date | null {
  const a = from.getTime();
  if (hours === undefined || ms <= 0) return new Date(a + Math.max(0, ms));
  for (let span = Math.max(4 * ms, WEEK_MS); ; span *= 4) {
    const t = timeline(hours, a, a + span);
    const goal = openBefore(t, a) + ms;
    // the first interval whose end reaches the goal
    let lo = 0;
    let hi = t.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t.before[mid]! + t.ends[mid]! - t.starts[mid]! < goal) lo = mid + 1;
      else hi = mid;
    }
    if (lo < t.starts.length) return new Date(t.starts[lo]! + goal - t.before[lo]!);
    if (span >= HORIZON_WEEKS * WEEK_MS) return null;
  }
}
