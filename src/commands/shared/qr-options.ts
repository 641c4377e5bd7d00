// QR flags shared by `wabox qr`, `wabox link --qr` and `wabox link --batch --qr-dir`.
import { extname } from 'node:path';
import { type Command, Option } from 'commander';
import { invalidInput } from '../../core/errors.js';
import type { ErrorCorrection, QrFormat, RenderOptions } from '../../core/qr.js';
import { intInRange } from './int-arg.js';

export interface QrStyleFlags {
  ecl?: string;
  scale?: string;
  margin?: string;
  dark?: string;
  light?: string;
}

export interface QrStyle {
  ecl: ErrorCorrection;
  render: RenderOptions;
}

export function addQrStyleOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--ecl <level>', 'QR error correction: L 7%, M 15%, Q 25%, H 30%')
        .choices(['L', 'M', 'Q', 'H'])
        .default('M'),
    )
    .option('--scale <px>', 'pixels per QR module (1-100)', '8')
    .option('--margin <modules>', 'quiet zone around the QR code, in modules (0-64; scanners want 4)', '4')
    .option('--dark <hex>', 'colour of the dark modules', '#000000')
    .option('--light <hex>', 'colour of the light modules (background)', '#ffffff');
}

export async function parseQrStyle(flags: QrStyleFlags): Promise<QrStyle & { warnings: string[] }> {
  // loaded on use: core/qr loads the qrcode package
  const { parseHexColor, checkColors } = await import('../../core/qr.js');
  const scale = intInRange(flags.scale ?? '8', '--scale', 1, 100);
  const margin = intInRange(flags.margin ?? '4', '--margin', 0, 64);
  const dark = parseHexColor(flags.dark ?? '#000000', '--dark');
  const light = parseHexColor(flags.light ?? '#ffffff', '--light');
  checkColors(dark, light);
  const warnings =
    margin < 4
      ? [
          `a quiet zone of ${margin} modules is under the 4 that ISO/IEC 18004 asks for; some scanners will fail`,
        ]
      : [];
  return { ecl: (flags.ecl ?? 'M') as ErrorCorrection, render: { scale, margin, dark, light }, warnings };
}

/** `png` or `svg` from a file name; anything else is a usage error. */
export function formatFromPath(path: string): Exclude<QrFormat, 'terminal'> {
  const ext = extname(path).toLowerCase();
  if (ext === '.png') return 'png';
  if (ext === '.svg') return 'svg';
  throw invalidInput(`cannot tell the QR format from "${path}": name it .png or .svg, or pass --format`, {
    code: 'qr.unknown_format',
  });
}
