// Worker thread for batch QR rendering (see qr-pool.ts): renders and writes one file per message.
import { parentPort } from 'node:worker_threads';
import { type QrFileJob, renderQrFile } from './qr-file.js';

parentPort?.on('message', (job: QrFileJob & { id: number }) => {
  try {
    renderQrFile(job);
    parentPort?.postMessage({ id: job.id, error: null });
  } catch (err) {
    parentPort?.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
  }
});
