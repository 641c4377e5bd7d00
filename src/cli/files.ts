import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tempPathFor } from '../batch/files.js';
import { fileError } from '../core/errors.js';

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
