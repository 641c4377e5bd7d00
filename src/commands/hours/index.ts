// `wabox hours <verb>`: business hours in one time zone, closed dates, open/closed status.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as closed from './closed.js';
import * as set from './set.js';
import * as show from './show.js';
import * as status from './status.js';

export function register(program: Command, deps: Deps): void {
  const hours = program
    .command('hours')
    .description('business hours: the week, closed dates, open or closed now ({{next_open}} in templates)')
    .addHelpText(
      'after',
      `
Examples:
  wabox hours set "mon-fri 09:00-18:00" "sat 10:00-14:00" --tz Asia/Kolkata
  wabox hours closed add 2025-10-20
  wabox hours show
  wabox hours status --json`,
    );
  for (const verb of [set, show, status, closed]) verb.register(hours, deps);
}
