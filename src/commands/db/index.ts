// `wabox db check|copy|backup|purge`: the store's own health, moving it, keeping it and erasing from it.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as backup from './backup.js';
import * as check from './check.js';
import * as copy from './copy.js';
import * as purge from './purge.js';

export function register(program: Command, deps: Deps): void {
  const db = program
    .command('db')
    .description('the store: check it, copy it between SQLite and PostgreSQL, back it up, purge old content')
    .addHelpText(
      'after',
      `
Examples:
  wabox db check
  wabox db check --repair
  wabox db copy wabox.db postgres://wabox@db.internal/wabox
  wabox db backup wabox-backup.db
  wabox db purge --older-than 365d --dry-run`,
    );
  check.register(db, deps);
  copy.register(db, deps);
  backup.register(db, deps);
  purge.register(db, deps);
}
