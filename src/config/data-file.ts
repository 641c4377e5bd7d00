// Small JSON data files beside config.json (templates.json, hours.json): read and validated on every
// load, written whole or not at all (temp file + rename), mode 0600. A file that no longer parses is an
// error naming it; it is never reset or overwritten behind the user's back.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { configInvalid, WaboxError } from '../core/errors.js';

/** The parsed JSON of a data file, or undefined when it does not exist yet. */
export async function readDataFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw configInvalid(
      `cannot read ${path}: ${code === 'EACCES' ? 'permission denied' : (err as Error).message}`,
      {
        code: 'config.unreadable',
      },
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw configInvalid(`${path} is not valid JSON: ${(err as Error).message}`, {
      code: 'config.unreadable',
      hint: `fix the file by hand (wabox never rewrites it while it is broken), or move it away to start over`,
    });
  }
}

/** Writes JSON atomically with mode 0600, creating the config dir (0700) when needed. */
export async function writeDataFile(path: string, data: unknown): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    throw new WaboxError('failure', `cannot write ${path}: ${(err as Error).message}`, {
      code: `file.${(code ?? 'error').toLowerCase()}`,
    });
  }
}

/** The error for a file whose content does not validate: names the file and the entry. */
export function invalidDataFile(path: string, problems: readonly string[]) {
  return configInvalid(`${path}: ${problems.join('; ')}`, {
    code: 'config.invalid_file',
    hint: `fix or remove that entry in ${path} (wabox never rewrites the file while it is invalid)`,
    details: { file: path, problems: [...problems] },
  });
}
