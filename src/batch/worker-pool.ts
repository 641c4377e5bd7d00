// Worker threads for CPU-bound batch work (QR files, link chunks): each job goes to the worker with the
// fewest jobs pending; dist/batch-worker.js (worker.ts) runs them.
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { WaboxError } from '../core/errors.js';

/** What worker.ts answers: the job's id, and its result or its error message. */
export interface WorkerReply {
  id: number;
  error: string | null;
  result?: unknown;
}

export interface WorkerPool {
  /** Runs a job (a plain object with a `kind`) on a worker; `transfer` moves buffers instead of copying. */
  run<T>(job: { kind: string; [field: string]: unknown }, transfer?: ArrayBuffer[]): Promise<T>;
  /** Sends a message that has no answer (to the worker with the fewest jobs pending). */
  post(message: { kind: string; [field: string]: unknown }, transfer?: ArrayBuffer[]): void;
  close(): Promise<void>;
}

/** `resourceLimits` caps each worker's heap (see commands/link/batch.ts for why a batch of links does). */
export function createWorkerPool(size: number, resourceLimits?: ResourceLimits): WorkerPool {
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(workerUrl(), resourceLimits === undefined ? {} : { resourceLimits });
    const pending = new Map<number, { resolve: (result: unknown) => void; reject: (err: Error) => void }>();
    const failAll = (err: Error) => {
      for (const entry of pending.values()) entry.reject(err);
      pending.clear();
    };
    worker.on('message', (msg: WorkerReply) => {
      const entry = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error === null) entry?.resolve(msg.result);
      else entry?.reject(new WaboxError('failure', msg.error));
    });
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`a worker thread stopped (exit code ${code})`)));
    return { worker, pending };
  });
  let nextId = 0;
  const idlest = () => workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  return {
    post(message, transfer = []) {
      idlest().worker.postMessage(message, transfer);
    },
    run<T>(job: { kind: string; [field: string]: unknown }, transfer: ArrayBuffer[] = []) {
      const target = idlest();
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        target.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
        target.worker.postMessage({ ...job, id }, transfer);
      });
    },
    async close() {
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}

/** dist/batch-worker.js, seen from this module's place in the bundle (an entry or a chunk under chunks/). */
function workerUrl(): URL {
  return new URL(
    import.meta.url.includes('/chunks/') ? '../batch-worker.js' : './batch-worker.js',
    import.meta.url,
  );
}
