import type { ChalkInstance } from 'chalk';
import { jsonSafe, safeOutput } from '../core/text.js';
import type { Deps } from './deps.js';
import type { IO } from './io.js';

export interface OutputOptions {
  json?: boolean;
}

let chalk: typeof import('chalk') | undefined;

/**
 * Loads chalk; main() calls it before a command runs when colour is on. Piped output (scripts, batches)
 * never loads it, which keeps it out of every such start (bench/startup.mjs).
 */
export async function loadStyle(): Promise<void> {
  chalk ??= await import('chalk');
}

/**
 * Colours for human output; plain when colour is off (not a TTY, NO_COLOR, --no-color) or chalk was not
 * loaded. Plain is a chainable no-op like chalk at level 0: `s.red.bold('x')` is `'x'`.
 */
export function style(io: IO): ChalkInstance {
  return io.color && chalk ? new chalk.Chalk({ level: 1 }) : PLAIN;
}

/** Chalk's colour-model methods take a colour and return a styler; every other property is a styler. */
const MODELS = new Set<string | symbol>(['rgb', 'hex', 'ansi256', 'bgRgb', 'bgHex', 'bgAnsi256']);
/** No colour, without loading chalk. */
export const PLAIN: ChalkInstance = new Proxy((...text: unknown[]) => text.join(' '), {
  get: (_target, key) => (key === 'level' ? 0 : MODELS.has(key) ? () => PLAIN : PLAIN),
}) as unknown as ChalkInstance;

/**
 * Prints a command's result: one JSON document with --json, else the human form. The same for every
 * command (DESIGN.md §3): data on stdout, nothing else. JSON keeps every string exactly (terminal
 * controls as \u escapes); the human form gets no control character but its own line breaks, tabs and
 * colours (src/core/text.ts: the human formatters make each outside field safe, this catches the rest).
 */
export function emit<T>(
  deps: Deps,
  options: OutputOptions,
  data: T,
  human: (data: T, s: ChalkInstance) => string,
): void {
  if (options.json) {
    deps.io.stdout.write(`${jsonSafe(JSON.stringify(data, null, 2))}\n`);
    return;
  }
  const text = safeOutput(human(data, style(deps.io)), { sgr: deps.io.color });
  if (text !== '') deps.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** One NDJSON line for streams (batches, --follow). */
export function emitLine(io: IO, data: unknown): void {
  io.stdout.write(`${jsonSafe(JSON.stringify(data))}\n`);
}

/** A warning on stderr: never mixed into data. */
export function warn(io: IO, message: string): void {
  io.stderr.write(`${style(io).yellow('warning:')} ${safeOutput(message, { sgr: false })}\n`);
}

/** Progress and hints on stderr. */
export function note(io: IO, message: string): void {
  io.stderr.write(`${safeOutput(message, { sgr: io.color })}\n`);
}
