// `wabox meta-template <verb>`: the message templates Meta approved for the WABA (the management API),
// as opposed to `wabox template`, the local library of quick replies.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as list from './list.js';
import * as show from './show.js';

export function register(program: Command, deps: Deps): void {
  const meta = program
    .command('meta-template')
    .description("Meta's message templates of your WABA (what --template sends); needs waba-id")
    .addHelpText(
      'after',
      `
Examples:
  wabox meta-template list
  wabox meta-template list --status APPROVED --lang en_US --json
  wabox meta-template show order_update --lang en_US

Templates are created and approved in WhatsApp Manager; wabox lists and sends them.`,
    );
  list.register(meta, deps);
  show.register(meta, deps);
}
