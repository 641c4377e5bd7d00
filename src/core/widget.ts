// The website chat button: the configuration `widget build` embeds in the script, and its checks.
// The script itself (src/widget/) reads this shape; it computes open or away in the visitor's browser.
import { invalidInput } from './errors.js';
import {
  addClosedDates,
  type BusinessHours,
  parseHoursSpec,
  validateTimeZone,
  WEEKDAYS,
  type WeekSchedule,
} from './hours.js';

/** Hours as the script reads them: per weekday (mon first) [start, end] minutes, as core/hours.ts has them. */
export interface WidgetHours {
  timeZone: string;
  week: Array<Array<[number, number]>>;
  /** Closed dates, YYYY-MM-DD in the zone. */
  closed: string[];
}

export interface WidgetPerson {
  /** Shown as "Chat with <name>"; null for the business's one number. */
  name: string | null;
  waId: string;
  /** Null: always within hours. */
  hours: WidgetHours | null;
}

export type WidgetPosition = 'left' | 'right';

export interface WidgetConfig {
  people: WidgetPerson[];
  /** Prefilled text with {TITLE} {URL} {SITE} and {<DATA_NAME>} variables; null for none. */
  text: string | null;
  ref: string | null;
  position: WidgetPosition;
  /** #rrggbb */
  color: string;
  label: string;
  /** The typical first-response time in minutes; null when unknown. */
  replyMinutes: number | null;
}

export function widgetHours(hours: BusinessHours): WidgetHours {
  return {
    timeZone: hours.timeZone,
    week: WEEKDAYS.map((d) => hours.week[d].map((r): [number, number] => [r.start, r.end])),
    closed: hours.closed,
  };
}

/** `#25D366` or `#2d6` -> `#25d366`. */
export function parseColor(input: string): string {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(input.trim());
  if (!m)
    throw invalidInput(`invalid color "${input}"`, {
      code: 'widget.invalid_color',
      hint: 'accepted form: a hex colour such as #25d366 or #075e54',
    });
  const hex = m[1]!.toLowerCase();
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
}

export function parsePosition(input: string): WidgetPosition {
  if (input !== 'left' && input !== 'right')
    throw invalidInput(`invalid position "${input}": use left or right`, { code: 'widget.invalid_position' });
  return input;
}

export function validateLabel(input: string): string {
  const label = input.trim();
  if (label === '' || [...label].length > 40)
    throw invalidInput('the label must be 1-40 characters', { code: 'widget.invalid_label' });
  return label;
}

/** The median of the answered waits, in whole minutes (at least 1); null without any. */
export function medianReplyMinutes(seconds: readonly number[]): number | null {
  if (seconds.length === 0) return null;
  const sorted = [...seconds].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.max(1, Math.ceil(median / 60));
}

/** One entry of agents.yaml once read, before its phone is normalised (phone.ts needs the CLI's country). */
export interface AgentEntry {
  name: string;
  phone: string;
  /** Null: always within hours. */
  hours: BusinessHours | null;
}

const AGENT_KEYS = ['name', 'phone', 'hours', 'tz', 'closed'];

/**
 * Reads agents.yaml (already parsed; `source` names it in errors): a list of {name, phone, hours?, tz?, closed?}. `hours` is a spec or
 * a list of specs as `hours set` takes them; `tz` defaults to `defaultZone`; the business's closed dates
 * apply to everyone, `closed` adds an agent's own. Throws one error naming the first bad entry.
 */
export function parseAgentsData(
  data: unknown,
  source: string,
  defaultZone: string | undefined,
  businessClosed: readonly string[],
): AgentEntry[] {
  const bad = (message: string) =>
    invalidInput(`${source}: ${message}`, {
      code: 'widget.invalid_agents',
      hint: 'accepted form: a list of entries like {name: Asha, phone: "+919876543210", hours: "mon-fri 09:00-17:00", tz: Asia/Kolkata}',
    });
  if (!Array.isArray(data) || data.length === 0) throw bad('expected a non-empty list of agents');
  const names = new Set<string>();
  return data.map((raw, i) => {
    const where = `entry ${i + 1}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw bad(`${where} is not a mapping of name, phone, hours, tz, closed`);
    const entry = raw as Record<string, unknown>;
    const unknown = Object.keys(entry).find((k) => !AGENT_KEYS.includes(k));
    if (unknown !== undefined)
      throw bad(`${where}: "${unknown}" is not a known field (${AGENT_KEYS.join(', ')})`);
    const { name, phone, hours, tz, closed } = entry;
    if (typeof name !== 'string' || name.trim() === '') throw bad(`${where}: name is missing`);
    const label = `${where} (${name.trim()})`;
    if (names.has(name.trim())) throw bad(`${label}: the name appears twice`);
    names.add(name.trim());
    if (typeof phone !== 'string' && typeof phone !== 'number') throw bad(`${label}: phone is missing`);
    const specs = hours === undefined ? null : typeof hours === 'string' ? [hours] : hours;
    if (specs !== null && (!Array.isArray(specs) || !specs.every((s) => typeof s === 'string')))
      throw bad(`${label}: hours is not a spec or a list of specs like "mon-fri 09:00-17:00"`);
    if (tz !== undefined && typeof tz !== 'string') throw bad(`${label}: tz is not a time zone name`);
    if (closed !== undefined && (!Array.isArray(closed) || !closed.every((d) => typeof d === 'string')))
      throw bad(`${label}: closed is not a list of dates like 2026-12-25`);
    let week: WeekSchedule | null = null;
    let timeZone = '';
    let closedDates: string[] = [];
    try {
      if (specs !== null) week = parseHoursSpec(specs as string[]);
      timeZone = validateTimeZone(tz ?? defaultZone ?? 'UTC');
      closedDates = addClosedDates(businessClosed, (closed as string[] | undefined) ?? []);
    } catch (err) {
      throw bad(`${label}: ${(err as Error).message}`);
    }
    return {
      name: name.trim(),
      phone: String(phone),
      hours: week === null ? null : { timeZone, week, closed: closedDates },
    };
  });
}
