import { Chalk, type ChalkInstance } from 'chalk';
import type { Deps } from './deps.js';
import type { IO } from './io.js';

export interface OutputOptions {
  json?: boolean;
}

/** Colours for human output; plain when colour is off (not a TTY, NO_COLOR, --no-color). */
export function style(io: IO): ChalkInstance {
  return new Chalk({ level: io.color ? 1 : 0 });
}

/**
 * Prints a command's result: one JSON document with --json, else the human form. The same for every
 * command (DESIGN.md §3): data on stdout, nothing else.
 */
export function emit<T>(
  deps: Deps,
  options: OutputOptions,
  data: T,
  human: (data: T, s: ChalkInstance) => string,
): void {
  if (options.json) {
    deps.io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return;
  }
  const text = human(data, style(deps.io));
  if (text !== '') deps.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** One NDJSON line for streams (batches, --follow). */
export function emitLine(io: IO, data: unknown): void {
  io.stdout.write(`${JSON.stringify(data)}\n`);
}

/** A warning on stderr: never mixed into data. */
export function warn(io: IO, message: string): void {
  io.stderr.write(`${style(io).yellow('warning:')} ${message}\n`);
}

/** Progress and hints on stderr. */
export function note(io: IO, message: string): void {
  io.stderr.write(`${message}\n`);
}
