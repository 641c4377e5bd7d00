// `wabox autoreply show|set|keyword`: the automatic replies the webhook receiver sends (greeting, away,
// keyword answers, hand-off words). Stored in the store's settings table, so every receiver and every
// CLI using the same store shares them; a running receiver picks a change up within a second.

import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as keyword from './keyword/index.js';
import * as set from './set.js';
import * as show from './show.js';

export function register(program: Command, deps: Deps): void {
  const autoreply = program
    .command('autoreply')
    .description('automatic replies while `wabox webhook serve` runs: greeting, away, keywords, hand-off')
    .addHelpText(
      'after',
      `
Examples:
  wabox autoreply show
  wabox autoreply set greeting on
  wabox autoreply set away on                      # needs business hours: wabox hours set ...
  wabox autoreply set greeting-after-days 30
  wabox autoreply keyword add hours timings "when are you open" --reply /hours
  wabox autoreply set handoff agent,human,manager

All off by default. Greeting: a contact's first message ever, or after N days without messages.
Away: outside business hours, once per contact per closed period, not right after an agent replied.
Keywords: whole words, case- and accent-insensitive, answered with a quick reply.
A hand-off word stops automatic replies for that conversation: a person takes over.`,
    );
  for (const verb of [show, set, keyword]) verb.register(autoreply, deps);
}
