// `wabox config profile <verb>`: named sets of settings.
import type { Command } from 'commander';
import type { Deps } from '../../../cli/deps.js';
import * as add from './add.js';
import * as list from './list.js';
import * as rm from './rm.js';
import * as use from './use.js';

export function register(config: Command, deps: Deps): void {
  const profile = config
    .command('profile')
    .description(
      'named sets of settings, e.g. one per business number (--profile or WABOX_PROFILE picks one per run)',
    )
    .addHelpText(
      'after',
      `
Examples:
  wabox config profile add shop2
  wabox --profile shop2 config set phone-number-id 106540352242923
  wabox config profile use shop2
  wabox config profile list
  wabox config profile rm shop2 --yes`,
    );
  for (const verb of [add, use, list, rm]) verb.register(profile, deps);
}
