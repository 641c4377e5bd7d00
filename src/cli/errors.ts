import { type ErrorKind, WaboxError } from '../core/errors.js';
import { oneLine as escapeLine, jsonSafe, safeOutput } from '../core/text.js';

/** Exit codes: ../shared/DESIGN.md §4. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  config: 3,
  refused: 4,
  transient: 5,
  notFound: 6,
  cancelled: 130,
} as const;

const exitCodeByKind: Record<ErrorKind, number> = {
  'invalid-input': ExitCode.usage,
  config: ExitCode.config,
  refused: ExitCode.refused,
  transient: ExitCode.transient,
  'not-found': ExitCode.notFound,
  failure: ExitCode.failure,
  cancelled: ExitCode.cancelled,
};

export function exitCodeOf(err: unknown): number {
  return err instanceof WaboxError ? exitCodeByKind[err.kind] : ExitCode.failure;
}

/**
 * Prints `error: <one line>` and `hint: ...`, or one JSON object under --json. `mask` removes secrets
 * from everything printed. Unknown errors (bugs) print their message; the stack only with --debug.
 */
export function formatError(
  err: unknown,
  options: { json: boolean; debug: boolean; mask: (s: string) => string },
): string {
  const known = err instanceof WaboxError;
  const raw = err instanceof Error ? err.message : String(err);
  const message = options.mask(oneLine(raw || 'unknown error'));
  const hint = known && err.hint !== undefined ? options.mask(err.hint) : undefined;
  const exitCode = exitCodeOf(err);
  if (options.json) {
    const error: Record<string, unknown> = { code: known ? err.code : 'internal', message, exitCode };
    if (hint !== undefined) error.hint = hint;
    if (known && err.details !== undefined)
      error.details = JSON.parse(options.mask(JSON.stringify(err.details)));
    return `${jsonSafe(JSON.stringify({ error }))}\n`;
  }
  // a message can quote outside data (a CSV cell, a link, a template file): no control reaches the terminal
  let out = `error: ${escapeLine(message)}\n`;
  if (hint !== undefined) out += `hint: ${escapeLine(oneLine(hint))}\n`;
  if (!known && !options.debug)
    out += 'hint: this is a bug in wabox; run again with --debug for the stack trace\n';
  const multiline = (text: string) => safeOutput(options.mask(text), { sgr: false });
  if (options.debug && err instanceof Error && err.stack) out += `${multiline(err.stack)}\n`;
  // a Cloud API error carries the exchange (request with the token masked, response): show it with --debug
  const dump = (err as { dump?: unknown }).dump;
  if (options.debug && typeof dump === 'function') out += `${multiline(String(dump.call(err)))}\n`;
  return out;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
