import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, warn } from '../../cli/output.js';
import { WaboxError } from '../../core/errors.js';
import { parseAssignments } from '../../core/placeholders.js';
import type { TemplateKind, UsedVariable } from '../../core/template.js';
import { TEXT_LIMIT } from '../../core/text.js';
import { collect } from '../shared/flags.js';
import { parseAt, renderTemplateForContact } from './shared.js';

export interface RenderOptions {
  ref: string;
  var?: string[];
  contactName?: string;
  contactPhone?: string;
  at?: string;
  check?: boolean;
  json?: boolean;
}

/** `template render --json`: part of the interface, keep it stable. */
export interface RenderResult {
  name: string;
  kind: TemplateKind;
  language: string;
  text: string;
  /** Characters (Unicode code points), as WhatsApp counts them. */
  length: number;
  /** Every placeholder filled, with its value and where it came from. */
  variables: UsedVariable[];
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('render')
    .description('print a template filled in: exactly the text a reply sends')
    .argument('<name|/shortcut>', 'the template')
    .option('--var <key=value>', 'value for a {{key}} placeholder (repeatable; wins over built-ins)', collect)
    .option('--contact-name <name>', '{{contact.name}}')
    .option('--contact-phone <phone>', '{{contact.phone}} (written as E.164)')
    .option('--at <iso-time>', 'render as of this time ({{today}}, {{next_open}}); default: now')
    .option('--check', `also fail (exit 1) when the text is over WhatsApp's ${TEXT_LIMIT}-character limit`)
    .option('--json', 'print {name, kind, language, text, length, variables: [{name, value, source}]}')
    .addHelpText(
      'after',
      `
Examples:
  wabox template render /price --var item="Masala chai" --var price="₹40"
  wabox template render greeting-hi --contact-name "Asha"
  wabox template render away-en --at 2025-03-08T21:00 --json
  wabox template render cta-order-en --check

The text goes to stdout followed by one newline. Sources in --json: var, contact, config, clock,
hours, template (a declared default), default (an inline {{name|default}}).`,
    )
    .action(async (ref: string, flags: Omit<RenderOptions, 'ref'>) => {
      const result = await runRender({ ...flags, ref }, deps);
      if (flags.json) emit(deps, flags, result, () => '');
      else deps.io.stdout.write(`${result.text}\n`);
    });
}

export async function runRender(options: RenderOptions, deps: Deps): Promise<RenderResult> {
  const vars = parseAssignments(options.var ?? []);
  let phone: string | undefined;
  if (options.contactPhone !== undefined) {
    // loaded on use: libphonenumber's metadata is costly to load, and only a phone number argument needs it
    const { normalizePhone } = await import('../../core/phone.js');
    const compact = options.contactPhone.trim();
    const international = compact.startsWith('+') || compact.startsWith('00');
    const defaultCountry = international ? undefined : (await deps.config()).get('default-country');
    phone = normalizePhone(compact, { defaultCountry }).phone;
  }
  const rendered = await renderTemplateForContact(
    deps,
    options.ref,
    { name: options.contactName, phone },
    { vars, at: await parseAt(deps, options.at) },
  );
  const { template } = rendered;
  const unused = Object.keys(vars).filter((k) => !rendered.variables.some((v) => v.name === k));
  if (unused.length > 0)
    warn(deps.io, `--var ${unused.join(', ')} not used: "${template.name}" has no such placeholder`);
  if (options.check) {
    if (rendered.text.trim() === '')
      throw new WaboxError(
        'failure',
        `template "${template.name}" renders to an empty text, which WhatsApp refuses`,
        {
          code: 'template.empty_text',
        },
      );
    if (rendered.length > TEXT_LIMIT)
      throw new WaboxError(
        'failure',
        `template "${template.name}" renders to ${rendered.length} characters; WhatsApp sends at most ${TEXT_LIMIT} in one text message`,
        { code: 'template.too_long', details: { length: rendered.length, limit: TEXT_LIMIT } },
      );
  }
  return {
    name: template.name,
    kind: template.kind,
    language: template.language,
    text: rendered.text,
    length: rendered.length,
    variables: rendered.variables,
  };
}
