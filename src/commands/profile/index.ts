// `wabox profile show|set`: the WhatsApp Business profile customers see (about, address, websites…).
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as set from './set.js';
import * as show from './show.js';

export function register(program: Command, deps: Deps): void {
  const profile = program
    .command('profile')
    .description('the WhatsApp Business profile of the sending number')
    .addHelpText(
      'after',
      `
Examples:
  wabox profile show
  wabox profile set --about "Fresh bread daily" --website https://asha.example`,
    );
  show.register(profile, deps);
  set.register(profile, deps);
}
