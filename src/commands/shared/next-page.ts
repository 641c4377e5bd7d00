// The `more:` hint after a page on a terminal: the command that lists the next one.
import { shellWord } from './shell-word.js';

/** `command` with the flags given (in `keys` order: switches bare, values quoted) and `--before <cursor>`. */
export function nextPageCommand<F extends object>(
  command: string,
  flags: F,
  keys: ReadonlyArray<keyof F & string>,
  cursor: string,
): string {
  const args = [command];
  for (const key of keys) {
    const value: unknown = flags[key];
    if (value === true) args.push(`--${key}`);
    else if (typeof value === 'string') args.push(`--${key} ${shellWord(value)}`);
  }
  return [...args, `--before ${cursor}`].join(' ');
}
