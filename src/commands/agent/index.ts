// `wabox agent add|list|set|rm`: the people conversations are assigned to, their hours and availability.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as add from './add.js';
import * as list from './list.js';
import * as rm from './rm.js';
import * as set from './set.js';

export function register(program: Command, deps: Deps): void {
  const agent = program
    .command('agent')
    .description('agents: who conversations are assigned to, their hours, available or away')
    .addHelpText(
      'after',
      `
Examples:
  wabox agent add asha --email asha@example.com --hours "mon-fri 09:00-17:00" --tz Asia/Kolkata
  wabox agent list
  wabox agent set asha --away
  wabox agent rm asha
  wabox inbox --mine --as asha`,
    );
  for (const verb of [add, list, set, rm]) verb.register(agent, deps);
}
