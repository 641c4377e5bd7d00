// `wabox db check`, `wabox db copy`: the store's own health, and moving it.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as check from './check.js';
import * as copy from './copy.js';

export function register(program: Command, deps: Deps): void {
  const db = program
    .command('db')
    .description('the store: check what the inbox keeps, copy it between SQLite and PostgreSQL')
    .addHelpText(
      'after',
      `
Examples:
  wabox db check
  wabox db check --repair
  wabox db copy wabox.db postgres://wabox@db.internal/wabox`,
    );
  check.register(db, deps);
  copy.register(db, deps);
}
