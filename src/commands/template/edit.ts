import { type Command, Option } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note, warn } from '../../cli/output.js';
import { readStdinText } from '../../cli/stdin.js';
import { invalidInput, WaboxError } from '../../core/errors.js';
import { parseAssignments } from '../../core/placeholders.js';
import {
  clash,
  findTemplate,
  lookupKey,
  pruneVariables,
  TEMPLATE_KINDS,
  type Template,
  validateTemplate,
  withDefaults,
} from '../../core/template.js';
import { collect } from '../shared/flags.js';
import { shellWord } from '../shared/shell-word.js';
import { templateLibrary } from './shared.js';

export interface EditOptions {
  ref: string;
  name?: string;
  kind?: string;
  body?: string;
  shortcut?: string;
  lang?: string;
  description?: string;
  tag?: string[];
  clearTags?: boolean;
  default?: string[];
  json?: boolean;
}

const CHANGE_FLAGS = [
  'name',
  'kind',
  'body',
  'shortcut',
  'lang',
  'description',
  'tag',
  'clearTags',
  'default',
];

export function register(parent: Command, deps: Deps): void {
  parent
    .command('edit')
    .description('change a template with flags, or in $VISUAL/$EDITOR on a terminal')
    .argument('<name|/shortcut>', 'the template')
    .option('-n, --name <name>', 'rename it')
    .addOption(new Option('-k, --kind <kind>', 'change the kind').choices(TEMPLATE_KINDS))
    .option('-b, --body <text>', 'new body ("-" reads stdin)')
    .option('-s, --shortcut <shortcut>', 'new shortcut (quick replies)')
    .option('-l, --lang <bcp47>', 'new language')
    .option('-d, --description <text>', 'new description ("" removes it)')
    .option('--tag <tag>', 'replace the tags (repeatable)', collect)
    .option('--clear-tags', 'remove every tag')
    .option('--default <name=value>', 'set the default of a {{name}} placeholder (repeatable)', collect)
    .option('--json', 'print the stored template')
    .addHelpText(
      'after',
      `
Examples:
  wabox template edit price --body "{{item}} costs {{price}} (incl. GST)."
  wabox template edit /price --shortcut /cost
  wabox template edit location-en --default "address=12 MG Road, Pune"
  wabox template edit greeting-en --tag welcome --tag auto
  wabox template edit away-en               # opens $VISUAL or $EDITOR on a terminal

In the editor the template is YAML; save and quit to store it, or leave it unchanged to cancel.`,
    )
    .action(async (ref: string, flags: Omit<EditOptions, 'ref'>) => {
      const result = await runEdit({ ...flags, ref }, deps);
      emit(deps, flags, result.template, () => '');
      if (!flags.json) note(deps.io, result.changed ? `saved "${result.template.name}"` : 'no changes');
    });
}

export async function runEdit(
  options: EditOptions,
  deps: Deps,
): Promise<{ template: Template; changed: boolean }> {
  const library = templateLibrary(deps);
  const current = findTemplate(await library.load(), options.ref);
  const useEditor = !CHANGE_FLAGS.some((k) => options[k as keyof EditOptions] !== undefined);
  let updated: Template;
  if (useEditor) {
    if (!deps.io.canPrompt)
      throw invalidInput('nothing to change: pass --body, --name, --shortcut, --lang, ... ', {
        code: 'usage.missing_flag',
        hint: 'or run on a terminal to edit it in $VISUAL/$EDITOR',
      });
    updated = await editInEditor(current, deps);
  } else {
    updated = await applyFlags(current, options, deps);
  }
  if (JSON.stringify(updated) === JSON.stringify(current)) return { template: current, changed: false };
  await library.update((templates) => {
    // the file may have changed while the editor was open: find the template again
    const index = templates.findIndex((t) => lookupKey(t.name) === lookupKey(current.name));
    if (index === -1)
      throw new WaboxError('failure', `"${current.name}" was removed while you were editing it`, {
        code: 'template.gone',
      });
    for (const [i, other] of templates.entries()) {
      if (i === index) continue;
      const c = clash(other, updated);
      if (c) throw invalidInput(`cannot save ${c.message}`, { code: `template.duplicate_${c.on}` });
    }
    const next = [...templates];
    next[index] = updated;
    return { templates: next, result: undefined };
  });
  return { template: updated, changed: true };
}

async function applyFlags(current: Template, options: EditOptions, deps: Deps): Promise<Template> {
  const raw: Record<string, unknown> = { ...current };
  if (options.name !== undefined) raw.name = options.name;
  if (options.kind !== undefined) {
    raw.kind = options.kind;
    if (options.kind !== 'quick-reply' && options.shortcut === undefined) delete raw.shortcut;
  }
  if (options.shortcut !== undefined) raw.shortcut = options.shortcut;
  if (options.lang !== undefined) raw.language = options.lang;
  if (options.description !== undefined)
    raw.description = options.description === '' ? undefined : options.description;
  if (options.clearTags) delete raw.tags;
  if (options.tag !== undefined) raw.tags = [...new Set(options.tag)];
  if (options.body !== undefined)
    raw.body = options.body === '-' ? await readStdinText(deps.io, 'template body') : options.body;
  const { template: pruned, dropped } = pruneVariables(raw as unknown as Template);
  if (dropped.length > 0) warnDropped(deps, dropped);
  let template = validateTemplate(pruned);
  if (options.default !== undefined)
    template = validateTemplate(withDefaults(template, parseAssignments(options.default, '--default')));
  return template;
}

/** Opens the template as YAML in $VISUAL/$EDITOR; a result that does not validate keeps the file for a retry. */
async function editInEditor(current: Template, deps: Deps): Promise<Template> {
  const [{ mkdtemp, readFile, rm, writeFile }, { tmpdir }, { join }, YAML, { spawnSync }] = await Promise.all(
    [
      import('node:fs/promises'),
      import('node:os'),
      import('node:path'),
      import('./transfer.js').then((m) => m.loadYaml()),
      import('node:child_process'),
    ],
  );
  const dir = await mkdtemp(join(tmpdir(), 'wabox-edit-'));
  const file = join(dir, `${current.name.replace(/[^\w.-]/g, '_')}.yaml`);
  const header =
    '# Edit the template, save and quit. Fields: name, kind, shortcut (quick replies), language,\n' +
    '# description, tags, variables ({name, default, description}), body. Lines starting with # are ignored.\n';
  await writeFile(file, header + YAML.stringify(current, { lineWidth: 0 }), { mode: 0o600 });
  const editor = deps.env.VISUAL || deps.env.EDITOR || (process.platform === 'win32' ? 'notepad' : 'vi');
  const result = spawnSync(`${editor} ${shellQuote(file)}`, { shell: true, stdio: 'inherit' });
  if (result.error || result.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new WaboxError(
      'failure',
      `the editor "${editor}" failed (${result.error?.message ?? `exit ${result.status}`}); nothing changed`,
      {
        code: 'template.editor_failed',
        hint: 'set VISUAL or EDITOR to an editor that waits until you close the file (e.g. "code --wait")',
      },
    );
  }
  const text = await readFile(file, 'utf8');
  try {
    const data = YAML.parse(text);
    const { template: pruned, dropped } = pruneVariables(data as Template);
    const template = validateTemplate(pruned);
    if (dropped.length > 0) warnDropped(deps, dropped);
    await rm(dir, { recursive: true, force: true });
    return template;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw invalidInput(`your edit was not saved: ${message}`, {
      code: err instanceof WaboxError ? err.code : 'template.invalid_yaml',
      hint: `your text is kept in ${file}; fix it and load it with: wabox template import ${file} --on-conflict overwrite`,
    });
  }
}

function warnDropped(deps: Deps, dropped: readonly string[]): void {
  const many = dropped.length > 1;
  warn(
    deps.io,
    `dropped the declared variable${many ? 's' : ''} ${dropped.join(', ')}: the body no longer uses ${many ? 'them' : 'it'}`,
  );
}

function shellQuote(path: string): string {
  return process.platform === 'win32' ? `"${path}"` : shellWord(path);
}
