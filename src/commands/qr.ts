import { type Command, Option } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit, warn } from '../cli/output.js';
import { readStdinText } from '../cli/stdin.js';
import { invalidInput } from '../core/errors.js';
import type { QrFormat } from '../core/qr.js';
import { resolveLink } from './link.js';
import { addLinkOptions, type LinkFlags } from './shared/link-flags.js';
import { addQrStyleOptions, parseQrStyle, type QrStyleFlags } from './shared/qr-options.js';
import type { QrWritten } from './shared/qr-output.js';
import { writeQr } from './shared/qr-output.js';

export interface QrOptions extends LinkFlags, QrStyleFlags {
  data?: string;
  output?: string;
  format?: QrFormat;
  json?: boolean;
  /** Encode the data as it is, even when it looks like a phone number. */
  raw?: boolean;
}

/** `qr --json` */
export interface QrResult extends QrWritten {
  data: string;
}

export function register(program: Command, deps: Deps): void {
  const cmd = program
    .command('qr')
    .description('make a QR code of a link, of text, or of a phone number (a wa.me link is built first)')
    .argument('[data]', 'URL, text or phone number; "-" or none reads it from stdin')
    .option('-o, --output <file>', 'write .png or .svg; "-" is stdout (the default)')
    .addOption(
      new Option(
        '-f, --format <format>',
        'output format (default: from the file name; on stdout: terminal on a TTY, else png)',
      ).choices(['png', 'svg', 'terminal']),
    )
    .option('--json', 'print {data, file, format, version, modules} (needs -o <file>)')
    .option('--raw', 'encode the data as it is, even when it looks like a phone number (e.g. 2024-01-01)');
  addLinkOptions(cmd);
  addQrStyleOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  wabox qr "+91 98765 43210" --text "Hi, I saw your shop window"        # drawn in the terminal
  wabox qr "+44 7700 900123" --text "Book a table" --ref window -o window.png
  wabox qr https://example.com/menu -o menu.svg --dark "#0b3d2e" --ecl H
  wabox qr "07700 900123" --country GB --format svg > code.svg
  wabox link +919876543210 --text Hi | wabox qr -o hi.png
  wabox qr 12345678 --raw -o code.png                                   # digits, not a phone number`,
  );
  cmd.action(async (data: string | undefined, flags: QrOptions) => {
    const result = await runQr({ ...flags, data }, deps);
    if (result.file !== '-')
      emit(deps, flags, result, (r) =>
        deps.io.isStdoutTTY ? `wrote ${r.file} (${r.format}, QR version ${r.version})` : r.file,
      );
  });
}

const PHONE_LIKE = /^[+\d\s().\-/]+$/;

export async function runQr(options: QrOptions, deps: Deps): Promise<QrResult> {
  const target = options.output ?? '-';
  if (target === '-' && options.json) {
    throw invalidInput('--json needs stdout, where the QR code would go: pass -o <file>', {
      code: 'usage.conflict',
    });
  }
  let data: string;
  if (options.share) {
    // a share link has no number: the link made of --text and --ref is the data
    if (options.data !== undefined) {
      throw invalidInput('--share makes a link without a number: drop the data or --share', {
        code: 'usage.conflict',
      });
    }
    data = await linkData(deps, undefined, options);
  } else {
    const input = await readData(options, deps);
    const isPhone = !options.raw && PHONE_LIKE.test(input.trim()) && (input.match(/\d/g)?.length ?? 0) >= 5;
    const linkFlagsUsed = ['text', 'var', 'ref', 'api', 'country'].some(
      (k) => options[k as keyof LinkFlags] !== undefined,
    );
    if (isPhone) data = await linkData(deps, input, options);
    else if (linkFlagsUsed) {
      throw invalidInput('--text, --var, --ref, --api and --country apply when the data is a phone number', {
        code: 'usage.conflict',
      });
    } else data = input;
  }
  const style = await parseQrStyle(options);
  for (const warning of style.warnings) warn(deps.io, warning);
  return { data, ...(await writeQr(deps, data, target, style, options.format)) };
}

/** The data argument, or stdin for none or "-" (which --text - cannot then also read). */
async function readData(options: QrOptions, deps: Deps): Promise<string> {
  const fromStdin = options.data === undefined || options.data === '-';
  if (fromStdin && options.text === '-') {
    throw invalidInput('--text - and QR data cannot both come from stdin: pass the data as an argument', {
      code: 'usage.conflict',
    });
  }
  const input = fromStdin ? await readStdinText(deps.io, 'QR data') : (options.data as string);
  if (input.trim() === '')
    throw invalidInput('nothing to encode: the QR data is empty', { code: 'qr.empty' });
  return input;
}

/** The link for a phone number (or a share link), its warnings printed. */
async function linkData(deps: Deps, phone: string | undefined, options: QrOptions): Promise<string> {
  const { result, warnings } = await resolveLink(deps, phone, options);
  for (const warning of warnings) warn(deps.io, warning);
  return result.url;
}
