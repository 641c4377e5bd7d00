// `wabox business-profile show|set`: the WhatsApp Business profile customers see (about, address,
// websites…). `profile` is an alias kept for one release; config profiles are `wabox config profile`.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as set from './set.js';
import * as show from './show.js';

export function register(program: Command, deps: Deps): void {
  const businessProfile = program
    .command('business-profile')
    .alias('profile')
    .description('the WhatsApp Business profile of the sending number (alias profile: deprecated)')
    .addHelpText(
      'after',
      `
Examples:
  wabox business-profile show
  wabox business-profile set --about "Fresh bread daily" --website https://asha.example

\`wabox profile\` is a deprecated alias of \`wabox business-profile\` and goes in the next release;
configuration profiles are \`wabox config profile\`.`,
    );
  show.register(businessProfile, deps);
  set.register(businessProfile, deps);
}
