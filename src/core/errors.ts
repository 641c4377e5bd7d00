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

/**
 * Maps an fs error to a one-line error that names the path. Reading a path that does not exist or is a
 * directory is invalid input (exit 2); every other error is a failure (exit 1).
 */
export function fileError(err: unknown, path: string, action: 'read' | 'write' = 'write'): Error {
  const code = (err as NodeJS.ErrnoException)?.code;
  const why: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a part of the path is not a directory',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on device',
    EEXIST: 'it already exists',
  };
  // a file the user named for reading that is not there (or not a file) is bad input, not a failure
  const badInput = action === 'read' && (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR');
  if (code && why[code])
    return new WaboxError(badInput ? 'invalid-input' : 'failure', `cannot ${action} ${path}: ${why[code]}`, {
      code: `file.${code.toLowerCase()}`,
    });
  return err instanceof Error ? err : new Error(String(err));
}
