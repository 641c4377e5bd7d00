// Durations written by users: `--since 24h`, `--at 25h`, timeouts in the config (`30s`).

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
