import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { WaboxError } from '../core/errors.js';

/** A temp name beside `path`, so the final rename stays on one file system (atomic). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes a whole file or nothing: a reader never sees half a file, a failure leaves no debris. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, data, { mode });
    await rename(temp, path);
  } catch (err) {
    await removeTemp(temp);
    throw fileError(err, path);
  }
}

/**
 * Removes a temp file after a failed write. The cause of that failure (ENOTDIR, EACCES...) often makes the
 * removal fail too, and then it is the cause that the user needs to see, not the clean-up's error.
 */
export async function removeTemp(temp: string): Promise<void> {
  await rm(temp, { force: true }).catch(() => {});
}

export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    // mkdir -p says EEXIST when the path (or a parent) is a file: "not a directory" is what the user needs
    const code = (err as NodeJS.ErrnoException).code;
    throw fileError(code === 'EEXIST' ? { code: 'ENOTDIR' } : err, dir);
  }
}

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

/** The synchronous twin of writeFileAtomic, for QR workers whose whole job is this one write. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, mode = 0o644): void {
  const temp = tempPathFor(path);
  try {
    writeFileSync(temp, data, { mode });
    renameSync(temp, path);
  } catch (err) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // as in removeTemp: the write's own error is the one to report
    }
    throw fileError(err, path);
  }
}
