// `wabox webhook <verb>`: the receiver Meta posts incoming messages and statuses to, and a simulator.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as serve from './serve.js';
import * as simulate from './simulate.js';

export function register(program: Command, deps: Deps): void {
  const webhook = program
    .command('webhook')
    .description('receive incoming messages and delivery statuses (the webhook receiver), or simulate one')
    .addHelpText(
      'after',
      `
Examples:
  wabox webhook serve
  wabox webhook simulate --text "Hi" --from +919876543210 --name Asha
  wabox webhook simulate --status wamid.HBgL... read

Meta posts to an HTTPS URL: run the receiver behind a reverse proxy or a tunnel and set that URL and
your verify token in the App Dashboard (WhatsApp > Configuration).`,
    );
  serve.register(webhook, deps);
  simulate.register(webhook, deps);
}
