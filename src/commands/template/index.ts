// `wabox template <verb>`: the template library. One file per verb; heavy modules load inside actions.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as add from './add.js';
import * as edit from './edit.js';
import * as exportCmd from './export.js';
import * as importCmd from './import.js';
import * as init from './init.js';
import * as list from './list.js';
import * as render from './render.js';
import * as rm from './rm.js';
import * as show from './show.js';

export function register(program: Command, deps: Deps): void {
  const template = program
    .command('template')
    .alias('templates')
    .description('quick replies (/shortcut), greeting and away messages, CTA texts for links')
    .addHelpText(
      'after',
      `
Examples:
  wabox template init --pack en
  wabox template add --kind quick-reply --name price --shortcut /price --body "{{item}} costs {{price}}."
  wabox template list --kind quick-reply
  wabox template render /price --var item=Tea --var price="₹40"
  wabox template export -o team.yaml && wabox template import team.yaml --on-conflict skip
  wabox link +919876543210 --template cta-order-en

Placeholders: {{name}}, {{name|default}}; \\{{ is a literal "{{". Built-ins: {{contact.name}}
{{contact.phone}} {{business.name}} {{agent.name}} {{today}} {{next_open}} {{hours}}.`,
    );
  for (const verb of [add, list, show, edit, rm, render, importCmd, exportCmd, init])
    verb.register(template, deps);
}
