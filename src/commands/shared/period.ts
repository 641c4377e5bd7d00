// --since / --until and --rates, as `wabox costs` and `wabox report` read them.

import type { RateCard } from '../../core/costs.js';
import { invalidInput } from '../../core/errors.js';

/** A time or a duration back from `now` (24h, 7d); a usage error (exit 2) naming the flag otherwise. */
export async function parseTimeFlag(flag: string, value: string, now: Date): Promise<Date> {
  const { parseSince } = await import('../../core/time.js');
  const at = parseSince(value, now);
  if (at === null)
    throw invalidInput(`${flag} "${value}" is neither a time nor a duration`, {
      code: `usage.bad_${flag.slice(2)}`,
      hint: 'use an ISO 8601 time (2025-06-01, 2025-06-01T09:00+05:30) or a duration (30m, 24h, 7d, 2w)',
    });
  return at;
}

/** The rate card CSV at `path` (core/costs.ts parseRateCard); a usage error for a file it cannot read. */
export async function readRateCard(path: string): Promise<RateCard> {
  const [{ readFile }, { parseRateCard }] = await Promise.all([
    import('node:fs/promises'),
    import('../../core/costs.js'),
  ]);
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw invalidInput(`--rates ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, {
      code: 'usage.bad_file',
    });
  });
  return parseRateCard(text, path);
}
