// `wabox link --batch`: rows in (CSV or JSONL, streamed), links out (CSV, JSONL or JSON), with
// constant memory, a line-numbered error per bad row, and optional QR files rendered on all cores.
//
// The main thread reads the input and cuts it into chunks of whole records (batch/split.ts); the rows
// of a chunk are read, linked and formatted by batch/chunk.ts, on worker threads when the input is
// more than one chunk, and the main thread writes the chunks' output in input order, a bounded number of
// chunks in flight. One stream of row objects (csv-parse and csv-stringify streams) was several times
// slower; bench/link-batch.mjs measures this design against the bare libphonenumber-js loop.

import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { type FileHandle, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import {
  type ChunkContext,
  type ChunkResult,
  chunkResult,
  contextFor,
  csvHeader,
  linkRows,
  type NoteStyle,
  noteLines,
  processChunk,
  type Row,
  readChunk,
} from '../../batch/chunk.js';
import { tempPathFor } from '../../batch/files.js';
import { createQrPool, type QrPool } from '../../batch/qr-pool.js';
import { type Chunk, splitChunks } from '../../batch/split.js';
import { createWorkerPool, type WorkerPool } from '../../batch/worker-pool.js';
import type { Deps } from '../../cli/deps.js';
import { ensureDir } from '../../cli/files.js';
import { note, style } from '../../cli/output.js';
import { listenForInterrupt } from '../../cli/signals.js';
import { fileError, invalidInput, WaboxError } from '../../core/errors.js';
import { rowTemplate } from '../../core/link-row.js';
import { parseAssignments } from '../../core/placeholders.js';
import { findTemplate } from '../../core/template.js';
import { intInRange } from '../shared/int-arg.js';
import { parseQrStyle, type QrStyle } from '../shared/qr-options.js';
import * as shared from '../template/shared.js';
import type { LinkBatchOptions } from './batch-options.js';

/** The longest QR file name taken from --name-column, before its extension. */
const MAX_NAME_BYTES = 200;
/**
 * Input bytes per chunk: ~125 rows of number and message. Small chunks keep a worker's heap small: a chunk
 * this size is done before its rows outlive a young-generation collection, so the young generation can
 * stay small too (WORKER_LIMITS). Refused rows keep their message until the chunk is done, so on files
 * with many of them larger chunks reach the old generation: more memory and more time in GC.
 */
const CHUNK_BYTES = 8 * 1024;
/**
 * An input of this many chunks or fewer (256 KB, ~4,000 rows) is done in-process: a worker takes ~30 ms
 * to start, and then warms up. A multiple of the chunk size, so that tests cross it with small inputs.
 */
const IN_PROCESS_CHUNKS = 32;
/**
 * A worker's young generation, capped: left to grow as V8 lets it, it raises peak RSS; much smaller, rows
 * move to the old generation and RSS grows again.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 12 };

export interface BatchSummary {
  rows: number;
  failed: number;
  elapsedMs: number;
}

export async function runLinkBatch(options: LinkBatchOptions, deps: Deps): Promise<BatchSummary> {
  const started = performance.now();
  if (options.phone !== undefined)
    throw conflict('a phone argument and --batch: the numbers come from the file');
  if (options.share) throw conflict('--share and --batch: batch links always have a number');
  if (options.qr !== undefined) throw conflict('--qr and --batch: use --qr-dir for one QR code per row');
  const source = options.batch as string;
  const inputFormat = options.inputFormat ?? (/\.(jsonl|ndjson)$/i.test(source) ? 'jsonl' : 'csv');
  const output = options.output ?? '-';
  const outputFormat = options.json
    ? 'jsonl'
    : (options.outputFormat ??
      (/\.(jsonl|ndjson)$/i.test(output) ? 'jsonl' : /\.json$/i.test(output) ? 'json' : 'csv'));
  const template = rowTemplate({
    defaultCountry: options.country ?? (await deps.config()).get('default-country'),
    text: options.text,
    ref: options.ref,
    vars: parseAssignments(options.var ?? []),
    form: options.api ? 'api' : 'wa.me',
    strict: options.strict,
  });
  if (options.text === '-')
    throw invalidInput('--text - cannot be used with --batch: stdin is not free for the text', {
      code: 'usage.conflict',
    });
  const jobs =
    options.jobs === undefined ? availableParallelism() : intInRange(options.jobs, '--jobs', 1, 256);
  const chunkBytes =
    options.chunkBytes === undefined
      ? CHUNK_BYTES
      : intInRange(options.chunkBytes, '--chunk-bytes', 1, 1 << 30);
  const fieldDelimiter = parseDelimiter(options.delimiter);
  const templates = await loadTemplates(deps, options);
  const qr = options.qrDir === undefined ? null : await prepareQr(options, options.qrDir);
  const input = source === '-' ? deps.io.stdin : await openInput(source);
  // listening before the temp file exists: a signal from then on removes it
  const interrupt = listenForInterrupt();
  const sink = await openOutput(deps, output).catch((err) => {
    interrupt.dispose();
    if (input !== deps.io.stdin) input.destroy();
    throw err;
  });
  /** bytes: read; doneBytes: of the rows written (what a cancelled run reports). */
  const counters = { rows: 0, failed: 0, bytes: 0, doneBytes: 0 };
  let progress: { stop(): void } = { stop() {} };
  const s = style(deps.io);
  const noteStyle: NoteStyle = { error: around(s.red), warning: around(s.yellow) };
  let pool = null as WorkerPool | null;
  let jsonItems = 0;
  /** Writes a chunk's output, and its stderr lines. */
  const write = async ({ result, size }: { result: ChunkResult; size: number }) => {
    counters.doneBytes += size;
    counters.rows += result.rows;
    counters.failed += result.failed;
    // one write a chunk, not one a row: a file with many failed rows has as many lines
    const lines = result.noteLines ?? noteLines(result.notes, noteStyle);
    if (lines !== '') deps.io.stderr.write(lines);
    if (outputFormat === 'json' && result.rows > 0) await sink.write(jsonItems++ === 0 ? '[\n' : ',\n');
    const { output } = result;
    // a worker's output buffer goes back to the workers once written (see batch/worker.ts)
    await sink.write(output, () => {
      if (pool && typeof output !== 'string')
        pool.post({ kind: 'spare', buffer: output.buffer }, [output.buffer as ArrayBuffer]);
    });
  };
  // async: a chunk that fails in-process rejects like one that fails on a worker
  const run = async (chunk: Chunk, ctx: ChunkContext): Promise<ChunkResult> => {
    if (qr) return qrChunk(chunk, ctx, qr);
    if (pool)
      return pool.run<ChunkResult>({ kind: 'links', chunk, context: ctx, noteStyle }, [
        chunk.bytes.buffer as ArrayBuffer,
      ]);
    return processChunk(chunk, ctx);
  };
  const CANCELLED = new Error('cancelled');
  const cancelled = new Promise<never>((_, reject) =>
    interrupt.signal.addEventListener('abort', () => reject(CANCELLED), { once: true }),
  );
  cancelled.catch(() => {});
  const inFlight: Array<{ result: Promise<ChunkResult>; size: number }> = [];
  /** Writes the oldest chunk in flight once it is done; a Ctrl-C stops the batch between chunks. */
  const writeNext = async () => {
    const { result, size } = inFlight.shift() as (typeof inFlight)[number];
    await write({ result: await result, size });
    if (interrupt.signal.aborted) throw CANCELLED;
  };
  try {
    // worker threads keep the process alive: they start only inside the try whose finally ends them
    if (qr) qr.pool = createQrPool(jobs);
    progress = await startProgress(deps, source, counters);
    let ctx: ChunkContext | null = null;
    const dispatch = async (chunk: Chunk, ctx: ChunkContext) => {
      // the bytes move to a worker: their count is taken first
      const size = chunk.oversized ?? chunk.bytes.length;
      const result = run(chunk, ctx);
      // awaited below in input order; this keeps an early failure from counting as unhandled meanwhile
      result.catch(() => {});
      inFlight.push({ result, size });
      // back-pressure: input is read ahead by no more than a few chunks a worker
      while (inFlight.length >= (pool ? 4 * jobs : qr ? 2 : 1)) await writeNext();
    };
    /** The chunks read before the batch knows whether it is small enough to do in-process. */
    const early: Chunk[] = [];
    let earlyBytes = 0;
    const chunks = splitChunks(input, {
      format: inputFormat,
      chunkBytes,
      encoding: options.encoding ?? 'utf-8',
      ...(fieldDelimiter === undefined ? {} : { fieldDelimiter }),
      onRead: (bytes) => {
        counters.bytes += bytes;
      },
    });
    /** The header (CSV) or the columns (JSONL) come from the chunks read first. */
    const start = async (more: boolean): Promise<ChunkContext> => {
      const ctx = contextFor(
        early,
        { input: inputFormat, output: outputFormat, template, rawCsv: options.rawCsv === true, templates },
        options.phoneColumn,
      );
      checkColumn(ctx, '--name-column', options.nameColumn);
      if (outputFormat === 'csv') await sink.write(csvHeader(ctx));
      // a small input is done in-process (IN_PROCESS_CHUNKS)
      if (more && jobs > 1 && qr === null) pool = createWorkerPool(jobs, WORKER_LIMITS);
      for (const chunk of early.splice(0)) await dispatch(chunk, ctx);
      return ctx;
    };
    const iterator = chunks[Symbol.asyncIterator]();
    for (;;) {
      // reading stdin may wait for ever: a Ctrl-C must not
      const next = await Promise.race([iterator.next(), cancelled]);
      if (next.done) break;
      const chunk = next.value;
      if (ctx !== null) {
        await dispatch(chunk, ctx);
        continue;
      }
      early.push(chunk);
      earlyBytes += chunk.bytes.length;
      if (chunk.last || earlyBytes >= IN_PROCESS_CHUNKS * chunkBytes) ctx = await start(!chunk.last);
    }
    // the input ended with a whole chunk
    if (ctx === null) await start(false);
    while (inFlight.length > 0) await writeNext();
    if (outputFormat === 'json') await sink.write(jsonItems === 0 ? '[]\n' : '\n]\n');
    await sink.commit();
  } catch (err) {
    // chunks in flight finish first: a worker stopped inside a QR file's write would leave its temp file
    await Promise.allSettled(inFlight.map((item) => item.result));
    await sink.abort();
    if (!interrupt.signal.aborted) throw err instanceof WaboxError ? err : fileError(err, source, 'read');
    input.destroy();
  } finally {
    progress.stop();
    interrupt.dispose();
    await Promise.all([qr?.pool?.close(), pool?.close()]);
  }
  if (interrupt.signal.aborted) {
    deps.io.stderr.write(cancelledLine(counters, await fileSize(source), source, output, qr));
    deps.exitCode = interrupt.signal.reason === 'SIGTERM' ? 143 : 130;
    return { rows: counters.rows, failed: counters.failed, elapsedMs: performance.now() - started };
  }
  const elapsedMs = performance.now() - started;
  const rate = counters.rows / Math.max(elapsedMs / 1000, 1e-6);
  note(
    deps.io,
    `${counters.rows} rows, ${counters.failed} failed, ${(elapsedMs / 1000).toFixed(2)} s, ${Math.round(rate)} rows/s` +
      (qr ? `, QR codes in ${options.qrDir}` : ''),
  );
  if (counters.failed > 0) deps.exitCode = 1;
  return { rows: counters.rows, failed: counters.failed, elapsedMs };
}

/** What a style puts before and after a text (nothing without colour). */
function around(paint: (text: string) => string): [string, string] {
  const [open = '', close = ''] = paint('x').split('x');
  return [open, close];
}

/**
 * What a cancelled batch did: the rows written, and of how many (estimated from the bytes of a file; a
 * stream's length is unknown), whether the output file was written, and the QR files kept.
 */
function cancelledLine(
  counters: { rows: number; bytes: number; doneBytes: number },
  total: number,
  source: string,
  output: string,
  qr: QrTarget | null,
): string {
  const n = counters.rows;
  let what = `${n} row${n === 1 ? '' : 's'}`;
  if (source !== '-' && total > 0 && counters.doneBytes > 0) {
    const about = Math.max(n, Math.round((n * total) / counters.doneBytes));
    what = `${n} of about ${about} rows (${Math.floor((100 * counters.doneBytes) / total)}% of ${source})`;
  } else if (source === '-') {
    what += ` (${(counters.bytes / 1e6).toFixed(1)} MB of stdin read; its length is unknown)`;
  }
  const out = output === '-' ? 'the output is incomplete' : `${output} not written`;
  const kept =
    qr === null
      ? ''
      : `; ${qr.written} QR file${qr.written === 1 ? '' : 's'} already written kept in ${qr.dir}`;
  return `cancelled after ${what}; ${out}${kept}\n`;
}

/**
 * The cta templates of the library and the render context, when --template is given or the input may name
 * templates per row (loaded whenever the library has cta templates: a `template` column is only known later).
 */
async function loadTemplates(deps: Deps, options: LinkBatchOptions): Promise<ChunkContext['templates']> {
  if (options.template !== undefined && options.text !== undefined)
    throw invalidInput('--text and --template both give the text: choose one', { code: 'usage.conflict' });
  const library = (await shared.templateLibrary(deps).load()).filter((t) => t.kind === 'cta');
  if (options.template === undefined && library.length === 0) return null;
  if (options.template !== undefined) {
    const all = await shared.templateLibrary(deps).load();
    const found = findTemplate(all, options.template);
    if (found.kind !== 'cta')
      throw invalidInput(`template "${found.name}" is a ${found.kind}, not a cta`, {
        code: 'template.wrong_kind',
        hint: 'list the cta templates with: wabox template list --kind cta',
      });
  }
  const context = await shared.renderContext(deps, {}, {});
  return { library, name: options.template ?? null, context };
}

function parseDelimiter(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const char = value === 'tab' || value === '\\t' ? '\t' : value;
  if (char === ',' || char === ';' || char === '\t' || char === '|') return char;
  throw invalidInput(`--delimiter must be ",", ";", "|" or "tab", not ${JSON.stringify(value)}`, {
    code: 'usage.bad_delimiter',
  });
}

/** A flag naming a column the input does not have is a usage error (JSONL: the first row's keys). */
function checkColumn(ctx: ChunkContext, flag: string, name: string | undefined): void {
  const columns = ctx.header ?? ctx.columns;
  if (name === undefined || columns.includes(name) || (ctx.header === null && columns.length === 0)) return;
  throw invalidInput(
    `${flag} "${name}" is not a column of the input (columns: ${columns.map((c) => JSON.stringify(c)).join(', ')})`,
    { code: 'usage.unknown_column' },
  );
}

function conflict(what: string) {
  return invalidInput(`cannot combine ${what}`, { code: 'usage.conflict' });
}

interface QrTarget {
  dir: string;
  style: QrStyle;
  format: 'png' | 'svg';
  nameColumn: string | undefined;
  /** Set once the input and output are open. */
  pool: QrPool | null;
  names: Set<string>;
  /** QR files written so far. */
  written: number;
}

async function prepareQr(options: LinkBatchOptions, dir: string): Promise<QrTarget> {
  const style = await parseQrStyle(options);
  await ensureDir(dir);
  // a probe write: access(W_OK) says yes to root even on a read-only mount
  const probe = join(dir, `.wabox-probe-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await open(probe, 'wx');
    await handle.close();
    await unlink(probe);
  } catch (err) {
    throw fileError(err, dir);
  }
  return {
    dir,
    style,
    format: options.qrFormat ?? 'png',
    nameColumn: options.nameColumn,
    pool: null,
    written: 0,
    names: new Set(),
  };
}

/**
 * A chunk with QR files: its rows are read and linked here (QR rendering, ~1 ms a code, is the work to
 * spread over the workers), file names are given in input order, and a row whose file fails gets the error.
 */
async function qrChunk(chunk: Chunk, ctx: ChunkContext, qr: QrTarget): Promise<ChunkResult> {
  const rows = linkRows(readChunk(chunk, ctx), ctx.template, ctx.templates);
  await Promise.all(
    rows.map(async (row) => {
      if (row.error !== '') return;
      const path = join(qr.dir, `${uniqueName(qr, row)}.${qr.format}`);
      try {
        await (qr.pool as QrPool).render({
          data: row.url,
          path,
          format: qr.format,
          ecl: qr.style.ecl,
          render: qr.style.render,
        });
        qr.written++;
      } catch (err) {
        row.error = `QR code: ${(err as Error).message}`;
      }
    }),
  );
  return chunkResult(rows, ctx);
}

/** A file name from --name-column (made safe) or the number; a repeat gets the line number appended. */
function uniqueName(qr: QrTarget, row: Row): string {
  const wanted =
    qr.nameColumn === undefined ? row.waId : safeName(row.values[qr.nameColumn] ?? '') || row.waId;
  const name = qr.names.has(wanted) ? `${wanted}-${row.line}` : wanted;
  qr.names.add(name);
  return name;
}

/**
 * A file name from a column value: letters with their combining marks (Indic vowel signs and viramas are
 * marks), digits, `.`, `_` and `-`. Cut by UTF-8 bytes on a character boundary: file systems allow 255
 * bytes, and the extension and a `-<line>` suffix need some of them.
 */
export function safeName(value: string): string {
  const name = value
    .normalize('NFKC')
    .replace(/[^\p{L}\p{M}\p{N}._-]+/gu, '_')
    .replace(/^[._]+/, '');
  let out = '';
  let bytes = 0;
  for (const char of name) {
    bytes += Buffer.byteLength(char);
    if (bytes > MAX_NAME_BYTES) break;
    out += char;
  }
  return out;
}

async function openInput(path: string): Promise<Readable> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw fileError(err, path, 'read');
  }
  return handle.createReadStream({ highWaterMark: 256 * 1024 });
}

interface OutputSink {
  /**
   * Writes, waiting while the stream's buffer is full (back-pressure). `written` is called once the data
   * was handed to the OS, when the sink is a stream.
   */
  write(data: string | Uint8Array, written?: () => void): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** stdout, or a temp file beside the target renamed into place only when the whole batch is written. */
async function openOutput(deps: Deps, path: string): Promise<OutputSink> {
  if (path === '-') {
    const stdout = deps.io.stdout;
    const stream = stdout.stream as Writable | undefined;
    return {
      // stdout stays open for the summary and the exit: it is written, never ended
      write: async (data, written) => {
        if (stream === undefined) stdout.write(data);
        else if (!stream.write(data, () => written?.())) await once(stream, 'drain');
      },
      commit: async () => {},
      abort: async () => {},
    };
  }
  const temp = tempPathFor(path);
  // a file replaced keeps its mode (a 0600 file of customers' numbers stays 0600)
  const mode = await stat(path).then(
    (st) => (st.isFile() ? st.mode & 0o7777 : null),
    () => null,
  );
  let handle: FileHandle;
  try {
    handle = await open(temp, 'wx', mode ?? 0o644);
  } catch (err) {
    throw fileError(err, path);
  }
  // open() applies the umask; the old mode is set as it was
  if (mode !== null)
    await handle.chmod(mode).catch(async (err) => {
      await handle.close();
      await rm(temp, { force: true });
      throw fileError(err, path);
    });
  const stream = handle.createWriteStream();
  const failed = (err: unknown) => fileError(err, path);
  let error: unknown = null;
  stream.on('error', (err) => {
    error = err;
  });
  return {
    write: async (data, written) => {
      if (error !== null) throw failed(error);
      if (!stream.write(data, (err) => err || written?.()))
        await once(stream, 'drain').catch((err) => Promise.reject(failed(err)));
    },
    commit: async () => {
      stream.end();
      await finished(stream).catch((err) => Promise.reject(failed(err)));
      try {
        await rename(temp, path);
      } catch (err) {
        await rm(temp, { force: true });
        throw failed(err);
      }
    },
    abort: async () => {
      stream.destroy();
      await rm(temp, { force: true });
    },
  };
}

/** A progress bar on a TTY stderr: bytes of a file (so it knows the end), rows for stdin. */
async function startProgress(
  deps: Deps,
  source: string,
  counters: { rows: number; failed: number; bytes: number },
): Promise<{ stop(): void }> {
  const stream = deps.io.stderr.stream;
  if (!deps.io.isStderrTTY || stream === undefined) return { stop() {} };
  const { SingleBar, Presets } = await import('cli-progress');
  const total = source === '-' ? 0 : await fileSize(source);
  const bar = new SingleBar(
    {
      format:
        total > 0
          ? 'links {bar} {percentage}% | ETA {eta_formatted} | {rows} rows, {failed} failed'
          : 'links {rows} rows, {failed} failed',
      stream: stream as NodeJS.WritableStream,
      hideCursor: true,
      clearOnComplete: true,
      // the ETA from the rate over the last ~40 updates (4 s), so a slow start does not stay in it
      etaBuffer: 40,
    },
    Presets.shades_classic,
  );
  bar.start(total || 1, 0, { rows: 0, failed: 0 });
  const timer = setInterval(
    () => bar.update(Math.min(counters.bytes, total || 1), { rows: counters.rows, failed: counters.failed }),
    100,
  );
  return {
    stop() {
      clearInterval(timer);
      bar.stop();
    },
  };
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}
