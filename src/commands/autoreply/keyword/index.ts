// `wabox autoreply keyword add|rm|list`: words or phrases answered with a quick reply.
import type { Command } from 'commander';
import type { Deps } from '../../../cli/deps.js';
import * as add from './add.js';
import * as list from './list.js';
import * as rm from './rm.js';

export function register(parent: Command, deps: Deps): void {
  const keyword = parent
    .command('keyword')
    .description('keyword rules: words or phrases answered with a quick reply')
    .addHelpText(
      'after',
      `
Examples:
  wabox autoreply keyword add hours timings --reply /hours
  wabox autoreply keyword list`,
    );
  for (const verb of [add, rm, list]) verb.register(keyword, deps);
}
