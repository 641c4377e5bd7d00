import { type Command, Option } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note } from '../../cli/output.js';
import { readStdinText } from '../../cli/stdin.js';
import { fileError, invalidInput, WaboxError } from '../../core/errors.js';
import { templateLibrary } from './shared.js';
import {
  CONFLICT_MODES,
  type ConflictMode,
  type FileFormat,
  formatFromName,
  type ImportPlan,
  importSummary,
  parseTemplateFile,
  planImport,
} from './transfer.js';

/** Larger files are refused before they are read: parsing one takes several times its size in memory. */
export const MAX_TEMPLATE_FILE = 10 * 2 ** 20;

export interface ImportOptions {
  file: string;
  onConflict?: ConflictMode;
  format?: FileFormat;
  dryRun?: boolean;
  json?: boolean;
}

/** `template import --json`: part of the interface, keep it stable. */
export type ImportResult = Omit<ImportPlan, 'templates'>;

export function register(parent: Command, deps: Deps): void {
  parent
    .command('import')
    .description('add templates from a YAML or JSON file: every entry is checked first, all or nothing')
    .argument('<file>', 'a .yaml/.yml or .json file; "-" reads stdin')
    .addOption(
      new Option(
        '--on-conflict <mode>',
        'a template whose name, shortcut or greeting/away slot is taken: fail, skip or overwrite',
      )
        .choices(CONFLICT_MODES)
        .default('fail'),
    )
    .addOption(
      new Option(
        '--format <format>',
        'yaml or json (default: from the file name; YAML reads JSON too)',
      ).choices(['yaml', 'json']),
    )
    .option('--dry-run', 'check and report, change nothing')
    .option('--json', 'print {added, overwritten, skipped}')
    .addHelpText(
      'after',
      `
Examples:
  wabox template import team-templates.yaml
  wabox template import templates.json --on-conflict overwrite
  curl -s https://example.com/replies.yaml | wabox template import - --on-conflict skip --json
  wabox template import new.yaml --dry-run

--on-conflict fail (default) lists every conflict and imports nothing; skip keeps your templates;
overwrite replaces those with the same name.`,
    )
    .action(async (file: string, flags: Omit<ImportOptions, 'file'>) => {
      const result = await runImport({ ...flags, file }, deps);
      emit(deps, flags, result, () => '');
      if (!flags.json)
        note(
          deps.io,
          `${flags.dryRun ? '(dry run) ' : ''}${importSummary(result, file === '-' ? 'stdin' : file)}`,
        );
    });
}

export async function runImport(options: ImportOptions, deps: Deps): Promise<ImportResult> {
  let text: string;
  if (options.file === '-') {
    text = await readStdinText(deps.io, 'templates');
  } else {
    const [{ open }, { decodeText }] = await Promise.all([
      import('node:fs/promises'),
      import('../../cli/stdin.js'),
    ]);
    let bytes: Buffer;
    try {
      const handle = await open(options.file, 'r');
      try {
        const { size } = await handle.stat();
        if (size > MAX_TEMPLATE_FILE)
          throw invalidInput(
            `${options.file} is ${(size / 2 ** 20).toFixed(1)} MiB; a template file is at most 10 MiB`,
            { code: 'template.file_too_large', hint: 'split it into smaller files and import each' },
          );
        bytes = await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch (err) {
      throw err instanceof WaboxError ? err : fileError(err, options.file, 'read');
    }
    text = decodeText(bytes, options.file);
  }
  const format = options.format ?? (options.file === '-' ? undefined : formatFromName(options.file));
  const incoming = await parseTemplateFile(text, options.file === '-' ? 'stdin' : options.file, format);
  return installTemplates(deps, incoming, options.onConflict ?? 'fail', options.dryRun ?? false);
}

/** Plans against the current library and writes once (unless a dry run); shared by import and init. */
export async function installTemplates(
  deps: Deps,
  incoming: Parameters<typeof planImport>[1],
  mode: ConflictMode,
  dryRun: boolean,
): Promise<ImportResult> {
  const library = templateLibrary(deps);
  if (dryRun) {
    const { templates: _, ...result } = planImport(await library.load(), incoming, mode);
    return result;
  }
  return library.update((existing) => {
    const { templates, ...result } = planImport(existing, incoming, mode);
    return { templates, result };
  });
}
