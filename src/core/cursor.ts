// A position in a list sorted newest first (`--before <cursor>`): the sort time in ms and the row's id,
// each in base 36, joined by a dot — short, shell-safe, and the same for every store.
import { invalidInput } from './errors.js';

export interface Position {
  at: number;
  id: number;
}

export function encodeCursor({ at, id }: Position): string {
  return `${at.toString(36)}.${id.toString(36)}`;
}

/** The position a cursor names; an invalid-input error (exit 2) naming `flag` for anything else. */
export function decodeCursor(text: string, flag = '--before'): Position {
  const match = /^([0-9a-z]{1,11})\.([0-9a-z]{1,11})$/.exec(text.trim());
  const at = match ? Number.parseInt(match[1]!, 36) : Number.NaN;
  const id = match ? Number.parseInt(match[2]!, 36) : Number.NaN;
  if (!Number.isSafeInteger(at) || !Number.isSafeInteger(id))
    throw invalidInput(`${flag} "${text}" is not a cursor wabox printed`, {
      code: 'usage.bad_cursor',
      hint: 'pass the cursor field of the last row of a --json page (or the one on the "more:" line after a page)',
    });
  return { at, id };
}
