import { type Command, Option } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note } from '../../cli/output.js';
import {
  filterTemplates,
  normalizeLanguage,
  TEMPLATE_KINDS,
  type Template,
  type TemplateKind,
} from '../../core/template.js';
import { preview } from '../../core/text.js';
import { templateLibrary } from './shared.js';

export interface ListOptions {
  kind?: string;
  lang?: string;
  tag?: string;
  json?: boolean;
}

const KIND_ORDER: readonly string[] = ['greeting', 'away', 'csat', 'quick-reply', 'cta'];

export function register(parent: Command, deps: Deps): void {
  parent
    .command('list')
    .alias('ls')
    .description('list templates (a table on a terminal, tab-separated lines in a pipe)')
    .addOption(new Option('-k, --kind <kind>', 'only this kind').choices(TEMPLATE_KINDS))
    .option('-l, --lang <bcp47>', 'only this language (en also matches en-GB)')
    .option('--tag <tag>', 'only templates with this tag')
    .option('--json', 'print an array of templates')
    .addHelpText(
      'after',
      `
Examples:
  wabox template list
  wabox template list --kind quick-reply --lang hi
  wabox template list --tag ads --json
  wabox template list | cut -f1            # names only

Lines in a pipe: name, kind, shortcut (or -), language, tags (comma-separated, or -), body preview.`,
    )
    .action(async (flags: ListOptions) => {
      const templates = await runList(flags, deps);
      if (!flags.json && templates.length === 0) {
        note(
          deps.io,
          'no templates; add one with "wabox template add" or a starter pack: wabox template init --pack en',
        );
        return;
      }
      const table = deps.io.isStdoutTTY && !flags.json ? await renderTable(templates, deps) : '';
      emit(deps, flags, templates, (list) => table || list.map(line).join('\n'));
    });
}

export async function runList(options: ListOptions, deps: Deps): Promise<Template[]> {
  const language = options.lang === undefined ? undefined : normalizeLanguage(options.lang);
  const templates = filterTemplates(await templateLibrary(deps).load(), {
    kind: options.kind as TemplateKind | undefined,
    language,
    tag: options.tag,
  });
  return templates.sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      a.language.localeCompare(b.language) ||
      a.name.localeCompare(b.name),
  );
}

function line(t: Template): string {
  return [t.name, t.kind, t.shortcut ?? '-', t.language, t.tags?.join(',') || '-', preview(t.body, 60)].join(
    '\t',
  );
}

async function renderTable(templates: Template[], deps: Deps): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const fixed = ['name', 'kind', 'shortcut', 'language', 'tags'] as const;
  const cells = templates.map((t) => [
    t.name,
    t.kind,
    t.shortcut ?? '',
    t.language,
    t.tags?.join(', ') ?? '',
  ]);
  const widths = fixed.map(
    (h, i) => Math.max(h.length, ...cells.map((c) => [...(c[i] as string)].length)) + 2,
  );
  const bodyWidth = Math.max(20, deps.io.columns - widths.reduce((a, b) => a + b, 0) - 8);
  const table = new Table({
    head: ['NAME', 'KIND', 'SHORTCUT', 'LANG', 'TAGS', 'BODY'],
    colWidths: [...widths, bodyWidth],
    style: { head: deps.io.color ? ['cyan'] : [], border: deps.io.color ? ['grey'] : [] },
  });
  templates.forEach((t, i) => {
    table.push([...(cells[i] as string[]), preview(t.body, bodyWidth - 3)]);
  });
  return table.toString();
}
