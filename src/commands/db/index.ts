// `wabox db check`: the store's own health.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as check from './check.js';

export function register(program: Command, deps: Deps): void {
  const db = program
    .command('db')
    .description('the store: check what the inbox keeps against the messages')
    .addHelpText(
      'after',
      `
Examples:
  wabox db check
  wabox db check --repair`,
    );
  check.register(db, deps);
}
