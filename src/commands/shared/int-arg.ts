// Whole-number flags and settings (--scale, --jobs, --limit, greeting-after-days): one parser, one message.
import { invalidInput } from '../../core/errors.js';

export function intInRange(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw invalidInput(`${flag} must be a whole number from ${min} to ${max}, not "${value}"`, {
      code: 'usage.range',
    });
  }
  return n;
}

/** `--limit <n>`: 50 when not given. */
export function parseLimit(value: string | undefined, max: number): number {
  return value === undefined ? 50 : intInRange(value, '--limit', 1, max);
}
