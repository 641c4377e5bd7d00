import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { exitCodeOf, formatError } from '../cli/errors.js';
import { emit, emitLine } from '../cli/output.js';
import { readStdinText } from '../cli/stdin.js';
import { WaboxError } from '../core/errors.js';
import type { LinkForm } from '../core/link.js';
import { oneLine, safeLines } from '../core/text.js';
import type { LinkResult } from './link.js';

/** `inspect --json`: the keys of `link --json` plus the form. */
export interface InspectResult extends LinkResult {
  form: LinkForm;
}

export function register(program: Command, deps: Deps): void {
  program
    .command('inspect')
    .description('read a wa.me, api.whatsapp.com/send or whatsapp://send link: number, text, ref, form')
    .argument('[url]', 'the link; "-" or none reads links from stdin, one per line')
    .option('--json', 'print {url, phone, waId, country, text, ref, form} (NDJSON for several links)')
    .addHelpText(
      'after',
      `
Examples:
  wabox inspect "https://wa.me/447700900123?text=Hello%20there%20%5Bref%3Aspring%5D"
  wabox inspect "https://api.whatsapp.com/send?phone=919876543210&text=Hi" --json
  wabox link --batch contacts.csv --output-format jsonl | jq -r .url | wabox inspect --json`,
    )
    .action(async (url: string | undefined, flags: { json?: boolean }) => {
      if (url !== undefined && url !== '-') {
        emit(deps, flags, await runInspect(url), human);
        return;
      }
      const lines = (await readStdinText(deps.io, 'links')).split(/\r?\n/).filter((l) => l.trim() !== '');
      for (const line of lines) {
        try {
          const result = await runInspect(line);
          if (flags.json) emitLine(deps.io, result);
          else emit(deps, flags, result, human);
        } catch (err) {
          deps.io.stderr.write(formatError(err, { json: false, debug: false, mask: (s) => s }));
          deps.exitCode = Math.max(deps.exitCode, exitCodeOf(err));
        }
      }
    });
}

export async function runInspect(url: string): Promise<InspectResult> {
  const [{ parseLink }, { normalizePhone }] = await Promise.all([
    import('../core/link.js'),
    import('../core/phone.js'),
  ]);
  const parsed = parseLink(url);
  const phone = parsed.waId === null ? null : linkNumber(normalizePhone, parsed.waId);
  return {
    url: url.trim(),
    phone: phone?.phone ?? null,
    waId: parsed.waId,
    country: phone?.country ?? null,
    text: parsed.text,
    ref: parsed.ref,
    form: parsed.form,
  };
}

function human(r: InspectResult): string {
  const rows: Array<[string, string]> = [
    ['form', r.form],
    [
      'number',
      r.phone === null
        ? '(none: the user picks the chat)'
        : `${r.phone}${r.country ? ` (${r.country})` : ''}`,
    ],
    ['text', r.text === null ? '(none)' : safeLines(r.text).join('\n        ')],
    ['ref', r.ref === null ? '(none)' : oneLine(r.ref)],
  ];
  // a link's text may hold line breaks: its lines are indented under the first
  return rows.map(([k, v]) => `${k.padEnd(7)} ${v}`).join('\n');
}

/** A link's number is always international: the --country hint of `link` does not apply here. */
function linkNumber(normalize: typeof import('../core/phone.js').normalizePhone, waId: string) {
  try {
    return normalize(`+${waId}`);
  } catch (err) {
    if (err instanceof WaboxError) {
      throw new WaboxError(err.kind, `the link's number: ${err.message}`, {
        code: err.code,
        hint: 'wa.me numbers are written in full international form, digits only, e.g. https://wa.me/447700900123',
      });
    }
    throw err;
  }
}
