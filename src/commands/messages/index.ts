// `wabox messages <verb>`: the messages wabox recorded in its store.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as list from './list.js';

export function register(program: Command, deps: Deps): void {
  const messages = program
    .command('messages')
    .description('messages recorded in the local store (the Cloud API cannot list them)')
    .addHelpText(
      'after',
      `
Examples:
  wabox messages list
  wabox messages list --to +919876543210 --since 24h
  wabox messages list --status failed --json

The store is a SQLite file in the user data dir; WABOX_DB or \`wabox config set db <path>\` moves it.`,
    );
  list.register(messages, deps);
}
