import { type Command, Option } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note, warn } from '../../cli/output.js';
import { readStdinText } from '../../cli/stdin.js';
import { invalidInput } from '../../core/errors.js';
import { parseAssignments } from '../../core/placeholders.js';
import {
  clash,
  NAME_FORM,
  normalizeLanguage,
  normalizeShortcut,
  SHORTCUT_FORM,
  TEMPLATE_KINDS,
  type Template,
  type TemplateKind,
  validateName,
  validateTemplate,
  withDefaults,
} from '../../core/template.js';
import { TEXT_LIMIT } from '../../core/text.js';
import { collect } from '../shared/flags.js';
import { missingFlag, templateLibrary } from './shared.js';

export interface AddOptions {
  kind?: string;
  name?: string;
  body?: string;
  shortcut?: string;
  lang?: string;
  description?: string;
  tag?: string[];
  default?: string[];
  json?: boolean;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('add')
    .description('add a template (asks for what is missing on a terminal)')
    .addOption(
      new Option('-k, --kind <kind>', 'quick-reply, greeting, away, cta or csat').choices(TEMPLATE_KINDS),
    )
    .option('-n, --name <name>', `unique name (${NAME_FORM})`)
    .option('-b, --body <text>', 'the message; {{var}} placeholders, {{var|default}}; "-" reads stdin')
    .option('-s, --shortcut <shortcut>', `quick replies: ${SHORTCUT_FORM}`)
    .option('-l, --lang <bcp47>', 'language of the text: en, hi, gu, ur, pt-BR, ... (default: en)')
    .option('-d, --description <text>', 'a note for your team')
    .option('--tag <tag>', 'a tag for filtering (repeatable)', collect)
    .option('--default <name=value>', 'a default value for a {{name}} placeholder (repeatable)', collect)
    .option('--json', 'print the stored template')
    .addHelpText(
      'after',
      `
Examples:
  wabox template add --kind quick-reply --name price --shortcut /price --body "{{item}} costs {{price}}."
  wabox template add -k away -n away-en -l en --body "Thanks {{contact.name|there}}! We're back {{next_open}}."
  wabox template add -k cta -n order-cta --body "Hi {{business.name}}, I'd like to order" --tag ads
  wabox template add -k greeting -n greeting-hi -l hi --body - < greeting-hi.txt
  wabox template add -k quick-reply -n location -s /where --body "We're at {{address}}" --default "address=12 MG Road"
  wabox template add                        # asks for each field on a terminal

Built-in variables: {{contact.name}} {{contact.phone}} {{business.name}} {{agent.name}} {{today}} {{next_open}} {{hours}}.
Write \\{{ for a literal "{{".`,
    )
    .action(async (flags: AddOptions) => {
      const template = await runAdd(flags, deps);
      emit(deps, flags, template, () => '');
      if (!flags.json)
        note(
          deps.io,
          `added ${template.kind} "${template.name}"${template.shortcut ? ` (${template.shortcut})` : ''}`,
        );
    });
}

export async function runAdd(options: AddOptions, deps: Deps): Promise<Template> {
  const fields = await collectFields(options, deps);
  const body = fields.body === '-' ? await readStdinText(deps.io, 'template body') : fields.body;
  let template = validateTemplate({
    name: fields.name,
    kind: fields.kind,
    shortcut: fields.shortcut,
    language: fields.lang,
    description: options.description,
    tags: options.tag === undefined ? undefined : [...new Set(options.tag)],
    body,
  });
  if (options.default !== undefined)
    template = validateTemplate(withDefaults(template, parseAssignments(options.default, '--default')));
  const library = templateLibrary(deps);
  await library.update((templates) => {
    for (const existing of templates) {
      const c = clash(existing, template);
      if (c)
        throw invalidInput(`cannot add ${c.message}`, {
          code: `template.duplicate_${c.on}`,
          hint:
            c.on === 'name'
              ? `choose another --name, or change it: wabox template edit ${existing.name}`
              : c.on === 'shortcut'
                ? 'choose another --shortcut'
                : `change that one instead: wabox template edit ${existing.name}`,
        });
    }
    return { templates: [...templates, template], result: undefined };
  });
  const length = [...template.body].length;
  if (length > TEXT_LIMIT)
    warn(deps.io, `the body is ${length} characters; WhatsApp sends at most ${TEXT_LIMIT} in one message`);
  return template;
}

interface Fields {
  kind: TemplateKind;
  name: string;
  shortcut: string | undefined;
  lang: string;
  body: string;
}

/** Fills missing fields from prompts on a terminal; otherwise names every missing flag. */
async function collectFields(options: AddOptions, deps: Deps): Promise<Fields> {
  const missing: string[] = [];
  if (options.kind === undefined) missing.push('--kind');
  if (options.name === undefined) missing.push('--name');
  if (options.kind === 'quick-reply' && options.shortcut === undefined) missing.push('--shortcut');
  if (options.body === undefined) missing.push('--body');
  if (missing.length === 0)
    return {
      kind: options.kind as TemplateKind,
      name: options.name as string,
      shortcut: options.shortcut,
      lang: options.lang ?? 'en',
      body: options.body as string,
    };
  if (!deps.io.canPrompt)
    throw missingFlag(
      missing.join(', '),
      'a template needs --kind, --name and --body (and --shortcut for a quick reply)',
    );
  const prompt = await deps.prompt();
  const check = (fn: (v: string) => unknown) => (v: string) => {
    try {
      fn(v);
      return true as const;
    } catch (err) {
      return (err as Error).message;
    }
  };
  const kind =
    (options.kind as TemplateKind | undefined) ??
    (await prompt.select<TemplateKind>({
      message: 'Kind',
      choices: [
        { value: 'quick-reply', description: 'a saved answer, used by /shortcut' },
        { value: 'greeting', description: 'sent when a customer writes first' },
        { value: 'away', description: 'sent outside business hours' },
        { value: 'cta', description: 'prefilled text for links and QR codes' },
      ],
    }));
  const name = options.name ?? (await prompt.input({ message: 'Name', validate: check(validateName) }));
  const shortcut =
    kind !== 'quick-reply'
      ? options.shortcut
      : (options.shortcut ??
        (await prompt.input({
          message: 'Shortcut (e.g. /price)',
          default: `/${name}`,
          validate: check(normalizeShortcut),
        })));
  const lang =
    options.lang ??
    (await prompt.input({ message: 'Language (BCP 47)', default: 'en', validate: check(normalizeLanguage) }));
  const body =
    options.body ??
    (await prompt.input({
      message: 'Body (one line; several lines: --body - or template edit)',
      validate: (v) => (v.trim() === '' ? 'the body is empty' : true),
    }));
  return { kind, name, shortcut, lang, body };
}
