// `wabox inbox`: the conversations in the store (list, the command itself) and `inbox show <contact>`.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as list from './list.js';
import * as show from './show.js';

export function register(program: Command, deps: Deps): void {
  const inbox = program
    .command('inbox')
    .description('conversations with customers: who wrote, who waits for an answer, the 24-hour window')
    .addHelpText(
      'after',
      `
Examples:
  wabox inbox                                  # most recent first; waiting customers in red
  wabox inbox --unread --label vip
  wabox inbox --unanswered --status open --json
  wabox inbox --assigned asha --limit 20
  wabox inbox show +919876543210 --mark-read
  wabox reply +919876543210 --quick-reply /hours

A terminal gets one line per conversation; a pipe gets tab-separated fields: phone, name, status,
assignee, labels, campaign, unread, last message time, window closes at, waiting ms, last text
(- when empty). "Unanswered" means no person replied after the customer's message (automatic replies
do not count); resolved conversations are never unanswered.`,
    );
  list.register(inbox, deps);
  show.register(inbox, deps);
}
