import { extname } from 'node:path';
import type { Deps } from '../../cli/deps.js';
import { writeFileAtomic } from '../../cli/files.js';
import { warn } from '../../cli/output.js';
import { invalidInput } from '../../core/errors.js';
import type { QrFormat } from '../../core/qr.js';
import { formatFromPath, type QrStyle } from './qr-options.js';

export interface QrWritten {
  /** The file written, or `-` for stdout. */
  file: string;
  format: QrFormat;
  /** QR version (1-40) and modules per side. */
  version: number;
  modules: number;
}

/**
 * Encodes `data` and writes it to a file (atomically) or stdout. On stdout the format is --format, else
 * a terminal drawing on a TTY and PNG bytes in a pipe; binary PNG is never sent to a terminal.
 */
export async function writeQr(
  deps: Deps,
  data: string,
  target: string,
  style: QrStyle,
  format?: QrFormat,
): Promise<QrWritten> {
  // loaded on use: core/qr loads the qrcode package
  const qr = await import('../../core/qr.js');
  const toStdout = target === '-';
  const chosen: QrFormat =
    format ?? (toStdout ? (deps.io.isStdoutTTY ? 'terminal' : 'png') : formatFromPath(target));
  if (
    !toStdout &&
    format !== undefined &&
    chosen !== 'terminal' &&
    extname(target).toLowerCase() !== `.${chosen}`
  ) {
    warn(deps.io, `writing ${chosen.toUpperCase()} into ${target}, whose name says otherwise`);
  }
  if (!toStdout && chosen === 'terminal') {
    throw invalidInput('--format terminal draws on stdout: use -o - (or no -o)', {
      code: 'qr.terminal_to_file',
    });
  }
  if (toStdout && chosen === 'png' && deps.io.isStdoutTTY) {
    throw invalidInput('refusing to write PNG bytes to a terminal', {
      code: 'qr.binary_to_tty',
      hint: 'redirect stdout (> code.png), pass -o code.png, or use --format terminal',
    });
  }
  const matrix = qr.qrMatrix(data, style.ecl);
  const output =
    chosen === 'terminal'
      ? qr.renderTerminal(matrix, { margin: style.render.margin, color: deps.io.color })
      : qr.renderQr(matrix, chosen, style.render);
  if (toStdout) deps.io.stdout.write(output);
  else await writeFileAtomic(target, output);
  return { file: target, format: chosen, version: matrix.version, modules: matrix.size };
}
