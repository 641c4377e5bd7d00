import { Worker } from 'node:worker_threads';
import { WaboxError } from '../core/errors.js';
import { type QrFileJob, renderQrFile } from './qr-file.js';

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
  const workers = Array.from({ length: jobs }, () => {
    const worker = new Worker(workerUrl());
    const pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
    worker.on('message', (msg: { id: number; error: string | null }) => {
      const entry = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error === null) entry?.resolve();
      else entry?.reject(new WaboxError('failure', msg.error));
    });
    worker.on('error', (err) => {
      for (const entry of pending.values()) entry.reject(err);
      pending.clear();
    });
    return { worker, pending };
  });
  let nextId = 0;
  return {
    render(job) {
      const target = workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        target.pending.set(id, { resolve, reject });
        target.worker.postMessage({ ...job, id });
      });
    },
    async close() {
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}

/** dist/qr-worker.js, seen from this module's place in the bundle (an entry or a chunk under chunks/). */
function workerUrl(): URL {
  return new URL(
    import.meta.url.includes('/chunks/') ? '../qr-worker.js' : './qr-worker.js',
    import.meta.url,
  );
}
