// `wabox db backup <file> [--force]`: a copy of the SQLite store made with SQLite's online backup (the
// receiver may keep writing), written under a temp name and moved into place, mode 0600. A PostgreSQL
// store is backed up by pg_dump: the command to run is printed, nothing is run.
import { closeSync, existsSync, linkSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { tempPathFor } from '../../batch/files.js';
import type { Deps } from '../../cli/deps.js';
import { emit, note } from '../../cli/output.js';
import { POSTGRES_URL } from '../../core/db-location.js';
import { fileError, invalidInput } from '../../core/errors.js';
import { shellWord } from '../shared/shell-word.js';

export interface DbBackupOptions {
  file: string;
  force?: boolean;
  json?: boolean;
}

/** `db backup --json`: {file, bytes} for SQLite, {command} for PostgreSQL. Part of the interface. */
export type DbBackupResult = { file: string; bytes: number } | { command: string };

export type DbBackupRunner = (options: DbBackupOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: DbBackupRunner): void {
  parent
    .command('backup')
    .description("back the store up to a file (SQLite's online backup); for PostgreSQL, the pg_dump command")
    .argument('<file>', 'the backup file to write (refused when it exists, unless --force)')
    .option('--force', 'replace the file when it exists')
    .option('--json', 'print {file, bytes} (SQLite) or {command} (PostgreSQL)')
    .addHelpText(
      'after',
      `
Examples:
  wabox db backup wabox-$(date +%F).db
  wabox db backup nightly.db --force --json
  WABOX_DB=postgres://wabox@db.internal/wabox wabox db backup wabox.dump

SQLite: the backup is consistent while a receiver writes; it is written under a temp name and moved into
place (mode 0600), so a failure leaves no half-written file. Restore: stop the receivers and copy it
over the store. PostgreSQL: wabox prints the pg_dump command (the password left out: pg_dump reads
PGPASSWORD or ~/.pgpass) and runs nothing; restore with pg_restore.`,
    )
    .action(async (file: string, flags: Omit<DbBackupOptions, 'file'>) => {
      const options = { ...flags, file };
      if (runF) return runF(options);
      const result = await runDbBackup(options, deps);
      emit(deps, flags, result, (r) => ('command' in r ? r.command : r.file));
      if (!flags.json && 'bytes' in result) note(deps.io, `backed up the store: ${result.bytes} bytes`);
    });
}

export async function runDbBackup(options: DbBackupOptions, deps: Deps): Promise<DbBackupResult> {
  // loaded on use: settings load conf
  const { resolveDbLocation } = await import('../../config/settings.js');
  const location = await resolveDbLocation(deps);
  if (POSTGRES_URL.test(location)) return { command: pgDumpCommand(location, options.file, deps) };
  const file = resolve(options.file);
  if (file === location)
    throw invalidInput('the backup file is the store itself', { code: 'db.backup_onto_store' });
  if (!options.force && existsSync(file))
    throw invalidInput(`${options.file} exists`, {
      code: 'db.backup_exists',
      hint: 'pick another file, or add --force to replace it',
    });
  if (location !== ':memory:' && !existsSync(location))
    throw invalidInput(`there is no store at ${location} to back up`, { code: 'file.enoent' });
  const store = await deps.store();
  if (!('backup' in store) || typeof store.backup !== 'function')
    throw invalidInput('this store cannot be backed up by wabox', { code: 'db.backup_unsupported' });
  const temp = tempPathFor(file);
  try {
    closeSync(openSync(temp, 'wx', 0o600));
    await (store.backup as (path: string) => Promise<void>)(temp);
    // without --force, a file that appeared meanwhile is not replaced: link fails when the name exists
    if (options.force) renameSync(temp, file);
    else {
      linkSync(temp, file);
      rmSync(temp);
    }
  } catch (error) {
    rmSync(temp, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw invalidInput(`${options.file} exists`, {
        code: 'db.backup_exists',
        hint: 'add --force to replace it',
      });
    throw fileError(error, options.file);
  }
  return { file, bytes: statSync(file).size };
}

/** pg_dump for the store's database (and schema), the URL without its password or wabox's ?schema=. */
function pgDumpCommand(location: string, file: string, deps: Deps): string {
  const url = new URL(location);
  if (url.password !== '') {
    deps.mask.add(decodeURIComponent(url.password));
    url.password = '';
    note(deps.io, 'the password is left out of the command: pg_dump reads PGPASSWORD or ~/.pgpass');
  }
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  return [
    'pg_dump',
    '--format=custom',
    `--file=${shellWord(file)}`,
    ...(schema === null ? [] : [`--schema=${shellWord(schema)}`]),
    shellWord(url.toString()),
  ].join(' ');
}
