import { type QrFileJob, renderQrFile } from '../batch/qr-file.js';
import { createWorkerPool } from './worker-pool.js';

export interface QrPool {
  render(job: QrFileJob): Promise<void>;
  close(): Promise<void>;
}

/**
 * Renders QR files on `jobs` worker threads (QR encoding is CPU-bound: one core does ~1,000 matrices/s).
 * `jobs` 1 renders in-process, without a worker's start-up cost.
 */
export function createQrPool(jobs: number): QrPool {
  if (jobs <= 1) {
    return {
      render: async (job) => renderQrFile(job),
      close: async () => {},
    };
  }
  const pool = createWorkerPool(jobs);
  return {
    render: (job) => pool.run<void>({ kind: 'qr', ...job }),
    close: () => pool.close(),
  };
}
