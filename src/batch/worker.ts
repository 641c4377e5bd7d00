// Worker thread of batch work (see worker-pool.ts): renders and writes a QR file (`kind: 'qr'`), or reads,
// links and formats a chunk of `wabox link --batch` rows (`kind: 'links'`), answering each job by its id;
// `kind: 'spare'` hands back an output buffer that the main thread has written, for the next chunk.
import { parentPort } from 'node:worker_threads';
import { type ChunkContext, type NoteStyle, noteLines, processChunk } from './chunk.js';
import { type QrFileJob, renderQrFile } from './qr-file.js';
import type { Chunk } from './split.js';
import type { WorkerReply } from './worker-pool.js';

type Job = { id: number } & (
  | ({ kind: 'qr' } & QrFileJob)
  | { kind: 'links'; chunk: Chunk; context: ChunkContext; noteStyle: NoteStyle }
  | { kind: 'spare'; buffer: ArrayBuffer }
);

const encoder = new TextEncoder();
/**
 * Output buffers come back to be used again. A new buffer for every chunk is freed on the main thread only
 * when its garbage collector gets to it, which the main thread, allocating little, seldom runs: reusing
 * them keeps peak RSS down.
 */
const spares: ArrayBuffer[] = [];
const MAX_SPARES = 8;

parentPort?.on('message', (job: Job) => {
  if (job.kind === 'spare') {
    if (spares.length < MAX_SPARES) spares.push(job.buffer);
    return;
  }
  try {
    if (job.kind === 'links') {
      const result = processChunk(job.chunk, job.context);
      // UTF-8 and stderr lines here, not on the main thread, which only writes them; the bytes moved, not
      // copied, and one string for the notes instead of an object a note to copy
      const output = utf8(result.output as string);
      const notes = noteLines(result.notes, job.noteStyle);
      reply({ id: job.id, error: null, result: { ...result, output, notes: [], noteLines: notes } }, [
        output.buffer as ArrayBuffer,
      ]);
    } else {
      renderQrFile(job);
      reply({ id: job.id, error: null });
    }
  } catch (err) {
    reply({ id: job.id, error: err instanceof Error ? err.message : String(err) });
  }
});

/** The text as UTF-8 in a spare buffer when one is big enough. */
function utf8(text: string): Uint8Array {
  // at most 3 bytes per UTF-16 unit
  const spare = spares.findIndex((buffer) => buffer.byteLength >= text.length * 3);
  if (spare === -1) return encoder.encode(text);
  const buffer = spares.splice(spare, 1)[0] as ArrayBuffer;
  const { written } = encoder.encodeInto(text, new Uint8Array(buffer));
  return new Uint8Array(buffer, 0, written);
}

function reply(msg: WorkerReply, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(msg, transfer);
}
