// `wabox link --batch`: rows in (CSV or JSONL, streamed), links out (CSV, JSONL or JSON), with
// constant memory, a line-numbered error per bad row, and optional QR files rendered on all cores.
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type Readable, Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { parse as parseCsv } from 'csv-parse';
import { stringify as stringifyCsv } from 'csv-stringify';
import type { Deps } from '../cli/deps.js';
import { ensureDir, fileError, tempPathFor } from '../cli/files.js';
import { note, style } from '../cli/output.js';
import { invalidInput, WaboxError } from '../core/errors.js';
import { linkForRow, type RowLink, type RowTemplate, rowTemplate } from '../core/link-row.js';
import { parseAssignments } from '../core/placeholders.js';
import { intInRange } from './int-arg.js';
import type { LinkOptions } from './link.js';
import type { BatchFlags } from './link-batch-options.js';
import { parseQrStyle, type QrStyle } from './qr-options.js';
import { createQrPool, type QrPool } from './qr-pool.js';

type Values = Record<string, string>;
/** A parsed input row, or a row that could not be read (its error says why). */
interface InputRow {
  line: number;
  values: Values;
  error?: string;
}

const RESULT_COLUMNS = ['url', 'waId', 'error'] as const;
/** The longest QR file name taken from --name-column, before its extension. */
const MAX_NAME_BYTES = 200;
/** Rows the CSV writer holds back while it waits for a JSONL object that names the input columns. */
const MAX_ROWS_BEFORE_COLUMNS = 1000;

/** The input column names once known: the CSV reader sets them from the header; JSONL has none. */
interface InputColumns {
  names: string[] | null;
}

export interface BatchSummary {
  rows: number;
  failed: number;
  elapsedMs: number;
}

export async function runLinkBatch(
  options: LinkOptions & BatchFlags & { json?: boolean },
  deps: Deps,
): Promise<BatchSummary> {
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
  const qr = options.qrDir === undefined ? null : await prepareQr(options, options.qrDir);
  const input = source === '-' ? deps.io.stdin : await openInput(source);
  const sink = await openOutput(deps, output);
  const counters = { rows: 0, failed: 0, bytes: 0 };
  const columns: InputColumns = { names: null };
  const progress = await startProgress(deps, source, counters);
  const s = style(deps.io);
  const reportRow = (row: InputRow, message: string) => {
    counters.failed++;
    deps.io.stderr.write(`${s.red(`line ${row.line}:`)} ${message}\n`);
  };
  const warnRow = (row: InputRow, message: string) =>
    deps.io.stderr.write(`${s.yellow(`line ${row.line}: warning:`)} ${message}\n`);
  try {
    await pipeline(
      input,
      countBytes(counters),
      inputFormat === 'csv' ? csvRows(columns) : jsonlRows(),
      new RowMapper((row) => mapRow(row, template, qr, counters, reportRow, warnRow), qr ? qr.limit : 1),
      formatter(outputFormat, columns),
      sink.stream,
    );
    await sink.commit();
  } catch (err) {
    await sink.abort();
    throw err instanceof WaboxError ? err : fileError(err, source, 'read');
  } finally {
    progress.stop();
    await qr?.pool.close();
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

function conflict(what: string) {
  return invalidInput(`cannot combine ${what}`, { code: 'usage.conflict' });
}

interface QrTarget {
  dir: string;
  style: QrStyle;
  format: 'png' | 'svg';
  nameColumn: string | undefined;
  pool: QrPool;
  /** Rows in flight while their QR codes render. */
  limit: number;
  names: Set<string>;
}

async function prepareQr(options: LinkOptions & BatchFlags, dir: string): Promise<QrTarget> {
  const style = await parseQrStyle(options);
  const jobs =
    options.jobs === undefined ? availableParallelism() : intInRange(options.jobs, '--jobs', 1, 256);
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
    pool: createQrPool(jobs),
    limit: jobs * 32,
    names: new Set(),
  };
}

function mapRow(
  row: InputRow,
  template: RowTemplate,
  qr: QrTarget | null,
  counters: { rows: number },
  reportRow: (row: InputRow, message: string) => void,
  warnRow: (row: InputRow, message: string) => void,
): Values | Promise<Values> {
  counters.rows++;
  const out = (url: string, waId: string, error: string): Values => ({ ...row.values, url, waId, error });
  if (row.error !== undefined) {
    reportRow(row, row.error);
    return out('', '', row.error);
  }
  let link: RowLink;
  try {
    link = linkForRow(row.values, template);
    if (link.warning !== null) warnRow(row, link.warning);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    reportRow(row, message);
    return out('', '', message);
  }
  if (qr === null) return out(link.url, link.waId, '');
  const path = join(qr.dir, `${uniqueName(qr, row, link.waId)}.${qr.format}`);
  return qr.pool
    .render({ data: link.url, path, format: qr.format, ecl: qr.style.ecl, render: qr.style.render })
    .then(
      () => out(link.url, link.waId, ''),
      (err: Error) => {
        const message = `QR code: ${err.message}`;
        reportRow(row, message);
        return out(link.url, link.waId, message);
      },
    );
}

/** A file name from --name-column (made safe) or the number; a repeat gets the line number appended. */
function uniqueName(qr: QrTarget, row: InputRow, waId: string): string {
  const wanted = qr.nameColumn === undefined ? waId : safeName(row.values[qr.nameColumn] ?? '') || waId;
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

/** Maps rows in order; up to `limit` asynchronous results (QR renders) are in flight at once. */
class RowMapper extends Transform {
  readonly #pending: Array<Promise<Values>> = [];

  readonly #map: (row: InputRow) => Values | Promise<Values>;
  readonly #limit: number;

  constructor(map: (row: InputRow) => Values | Promise<Values>, limit: number) {
    super({ objectMode: true, highWaterMark: 64 });
    this.#map = map;
    this.#limit = limit;
  }

  override _transform(row: InputRow, _encoding: BufferEncoding, callback: TransformCallback): void {
    let result: Values | Promise<Values>;
    try {
      result = this.#map(row);
    } catch (err) {
      callback(err as Error);
      return;
    }
    if (!(result instanceof Promise) && this.#pending.length === 0) {
      callback(null, result);
      return;
    }
    this.#pending.push(Promise.resolve(result));
    if (this.#pending.length < this.#limit) {
      callback();
      return;
    }
    this.#pending
      .shift()!
      .then((values) => callback(null, values))
      .catch(callback);
  }

  override _flush(callback: TransformCallback): void {
    (async () => {
      for (const next of this.#pending.splice(0)) this.push(await next);
    })().then(() => callback(), callback);
  }
}

/** Where csv-parse is when a record ends (its record info, and the context of its errors). */
interface RecordEnd {
  lines: number;
  empty_lines: number;
}

/** CSV text in, InputRow objects out; the first record is the header. */
function csvRows(columns: InputColumns): Transform {
  let header: string[] | null = null;
  const parser = parseCsv({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
    skip_records_with_error: true,
  });
  const rows = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, callback) {
      parser.write(chunk, callback);
    },
    flush(callback) {
      parser.once('end', () => {
        if (header === null)
          callback(
            invalidInput('the CSV input is empty: it needs a header row with a phone column', {
              code: 'batch.empty',
            }),
          );
        else callback();
      });
      parser.end();
    },
  });
  // csv-parse says where a record ends; it starts after the previous one and the empty lines skipped
  // since, and that start is the line a user looks for (a quoted field may span lines)
  const end = { lines: 0, emptyLines: 0 };
  const startLine = (at: RecordEnd) => {
    const line = end.lines + 1 + (at.empty_lines - end.emptyLines);
    end.lines = at.lines;
    end.emptyLines = at.empty_lines;
    return line;
  };
  // a record that csv-parse cannot read becomes a failed row; the batch goes on
  parser.on('skip', (err: Error & RecordEnd) => {
    rows.push({
      line: startLine(err),
      values: {},
      error: `unreadable CSV: ${err.message}`,
    } satisfies InputRow);
  });
  parser.on('error', (err) => rows.destroy(err));
  parser.on('data', ({ record, info }: { record: string[]; info: RecordEnd }) => {
    const line = startLine(info);
    if (header === null) {
      try {
        header = readHeader(record);
        columns.names = header;
      } catch (err) {
        rows.destroy(err as Error);
      }
      return;
    }
    const values: Values = {};
    header.forEach((name, i) => {
      values[name] = record[i] ?? '';
    });
    const error =
      record.length === header.length
        ? undefined
        : `has ${record.length} field${record.length === 1 ? '' : 's'}, the header has ${header.length}`;
    rows.push({ line, values, ...(error === undefined ? {} : { error }) } satisfies InputRow);
  });
  return rows;
}

/** Header names are trimmed; `phone` and `text` match in any case. */
function readHeader(record: string[]): string[] {
  const names = record.map((name) => {
    const trimmed = name.trim();
    return /^(phone|text)$/i.test(trimmed) ? trimmed.toLowerCase() : trimmed;
  });
  if (!names.includes('phone')) {
    throw invalidInput(
      `the CSV header has no phone column (columns: ${names.map((n) => JSON.stringify(n)).join(', ') || 'none'})`,
      {
        code: 'batch.no_phone_column',
        hint: 'the first row names the columns; one must be "phone"',
      },
    );
  }
  const dup = names.find((name, i) => names.indexOf(name) !== i);
  if (dup !== undefined)
    throw invalidInput(`the CSV header names the column "${dup}" twice`, { code: 'batch.duplicate_column' });
  return names;
}

/** One JSON object per line; lines are split here (not readline) so this sits in a pipeline. */
function jsonlRows(): Transform {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let line = 0;
  const push = (stream: Transform, text: string) => {
    line++;
    if (text.trim() !== '') stream.push(jsonlRow(text.replace(/\r$/, ''), line));
  };
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, callback) {
      const parts = (carry + decoder.write(chunk)).split('\n');
      carry = parts.pop() ?? '';
      for (const part of parts) push(this, part);
      callback();
    },
    flush(callback) {
      const rest = carry + decoder.end();
      if (rest !== '') push(this, rest);
      callback();
    },
  });
}

function jsonlRow(text: string, line: number): InputRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, values: {}, error: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { line, values: {}, error: 'not a JSON object' };
  const values: Values = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object')
      return { line, values: {}, error: `"${key}" is not a string or number` };
    values[key] = v === null ? '' : String(v);
  }
  return { line, values };
}

function formatter(format: 'csv' | 'jsonl' | 'json', columns: InputColumns): Transform {
  if (format === 'csv') return csvFormatter(columns);
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(values: Values, _enc, callback) {
      const json = JSON.stringify(values);
      if (format === 'jsonl') callback(null, `${json}\n`);
      else {
        callback(null, `${first ? '[\n' : ',\n'}${json}`);
        first = false;
      }
    },
    flush(callback) {
      callback(null, format === 'json' ? (first ? '[]\n' : '\n]\n') : undefined);
    },
  });
}

/**
 * CSV out: the input columns (minus earlier result columns) then url, waId, error. The input columns are
 * the CSV header, or the keys of the first JSONL object: rows before it (lines that were no object) wait
 * for it, a bounded number of them, so that a bad first line does not drop every column after it.
 */
function csvFormatter(input: InputColumns): Transform {
  const isInput = (k: string) => !(RESULT_COLUMNS as readonly string[]).includes(k);
  let stringifier: ReturnType<typeof stringifyCsv> | null = null;
  const waiting: Values[] = [];
  const start = (out: Transform, names: readonly string[]) => {
    const started = stringifyCsv({ header: true, columns: [...names.filter(isInput), ...RESULT_COLUMNS] });
    started.on('data', (chunk: Buffer) => out.push(chunk));
    for (const values of waiting.splice(0)) started.write(values);
    return started;
  };
  return new Transform({
    writableObjectMode: true,
    transform(values: Values, _enc, callback) {
      if (stringifier === null) {
        const names = input.names ?? Object.keys(values).filter(isInput);
        if (names.length === 0 && waiting.length < MAX_ROWS_BEFORE_COLUMNS) {
          waiting.push(values);
          return callback();
        }
        stringifier = start(this, names);
      }
      stringifier.write(values, callback);
    },
    flush(callback) {
      stringifier ??= start(this, input.names ?? []);
      stringifier.end(() => callback());
    },
  });
}

async function openInput(path: string): Promise<Readable> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw fileError(err, path, 'read');
  }
  return handle.createReadStream();
}

interface OutputSink {
  stream: Writable;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** stdout, or a temp file beside the target renamed into place only when the whole batch is written. */
async function openOutput(deps: Deps, path: string): Promise<OutputSink> {
  if (path === '-') {
    const stdout = deps.io.stdout;
    const stream =
      (stdout.stream as Writable | undefined) ??
      new Writable({
        write(chunk, _enc, callback) {
          stdout.write(chunk);
          callback();
        },
      });
    // pipeline() must not end process.stdout; a wrapper keeps it open for the summary and exit
    const wrapper =
      stream === stdout.stream
        ? new Writable({
            write: (chunk, enc, cb) => (stream.write(chunk, enc) ? cb() : stream.once('drain', () => cb())),
          })
        : stream;
    return { stream: wrapper, commit: async () => {}, abort: async () => {} };
  }
  const temp = tempPathFor(path);
  let handle: FileHandle;
  try {
    handle = await open(temp, 'wx', 0o644);
  } catch (err) {
    throw fileError(err, path);
  }
  const stream = handle.createWriteStream();
  return {
    stream,
    commit: async () => {
      try {
        await rename(temp, path);
      } catch (err) {
        await rm(temp, { force: true });
        throw fileError(err, path);
      }
    },
    abort: async () => {
      stream.destroy();
      await rm(temp, { force: true });
    },
  };
}

function countBytes(counters: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      counters.bytes += chunk.length;
      callback(null, chunk);
    },
  });
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
          ? 'links {bar} {percentage}% | {rows} rows, {failed} failed'
          : 'links {rows} rows, {failed} failed',
      stream: stream as NodeJS.WritableStream,
      hideCursor: true,
      clearOnComplete: true,
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
