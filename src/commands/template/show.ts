import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { describeVariables, findTemplate, type Template } from '../../core/template.js';
import { templateLibrary } from './shared.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('show')
    .description('print one template: its fields, variables and body')
    .argument('<name|/shortcut>', 'the template')
    .option('--json', 'print the template as stored (the shape of one exported entry)')
    .addHelpText(
      'after',
      `
Examples:
  wabox template show greeting-en
  wabox template show /price --json`,
    )
    .action(async (ref: string, flags: { json?: boolean }) => {
      emit(deps, flags, await runShow(ref, deps), humanShow);
    });
}

export async function runShow(ref: string, deps: Deps): Promise<Template> {
  return findTemplate(await templateLibrary(deps).load(), ref);
}

/** Fields first, then the body verbatim after a `body:` line (so the body is byte-exact). */
export function humanShow(t: Template): string {
  const rows: Array<[string, string]> = [
    ['name', t.name],
    ['kind', t.kind],
  ];
  if (t.shortcut) rows.push(['shortcut', t.shortcut]);
  rows.push(['language', t.language]);
  if (t.description) rows.push(['description', t.description]);
  if (t.tags) rows.push(['tags', t.tags.join(', ')]);
  const variables = describeVariables(t).map((v) => {
    const notes = [
      v.builtin ? 'built-in' : '',
      v.default !== undefined ? `default: ${JSON.stringify(v.default)}` : '',
      v.description ?? '',
    ]
      .filter((n) => n !== '')
      .join('; ');
    return notes ? `${v.name} (${notes})` : v.name;
  });
  if (variables.length > 0) rows.push(['variables', variables.join(', ')]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  return `${rows.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`).join('\n')}\nbody:\n${t.body}\n`;
}
