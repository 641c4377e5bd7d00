import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit, warn } from '../cli/output.js';
import { readStdinText } from '../cli/stdin.js';
import { invalidInput } from '../core/errors.js';
import { TEXT_LIMIT } from '../core/text.js';
import { addBatchOptions } from './link/batch-options.js';
import { addLinkOptions, type LinkFlags } from './shared/link-flags.js';
import { addQrStyleOptions, parseQrStyle, type QrStyleFlags } from './shared/qr-options.js';
import type { QrWritten } from './shared/qr-output.js';
import { writeQr } from './shared/qr-output.js';
import { renderTemplateForContact } from './template/shared.js';

/** `link --json`: part of the interface, keep it stable. */
export interface LinkResult {
  url: string;
  /** E.164; null for a share link. */
  phone: string | null;
  /** Digits only; null for a share link. */
  waId: string | null;
  country: string | null;
  /** The prefilled text as the user wrote it (variables filled), without the ref tag. */
  text: string | null;
  ref: string | null;
}

export interface LinkOptions extends LinkFlags, QrStyleFlags {
  phone?: string;
  json?: boolean;
  qr?: string;
  batch?: string;
}

/** No limit is documented for wa.me; ~2,000 characters is where browsers and mail clients start to break URLs. */
export const URL_LIMIT = 2000;

export function register(program: Command, deps: Deps): void {
  const cmd = program
    .command('link')
    .description('build a click-to-chat wa.me link (one, or a batch from CSV/JSONL)')
    .argument(
      '[phone]',
      'phone number in any common form: +91 98765 43210, 0044 7700 900123, (650) 555-1234 with --country US; "-" (or none, in a pipe) reads it from stdin',
    );
  addLinkOptions(cmd)
    .option(
      '--template <name>',
      'a cta template as the text (see wabox template list --kind cta); takes --var',
    )
    .option('--json', 'print {url, phone, waId, country, text, ref}')
    .option('--qr <file>', 'also write a QR code of the link (.png or .svg; "-" draws it in the terminal)');
  addQrStyleOptions(cmd);
  addBatchOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  wabox link +919876543210
  wabox link "07700 900123" --country GB --text "Hi! I'd like to book a table"
  wabox link +14155550123 --text "Order #42 & more" --ref spring-flyer --json
  wabox link +919876543210 --text "Hello {{name}}" --var name=Asha --qr asha.png
  echo "નમસ્તે 🙏" | wabox link +919876543210 --text -
  echo +919876543210 | wabox link --text "Hi"
  wabox link --share --text "Check out our menu"
  wabox link +919876543210 --template cta-order-en --ref diwali-flyer
  wabox link --batch contacts.csv --text "Hi {{name}}" --output links.csv --qr-dir qr/

Placeholders: {{name}} takes --var name=...; {{name|fallback}} has a default; \\{{ is a literal "{{".
Campaign refs are appended as " [ref:<code>]" (1-40 of A-Z a-z 0-9 _ . -).`,
  );
  cmd.action(async (phone: string | undefined, flags: LinkOptions) => {
    const options = { ...flags, phone };
    if (options.batch !== undefined) {
      // loaded on use: batch work loads csv-parse, qrcode and the worker pool
      const { runLinkBatch } = await import('./link/batch.js');
      await runLinkBatch(options, deps);
      return;
    }
    const result = await runLink(options, deps);
    emit(deps, flags, result, (r) => r.url);
  });
}

export async function runLink(options: LinkOptions, deps: Deps): Promise<LinkResult & { qr?: QrWritten }> {
  const phone = await phoneArgument(options, deps);
  const { result, warnings } = await resolveLink(deps, phone, options);
  for (const warning of warnings) warn(deps.io, warning);
  if (options.qr === undefined) return result;
  const style = await parseQrStyle(options);
  for (const warning of style.warnings) warn(deps.io, warning);
  if (options.qr === '-' && options.json) {
    throw invalidInput('--qr - draws on stdout, which --json needs: write the QR code to a file', {
      code: 'usage.conflict',
    });
  }
  const qr = await writeQr(deps, result.url, options.qr, style, options.qr === '-' ? 'terminal' : undefined);
  return options.json ? { ...result, qr } : result;
}

/**
 * The phone argument; `-` reads it from stdin, and so does no argument when stdin is not a terminal
 * (`echo +919876543210 | wabox link`), unless --share or --text - (which reads stdin itself).
 */
async function phoneArgument(options: LinkOptions, deps: Deps): Promise<string | undefined> {
  const explicit = options.phone === '-';
  const implicit =
    options.phone === undefined && !options.share && options.text !== '-' && !deps.io.isStdinTTY;
  if (!explicit && !implicit) return options.phone;
  if (explicit && options.text === '-')
    throw invalidInput('the phone number and --text - cannot both come from stdin: give one as an argument', {
      code: 'usage.conflict',
      hint: 'echo "Hi" | wabox link +919876543210 --text -',
    });
  const lines = (await readStdinText(deps.io, 'the phone number'))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length > 1)
    throw invalidInput(`stdin holds ${lines.length} lines: wabox link reads one phone number from it`, {
      code: 'usage.many_phones',
      hint: 'for many numbers, a CSV with a phone column: wabox link --batch -',
    });
  if (lines.length === 0 && explicit)
    throw invalidInput('no phone number on stdin', {
      code: 'usage.missing_phone',
      hint: 'echo +919876543210 | wabox link -',
    });
  return lines[0];
}

/** Builds one link from flags: phone normalisation, text (stdin, placeholders), ref, form. */
export async function resolveLink(
  deps: Deps,
  phoneInput: string | undefined,
  flags: LinkFlags,
): Promise<{ result: LinkResult; warnings: string[] }> {
  const [
    { normalizePhone, phoneTypeWarning, hasCountryCode },
    link,
    { renderPlaceholders, mapResolver, parseAssignments },
  ] = await Promise.all([
    import('../core/phone.js'),
    import('../core/link.js'),
    import('../core/placeholders.js'),
  ]);
  const warnings: string[] = [];
  if (flags.share && phoneInput !== undefined) {
    throw invalidInput('--share makes a link without a number: drop the phone number or --share', {
      code: 'usage.conflict',
    });
  }
  if (!flags.share && phoneInput === undefined) {
    throw invalidInput('missing phone number', {
      code: 'usage.missing_phone',
      hint: 'give it as an argument (wabox link <phone>) or on stdin (echo <phone> | wabox link); --share makes a link without a number',
    });
  }
  const vars = parseAssignments(flags.var ?? []);
  let text: string | null = null;
  if (flags.template !== undefined) {
    if (flags.text !== undefined)
      throw invalidInput('--text and --template both give the text: choose one', { code: 'usage.conflict' });
    const rendered = await renderTemplateForContact(deps, flags.template, {}, { vars, kind: 'cta' });
    text = rendered.text;
    const unused = Object.keys(vars).filter((k) => !rendered.variables.some((u) => u.name === k));
    if (unused.length > 0)
      warnings.push(`--var ${unused.join(', ')} not used: the template has no such placeholder`);
  } else if (flags.text !== undefined) {
    const raw = flags.text === '-' ? await readStdinText(deps.io) : flags.text;
    const rendered = renderPlaceholders(raw, mapResolver(vars, 'var'));
    // checked once filled: `{{name}}` with an empty --var is as empty as no text at all
    if (rendered.text.trim() === '')
      throw invalidInput('the text is empty', {
        code: 'text.empty',
        hint: 'omit --text for a link without prefilled text',
      });
    text = rendered.text;
    const unused = Object.keys(vars).filter((k) => !rendered.used.some((u) => u.name === k));
    if (unused.length > 0)
      warnings.push(`--var ${unused.join(', ')} not used: the text has no such placeholder`);
  } else if (Object.keys(vars).length > 0) {
    warnings.push('--var given without --text: nothing to fill');
  }
  const ref = flags.ref === undefined ? null : link.validateRef(flags.ref);
  if (text !== null && ref === null && link.containsRefTag(text)) {
    warnings.push('the text contains a [ref:...] tag, which the inbox will read as a campaign reference');
  }
  let phone: LinkResult['phone'] = null;
  let waId: string | null = null;
  let country: string | null = null;
  if (phoneInput !== undefined) {
    const defaultCountry =
      flags.country ??
      (hasCountryCode(phoneInput) ? undefined : (await deps.config()).get('default-country'));
    const normalized = normalizePhone(phoneInput, { defaultCountry, strict: flags.strict });
    const typeWarning = phoneTypeWarning(normalized);
    if (typeWarning) warnings.push(typeWarning);
    ({ phone, waId, country } = normalized);
  }
  const url = link.buildLink({ waId, text, ref }, flags.share ? 'share' : flags.api ? 'api' : 'wa.me');
  warnings.push(...lengthWarnings(text, url));
  return { result: { url, phone, waId, country, text, ref }, warnings };
}

export function lengthWarnings(text: string | null, url: string): string[] {
  const warnings: string[] = [];
  const chars = text === null ? 0 : [...text].length;
  if (chars > TEXT_LIMIT) {
    warnings.push(
      `the text is ${chars} characters; WhatsApp sends at most ${TEXT_LIMIT} in one message (Cloud API text.body limit)`,
    );
  }
  if (url.length > URL_LIMIT) {
    warnings.push(
      `the link is ${url.length} characters; links over ~${URL_LIMIT} break in some browsers, mail clients and QR scanners (wa.me documents no limit)`,
    );
  }
  return warnings;
}
