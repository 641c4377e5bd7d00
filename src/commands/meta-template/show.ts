import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { MetaTemplate } from '../../cloud/client.js';
import { notFound } from '../../core/errors.js';
import { runMetaTemplateList } from './list.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('show')
    .description('show one message template: status, category and its components (every language, or --lang)')
    .argument('<name>', 'the template name, e.g. order_update')
    .option('--lang <code>', 'only this language')
    .option('--json', 'print an array of templates (one per language)')
    .addHelpText(
      'after',
      '\nExamples:\n  wabox meta-template show hello_world\n  wabox meta-template show order_update --lang en_US --json',
    )
    .action(async (name: string, flags: { lang?: string; json?: boolean }) =>
      emit(deps, flags, await runMetaTemplateShow({ ...flags, name }, deps), (rows) =>
        rows.map(describe).join('\n\n'),
      ),
    );
}

export async function runMetaTemplateShow(
  options: { name: string; lang?: string },
  deps: Deps,
): Promise<MetaTemplate[]> {
  const rows = await runMetaTemplateList({ name: options.name, lang: options.lang }, deps);
  if (rows.length === 0)
    throw notFound(
      `no message template named "${options.name}"${options.lang === undefined ? '' : ` in ${options.lang}`}`,
      { code: 'meta_template.not_found', hint: 'list them with: wabox meta-template list' },
    );
  return rows;
}

/** A template as text: a header line, then each component. */
function describe(t: MetaTemplate): string {
  const lines = [`${t.name} (${t.language}) ${t.status}${t.category ? ` · ${t.category}` : ''}`];
  if (t.parameterFormat) lines.push(`parameters: ${t.parameterFormat.toLowerCase()}`);
  if (t.rejectedReason && t.rejectedReason !== 'NONE') lines.push(`rejected: ${t.rejectedReason}`);
  for (const c of t.components as Array<Record<string, unknown>>) {
    const type = String(c.type ?? '').toUpperCase();
    if (type === 'BUTTONS' && Array.isArray(c.buttons)) {
      const buttons = (c.buttons as Array<Record<string, unknown>>).map(
        (b, i) =>
          `[${i}] ${String(b.type ?? '').toLowerCase()}: ${String(b.text ?? '')}${b.url ? ` → ${String(b.url)}` : ''}`,
      );
      lines.push(`BUTTONS  ${buttons.join('  ')}`);
    } else {
      const format = c.format ? ` (${String(c.format).toLowerCase()})` : '';
      lines.push(`${type.padEnd(8)} ${c.text === undefined ? '' : String(c.text)}${format}`.trimEnd());
    }
  }
  return lines.join('\n');
}
