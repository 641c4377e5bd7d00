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
  wabox inbox --follow --unassigned             # then each change, until Ctrl-C
  wabox inbox --follow --mine | jq -c '{waId, status, unread}'
  wabox inbox show +919876543210 --mark-read
  wabox reply +919876543210 --quick-reply /hours

A terminal gets one line per conversation; a pipe gets tab-separated fields: phone, name, status,
assignee, labels, campaign, unread, last message time, window closes at, waiting ms, last text
(- when empty). "Unanswered" means no person replied after the customer's message (automatic replies
do not count); resolved conversations are never unanswered.

--follow prints the inbox (oldest activity first; in a pipe or with --json only with --limit), then each
conversation that changes and matches the filters (assigned, resolved, read, labelled, a new message),
appended as it happens: on a terminal its inbox line, in a pipe or with --json one JSON object per line
with the --json fields. A conversation that leaves the view (assigned away) is not printed. On SQLite it
checks the store every 250 ms; on PostgreSQL it does not poll (LISTEN/NOTIFY). Ctrl-C ends it with exit
code 130 (SIGTERM: 0).`,
    );
  list.register(inbox, deps);
  show.register(inbox, deps);
}
