// `wabox contact show|list|request-phone|export|forget`: the people the store knows, by any of their identifiers.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as exportContact from './export.js';
import * as forget from './forget.js';
import * as list from './list.js';
import * as requestPhone from './request-phone.js';
import * as show from './show.js';

export function register(program: Command, deps: Deps): void {
  const contact = program
    .command('contact')
    .description('contacts: phone, BSUID, username, opt-out and merges')
    .addHelpText(
      'after',
      `
Examples:
  wabox contact show +919876543210
  wabox contact show @asha.bakes --json
  wabox contact list --opted-out
  wabox contact request-phone @asha.bakes --text "Share your number for delivery updates?"
  wabox contact export +919876543210 > asha.json
  wabox contact forget +919876543210 --yes`,
    );
  for (const verb of [show, list, requestPhone, exportContact, forget]) verb.register(contact, deps);
}
