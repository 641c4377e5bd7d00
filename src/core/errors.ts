/**
 * The kind of a failure decides the CLI's exit code (../shared/DESIGN.md §4); library users switch on it.
 * invalid-input: the caller gave a bad value (exit 2)   config: configuration missing or invalid (3)
 * refused: the API said no and retrying won't help (4)  transient: still failing after retries (5)
 * not-found: no such template/contact/message (6)       failure: the operation failed (1)
 */
export type ErrorKind =
  | 'invalid-input'
  | 'config'
  | 'refused'
  | 'transient'
  | 'not-found'
  | 'failure'
  | 'cancelled';

export interface WaboxErrorOptions {
  /** What the user can do about it. */
  hint?: string;
  /** A stable machine-readable code for --json (e.g. `phone.too_short`). */
  code?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class WaboxError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, message: string, options: WaboxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WaboxError';
    this.kind = kind;
    this.hint = options.hint;
    this.code = options.code ?? kind;
    this.details = options.details;
  }
}

export const invalidInput = (message: string, options?: WaboxErrorOptions) =>
  new WaboxError('invalid-input', message, options);
export const notFound = (message: string, options?: WaboxErrorOptions) =>
  new WaboxError('not-found', message, options);
export const configInvalid = (message: string, options?: WaboxErrorOptions) =>
  new WaboxError('config', message, options);
