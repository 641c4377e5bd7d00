import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileError } from '../core/errors.js';

/** A temp name beside `path`, so the final rename stays on one file system (atomic). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes a whole file or nothing, synchronously: for QR workers, whose whole job is this one write. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, mode = 0o644): void {
  const temp = tempPathFor(path);
  try {
    writeFileSync(temp, data, { mode });
    renameSync(temp, path);
  } catch (err) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // the write's own error is the one to report, not the clean-up's
    }
    throw fileError(err, path);
  }
}
