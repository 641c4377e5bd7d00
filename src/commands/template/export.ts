import { type Command, Option } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { writeFileAtomic } from '../../cli/files.js';
import { note } from '../../cli/output.js';
import { invalidInput } from '../../core/errors.js';
import {
  filterTemplates,
  normalizeLanguage,
  TEMPLATE_KINDS,
  type TemplateKind,
} from '../../core/template.js';
import { templateLibrary } from './shared.js';
import { type FileFormat, formatFromName, serializeTemplates } from './transfer.js';

export interface ExportOptions {
  kind?: string;
  lang?: string;
  tag?: string;
  output?: string;
  format?: FileFormat;
  /** The same as --format json. */
  json?: boolean;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('export')
    .description('write templates as YAML or JSON (to share with a team, or back up)')
    .addOption(new Option('-k, --kind <kind>', 'only this kind').choices(TEMPLATE_KINDS))
    .option('-l, --lang <bcp47>', 'only this language')
    .option('--tag <tag>', 'only templates with this tag')
    .option('-o, --output <file>', 'write to a file (.yaml, .yml or .json); default stdout')
    .addOption(
      new Option('--format <format>', 'yaml or json (default: from the file name, else yaml)').choices([
        'yaml',
        'json',
      ]),
    )
    .option('--json', 'the same as --format json')
    .addHelpText(
      'after',
      `
Examples:
  wabox template export -o templates.yaml
  wabox template export --kind quick-reply -o quick-replies.json
  wabox template export --lang hi --format json | jq '.templates[].name'

The file is {version: 1, templates: [...]} with each template as "template show --json" prints it;
"wabox template import" reads it back unchanged.`,
    )
    .action(async (flags: ExportOptions) => {
      const result = await runExport(flags, deps);
      if (result.path === undefined) deps.io.stdout.write(result.text);
      else
        note(deps.io, `exported ${result.count} template${result.count === 1 ? '' : 's'} to ${result.path}`);
    });
}

export async function runExport(
  options: ExportOptions,
  deps: Deps,
): Promise<{ text: string; count: number; path: string | undefined }> {
  const target = options.output === '-' ? undefined : options.output;
  let format = options.format ?? (options.json ? 'json' : undefined);
  if (format === undefined && target !== undefined) {
    format = formatFromName(target);
    if (format === undefined)
      throw invalidInput(
        `cannot tell the format from "${target}": name it .yaml, .yml or .json, or pass --format`,
        {
          code: 'template.unknown_format',
        },
      );
  }
  const templates = filterTemplates(await templateLibrary(deps).load(), {
    kind: options.kind as TemplateKind | undefined,
    language: options.lang === undefined ? undefined : normalizeLanguage(options.lang),
    tag: options.tag,
  });
  const text = await serializeTemplates(templates, format ?? 'yaml');
  if (target !== undefined) {
    await writeFileAtomic(target, text);
  }
  return { text, count: templates.length, path: target };
}
