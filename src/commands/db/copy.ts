// `wabox db copy <from> <to> [--append]`: every row of one store into another (SQLite ↔ PostgreSQL),
// ids kept, resumable, verified by counts and a checksum per table (src/store/copy.ts).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note } from '../../cli/output.js';
import { dbLocation } from '../../config/keys.js';
import { POSTGRES_URL } from '../../core/db-location.js';
import { invalidInput, WaboxError } from '../../core/errors.js';
import type { CopyResult } from '../../store/copy.js';

export interface DbCopyOptions {
  from: string;
  to: string;
  append?: boolean;
  json?: boolean;
}

export type DbCopyRunner = (options: DbCopyOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: DbCopyRunner): void {
  parent
    .command('copy')
    .description('copy every row of one store into another (SQLite file or postgres:// URL), verified')
    .argument('<from>', 'the store to read: a SQLite file or a postgres:// URL')
    .argument('<to>', 'the store to write (created and migrated when new)')
    .option('--append', 'copy into a store that has rows already (rows it has are kept)')
    .option('--json', 'print {resumed, verified, tables: [{table, copied, source, target}]}')
    .addHelpText(
      'after',
      `
Examples:
  wabox db copy ~/.local/share/wabox/wabox.db postgres://wabox@db.internal/wabox
  wabox db copy postgres://wabox@db.internal/wabox backup.db
  wabox db copy old.db postgres://wabox@db.internal/wabox --append

Rows keep their ids. Each page of rows is one transaction: an interrupted copy (Ctrl-C, a lost
connection) resumes when the same command runs again. A target with rows is refused unless it is the
same copy being resumed, or --append. Each table is verified by its row count and a checksum of its rows;
exit 1 when one differs. Stop the receivers writing to <from> first, or copy again with --append after.
Passwords in URLs never appear in the output; PGPASSWORD and ~/.pgpass work too.`,
    )
    .action(async (from: string, to: string, flags: Omit<DbCopyOptions, 'from' | 'to'>) => {
      const options = { ...flags, from, to };
      if (runF) return runF(options);
      const result = await runDbCopy(options, deps);
      if (!result.verified) deps.exitCode = 1;
      emit(deps, flags, result, human);
      if (!flags.json)
        note(
          deps.io,
          result.verified
            ? `copied ${total(result)} rows${result.resumed ? ' (resumed)' : ''}; every table verified`
            : 'the copy differs from its source (see the tables above); run it again to resume',
        );
    });
}

export async function runDbCopy(options: DbCopyOptions, deps: Deps): Promise<CopyResult> {
  const from = dbLocation(options.from);
  const to = dbLocation(options.to);
  for (const location of [from, to])
    if (POSTGRES_URL.test(location)) deps.mask.add(new URL(location).password);
  if (from === to) throw invalidInput('<from> and <to> are the same store', { code: 'db.copy_same_store' });
  if (!POSTGRES_URL.test(from) && !existsSync(from))
    throw invalidInput(`cannot read ${from}: no such file or directory`, { code: 'file.enoent' });
  // the stores load pg and better-sqlite3: only for a copy, not for every start (`wabox --help`)
  const [{ copyStore }, { openStore }, { redactUrl }] = await Promise.all([
    import('../../store/copy.js'),
    import('../../store/open.js'),
    import('../../store/postgres-db.js'),
  ]);
  const now = () => deps.clock().getTime();
  const source = await openStore(from, { now });
  try {
    const target = await openStore(to, { now });
    try {
      return await copyStore(source.tables(), target.tables(), {
        append: options.append === true,
        sourceName: POSTGRES_URL.test(from) ? redactUrl(from) : from,
        now: now(),
        ...(deps.io.isStderrTTY && !options.json
          ? { onProgress: (table: string, n: number) => note(deps.io, `${table}: ${n} rows`) }
          : {}),
      });
    } finally {
      await target.close();
    }
  } catch (error) {
    if (error instanceof WaboxError) throw error;
    throw new WaboxError('failure', `the copy stopped: ${(error as Error).message.split('\n')[0]}`, {
      code: 'db.copy_failed',
      hint: 'run the same command again to resume from where it stopped',
      cause: error,
    });
  } finally {
    await source.close();
  }
}

function total(result: CopyResult): number {
  return result.tables.reduce((n, t) => n + t.copied, 0);
}

function human(result: CopyResult): string {
  return result.tables
    .map((t) =>
      [
        t.table,
        `${t.target.rows}/${t.source.rows}`,
        `copied ${t.copied}`,
        t.target.checksum === t.source.checksum
          ? 'checksum ok'
          : `checksum ${t.target.checksum} ≠ ${t.source.checksum}`,
      ].join('\t'),
    )
    .join('\n');
}
