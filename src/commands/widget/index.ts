// `wabox widget build|preview`: the chat button for websites, online or away by the business hours.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as build from './build.js';
import * as preview from './preview.js';

export function register(program: Command, deps: Deps): void {
  const widget = program
    .command('widget')
    .description('a chat button for websites: one script tag, online or away by your hours')
    .addHelpText(
      'after',
      `
Examples:
  wabox widget build --phone +919876543210 --text "Hi, I'm looking at {TITLE}" --ref web -o wabox-widget.js
  wabox widget preview --phone +919876543210 --at 2026-03-08T23:00:00Z`,
    );
  for (const verb of [build, preview]) verb.register(widget, deps);
}
