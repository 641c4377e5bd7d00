import { type ErrorCorrection, qrMatrix, type RenderOptions, renderQr } from '../core/qr.js';
import { writeFileAtomicSync } from './files.js';

/** One QR file for a batch row; plain data so it can cross to a worker thread. */
export interface QrFileJob {
  data: string;
  path: string;
  format: 'png' | 'svg';
  ecl: ErrorCorrection;
  render: RenderOptions;
}

export function renderQrFile(job: QrFileJob): void {
  writeFileAtomicSync(job.path, renderQr(qrMatrix(job.data, job.ecl), job.format, job.render));
}
