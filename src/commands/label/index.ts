// `wabox label add|rm <contact> <label>`: organise conversations (labels are per contact).
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as add from './add.js';
import * as rm from './rm.js';

export function register(program: Command, deps: Deps): void {
  const label = program
    .command('label')
    .description('add or remove labels on a contact (filter the inbox with --label)')
    .addHelpText(
      'after',
      `
Examples:
  wabox label add +919876543210 vip
  wabox label add +919876543210 "pending payment"
  wabox label rm +919876543210 vip --json
  wabox inbox --label vip

A label is 1-40 letters (any script), digits, spaces and - _ . / & +; it is stored in lower case.`,
    );
  for (const verb of [add, rm]) verb.register(label, deps);
}
