// `wabox campaign <verb>`: one approved template to many customers, at the number's pace, resumable.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as cancel from './cancel.js';
import * as create from './create.js';
import * as list from './list.js';
import * as pause from './pause.js';
import * as report from './report.js';
import * as resume from './resume.js';
import * as run from './run.js';
import * as status from './status.js';

export function register(program: Command, deps: Deps): void {
  const campaign = program
    .command('campaign')
    .description("send an approved template to many customers at the number's pace; resumable, at most once")
    .addHelpText(
      'after',
      `
Examples:
  wabox campaign create diwali --template diwali_offer --lang en --to customers.csv --param name
  wabox campaign run diwali
  wabox campaign status diwali
  wabox campaign report diwali --csv > diwali.csv`,
    );
  create.register(campaign, deps);
  run.register(campaign, deps);
  status.register(campaign, deps);
  list.register(campaign, deps);
  report.register(campaign, deps);
  pause.register(campaign, deps);
  resume.register(campaign, deps);
  cancel.register(campaign, deps);
}
