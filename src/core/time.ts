// Times written by users: `--since 24h`, `--since 2025-06-01`, `--since 2025-06-01T09:30+05:30`.

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `90s`, `30m`, `24h`, `7d`, `2w`, or combined: `1d12h`. Returns milliseconds, or null when not a duration. */
export function parseDuration(input: string): number | null {
  const text = input.trim().toLowerCase();
  if (!/^(?:\d+[smhdw])+$/.test(text)) return null;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhdw])/g)) total += Number(amount) * UNIT_MS[unit!]!;
  return Number.isSafeInteger(total) ? total : null;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO 8601 date or date-time. Without an offset it is local time (the machine's zone): a user who
 * writes `2025-06-01` means their own midnight. Returns null when the text is not one, or names a day
 * or time that does not exist.
 */
export function parseIsoTime(input: string): Date | null {
  const m = ISO.exec(input.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', offset] = m;
  const ms = Math.floor(Number(`0.${frac}`) * 1000);
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms] as const;
  if (parts[1] > 11 || parts[3] > 23 || parts[4] > 59 || parts[5] > 59) return null;
  let date: Date;
  if (offset === undefined) {
    date = new Date(...parts);
    // Date rolls 31 June over into July: refuse instead
    if (date.getFullYear() !== parts[0] || date.getMonth() !== parts[1] || date.getDate() !== parts[2])
      return null;
  } else {
    const utc = Date.UTC(...parts);
    const check = new Date(utc);
    if (check.getUTCMonth() !== parts[1] || check.getUTCDate() !== parts[2]) return null;
    let shift = 0;
    if (offset.toUpperCase() !== 'Z') {
      const om = /^([+-])(\d{2}):?(\d{2})$/.exec(offset)!;
      const minutes = Number(om[2]) * 60 + Number(om[3]);
      if (Number(om[2]) > 23 || Number(om[3]) > 59) return null;
      shift = (om[1] === '-' ? -1 : 1) * minutes * 60_000;
    }
    date = new Date(utc - shift);
  }
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `--since`: a duration back from `now` (24h, 7d) or an ISO 8601 time. Null when it is neither. */
export function parseSince(input: string, now: Date): Date | null {
  const duration = parseDuration(input);
  if (duration !== null) return new Date(now.getTime() - duration);
  return parseIsoTime(input);
}
