// The rows of one chunk of `wabox link --batch` input (split.ts) -> links -> output text. This is the one
// row logic of the batch: commands/link/batch.ts runs it in-process (small inputs, --jobs 1, QR batches)
// and worker.ts runs it on worker threads. No I/O; what goes in and comes out is plain data
// that can cross to a worker.
import { isUtf8 } from 'node:buffer';
import { parse as parseCsv } from 'csv-parse/sync';
import { csvField, csvLine, neutralizeFormula } from '../core/csv.js';
import { invalidInput } from '../core/errors.js';
import { linkForRow, type RowTemplate } from '../core/link-row.js';
import { ownValue } from '../core/placeholders.js';
import {
  findTemplate,
  normalizeLanguage,
  type RenderContext,
  renderTemplate,
  type Template,
} from '../core/template.js';
import { oneLine } from '../core/text.js';
import { type Chunk, CsvScanner } from './split.js';

type Values = Record<string, string>;

export interface ChunkContext {
  input: 'csv' | 'jsonl';
  output: 'csv' | 'jsonl' | 'json';
  template: RowTemplate;
  /**
   * Stored cta templates for the rows' text (`--template`, or a row's `template` and `lang` columns), and
   * what a render knows besides the row; null when neither is used.
   */
  templates: { library: Template[]; name: string | null; context: RenderContext } | null;
  /** CSV output without neutralising cells that a spreadsheet would run as formulas (--raw-csv). */
  rawCsv: boolean;
  /** The CSV header (the first record of the first chunk); null for JSONL. */
  header: string[] | null;
  /**
   * The input columns that CSV output writes before url, waId, error and warning: the CSV header, or the keys of
   * the first JSONL object (with keys) in the first chunks read.
   */
  columns: string[];
}

/** A row of the input and, once linked, its link or its error. */
export interface Row {
  line: number;
  values: Values;
  url: string;
  waId: string;
  /** Empty when the row has its link; set when it could not be read or linked. */
  error: string;
  warning: string | null;
}

/** A line for stderr about one row, in input order. */
export interface RowNote {
  line: number;
  message: string;
  warning: boolean;
}

export interface ChunkResult {
  /** The chunk's rows as output text (CSV lines, JSONL lines, or JSON array items joined by ",\n"). */
  output: string | Uint8Array;
  rows: number;
  failed: number;
  notes: RowNote[];
  /** The notes as stderr lines (noteLines()), when a worker wrote them. */
  noteLines?: string;
}

/**
 * How a stderr line about a row marks its `line N:` (or `line N: warning:`): the text before and after it,
 * terminal colour codes or nothing.
 */
export interface NoteStyle {
  error: readonly [string, string];
  warning: readonly [string, string];
}

const RESULT_COLUMNS = ['url', 'waId', 'error', 'warning'] as const;

/**
 * What the rows of every chunk need from the first chunks: the CSV header (checked: a phone column, no
 * name twice), and the input columns of CSV output (JSONL: the keys of the first object that has any).
 * Reads no more than that.
 */
export function contextFor(
  chunks: readonly Chunk[],
  options: Pick<ChunkContext, 'input' | 'output' | 'template' | 'rawCsv' | 'templates'>,
  phoneColumn?: string,
): ChunkContext {
  const first = chunks[0] as Chunk;
  if (options.input === 'jsonl') {
    for (const chunk of chunks) {
      const [row] = readJsonl(chunk, (row) => inputColumns(Object.keys(row.values)).length > 0);
      if (row) {
        const keys = Object.keys(row.values);
        const phone = findPhoneColumn(keys, phoneColumn) ?? phoneColumn ?? 'phone';
        const template = { ...options.template, phoneColumn: phone };
        return { ...options, template, header: null, columns: inputColumns(keys) };
      }
    }
    return { ...options, header: null, columns: [] };
  }
  if (!isUtf8(first.bytes)) {
    const bad = invalidRecords(first).get(0);
    if (bad !== undefined)
      throw invalidInput(`the CSV header is ${bad.replace(/: save.*/, '')}`, {
        code: 'batch.not_utf8',
        hint: 'save the file as UTF-8, or pass --encoding windows-1252 (or latin1)',
      });
  }
  const [record] = parseCsv(bufferOf(first), { ...csvOptions(first), to: 1 }) as string[][];
  if (record === undefined)
    throw invalidInput('the CSV input is empty: it needs a header row with a phone column', {
      code: 'batch.empty',
    });
  const header = readHeader(record, phoneColumn);
  const template = { ...options.template, phoneColumn: findPhoneColumn(header, phoneColumn) as string };
  return { ...options, template, header, columns: inputColumns(header) };
}

/** Reads, links and formats a chunk. */
export function processChunk(chunk: Chunk, ctx: ChunkContext): ChunkResult {
  return chunkResult(linkRows(readChunk(chunk, ctx), ctx.template, ctx.templates), ctx);
}

/** Fills in each row's link, or its error. */
export function linkRows(
  rows: Row[],
  template: RowTemplate,
  templates: ChunkContext['templates'] = null,
): Row[] {
  // a failed row keeps only its error's message: capturing a stack per refused row is wasted work
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (const row of rows) {
      if (row.error !== '') continue;
      try {
        const rendered = templates === null ? undefined : renderRow(row.values, template, templates);
        const link = linkForRow(row.values, template, rendered);
        row.url = link.url;
        row.waId = link.waId;
        row.warning = link.warning;
      } catch (err) {
        row.error = err instanceof Error ? err.message : String(err);
      }
    }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return rows;
}

/**
 * A row's text from a stored cta template: its `template` column, else --template; with a `lang` column,
 * the template `<name>-<lang>` (as the starter packs name them) or one named so in that language. The
 * row's columns (and --var) are its variables. Undefined when the row names no template.
 */
function renderRow(
  values: Readonly<Record<string, string>>,
  template: RowTemplate,
  templates: NonNullable<ChunkContext['templates']>,
): string | undefined {
  const name = ownValue(values, 'template')?.trim() || templates.name;
  if (name === null) return undefined;
  const lang = ownValue(values, 'lang')?.trim();
  let chosen: Template;
  if (lang) {
    const language = normalizeLanguage(lang);
    const named = templates.library.find(
      (t) => t.name.toLowerCase() === `${name}-${lang}`.toLowerCase() && t.language === language,
    );
    const same = templates.library.find(
      (t) => t.name.toLowerCase() === name.toLowerCase() && t.language === language,
    );
    if (named === undefined && same === undefined)
      throw invalidInput(`no cta template "${name}-${lang}", nor "${name}" in language ${language}`, {
        code: 'template.not_found',
      });
    chosen = (named ?? same) as Template;
  } else chosen = findTemplate(templates.library, name);
  const vars: Record<string, string> = { ...template.vars };
  // an empty cell leaves the template's default
  for (const [key, value] of Object.entries(values))
    if (value !== '' && key !== template.phoneColumn && key !== 'template' && key !== 'lang')
      vars[key] = value;
  const phone = ownValue(values, template.phoneColumn ?? 'phone');
  return renderTemplate(chosen, {
    ...templates.context,
    vars,
    contact: { name: ownValue(values, 'name') ?? null, phone: phone ?? null },
  }).text;
}

/** The output text, counts and stderr notes of linked rows. */
export function chunkResult(rows: Row[], ctx: ChunkContext): ChunkResult {
  const notes: RowNote[] = [];
  let failed = 0;
  for (const row of rows) {
    if (row.warning !== null) notes.push({ line: row.line, message: row.warning, warning: true });
    if (row.error !== '') {
      failed++;
      notes.push({ line: row.line, message: row.error, warning: false });
    }
  }
  return { output: formatRows(rows, ctx), rows: rows.length, failed, notes };
}

/** The stderr lines of notes, one a note, each made one safe line. */
export function noteLines(notes: readonly RowNote[], style: NoteStyle): string {
  let lines = '';
  for (const n of notes) {
    const [open, close] = n.warning ? style.warning : style.error;
    lines += `${open}line ${n.line}:${n.warning ? ' warning:' : ''}${close} ${oneLine(n.message)}\n`;
  }
  return lines;
}

// -- reading --------------------------------------------------------------------------------------------

export function readChunk(chunk: Chunk, ctx: ChunkContext): Row[] {
  if (chunk.oversized !== undefined) {
    const what = ctx.input === 'csv' ? 'record' : 'line';
    const size = chunk.oversized.toLocaleString('en');
    return [row(chunk.startLine, {}, `the ${what} is ${size} bytes, over the 1 MiB limit: skipped`)];
  }
  return ctx.input === 'csv' ? readCsv(chunk, ctx.header as string[]) : readJsonl(chunk);
}

function row(line: number, values: Values, error = ''): Row {
  return { line, values, url: '', waId: '', error, warning: null };
}

function bufferOf(chunk: Chunk): Buffer {
  return Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.length);
}

/** csv-parse's options; the record delimiter is the one found in the whole input. */
function csvOptions(chunk: Chunk) {
  return {
    bom: chunk.index === 0,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    delimiter: chunk.fieldDelimiter,
    ...(chunk.delimiter === null ? {} : { record_delimiter: chunk.delimiter }),
  };
}

/** csv-parse reads the whole chunk at once; the splitter told which line each record starts on. */
function readCsv(chunk: Chunk, header: string[]): Row[] {
  const lines = chunk.recordLines as Int32Array;
  const unreadable: string[] = [];
  const utf8 = isUtf8(chunk.bytes);
  const records =
    (utf8 && chunk.index > 0 && chunk.delimiter === '\n'
      ? plainRecords(bufferOf(chunk).toString('utf8'), chunk.fieldDelimiter)
      : null) ??
    (parseCsv(bufferOf(chunk), {
      ...csvOptions(chunk),
      // with these options the one record csv-parse skips is the last one: a quote never closed
      on_skip: (err) => {
        if (err) unreadable.push(`unreadable CSV: ${chunkLineNumbers(err, chunk)}`);
      },
    }) as string[][]);
  if (records.length + unreadable.length !== lines.length)
    throw new Error(
      `wabox found ${lines.length} CSV records in lines ${chunk.startLine}-${chunk.endLine}, csv-parse ${records.length + unreadable.length}`,
    );
  const notUtf8 = utf8 ? null : invalidRecords(chunk);
  const rows: Row[] = [];
  // the first chunk starts with the header
  for (let r = chunk.index === 0 ? 1 : 0; r < records.length; r++) {
    const bad = notUtf8?.get(r);
    if (bad !== undefined) {
      rows.push(row(lines[r] as number, {}, bad));
      continue;
    }
    const record = records[r] as string[];
    const values: Values = Object.create(null);
    for (let i = 0; i < header.length; i++) values[header[i] as string] = record[i] ?? '';
    rows.push(
      row(
        lines[r] as number,
        values,
        record.length === header.length
          ? ''
          : `has ${record.length} field${record.length === 1 ? '' : 's'}, the header has ${header.length}`,
      ),
    );
  }
  for (const [i, error] of unreadable.entries())
    rows.push(row(lines[records.length + i] as number, {}, error));
  return rows;
}

/**
 * The records of CSV text as csv-parse reads them (with the options above), when the text is plain: line
 * feeds only, and each field either unquoted without a quote, or quoted (`""` for a quote) and closed just
 * before a delimiter or the line's end. Null for anything else (a carriage return, a stray or unclosed
 * quote), which csv-parse reads. What most files are, read several times faster than csv-parse reads it.
 */
export function plainRecords(text: string, fieldDelimiter: string): string[][] | null {
  if (text.includes('\r')) return null;
  const delimiter = fieldDelimiter.charCodeAt(0);
  const records: string[][] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    // an empty line is no record (skip_empty_lines)
    if (text.charCodeAt(i) === LF) {
      i++;
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote === -1) return null;
          if (text.charCodeAt(quote + 1) !== QUOTE) {
            fields.push(value + text.slice(from, quote));
            i = quote + 1;
            break;
          }
          value += text.slice(from, quote + 1);
          from = quote + 2;
        }
      } else {
        const start = i;
        for (; i < n; i++) {
          const c = text.charCodeAt(i);
          if (c === delimiter || c === LF) break;
          if (c === QUOTE) return null;
        }
        fields.push(text.slice(start, i));
      }
      if (i >= n) break;
      const c = text.charCodeAt(i++);
      if (c === LF) break;
      if (c !== delimiter) return null;
    }
    records.push(fields);
  }
  return records;
}

const QUOTE = 0x22;

/**
 * The records of a chunk that are not valid UTF-8 (by index), each with its error. csv-parse would read
 * each bad byte as U+FFFD: the row is refused instead, so that no link silently holds one.
 */
function invalidRecords(chunk: Chunk): Map<number, string> {
  const scanner = new CsvScanner();
  scanner.delimiter = chunk.delimiter;
  scanner.fieldDelimiter = chunk.fieldDelimiter.charCodeAt(0);
  const bytes = chunk.bytes;
  const from = chunk.index === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  scanner.scan(bytes, from, bytes.length, true);
  const bad = new Map<number, string>();
  let start = from;
  for (const [r, end] of scanner.ends.entries()) {
    const record = bytes.subarray(start, end);
    if (!isUtf8(record)) bad.set(r, notUtf8Message(record));
    start = end;
  }
  return bad;
}

export function notUtf8Message(bytes: Uint8Array): string {
  const at = firstInvalidUtf8(bytes);
  const byte = (bytes[at] as number).toString(16).toUpperCase().padStart(2, '0');
  return `not valid UTF-8 (byte 0x${byte}): save the file as UTF-8, or pass --encoding windows-1252 (or latin1)`;
}

/** The offset of the first byte that does not begin a valid UTF-8 sequence (-1 when all are valid). */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i] as number;
    const n =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (n === -1 || (n > 0 && i + n >= b.length)) return i;
    const c1 = b[i + 1] as number;
    // overlong forms, UTF-16 surrogates and code points over U+10FFFF
    if (
      n > 0 &&
      ((c === 0xe0 && c1 < 0xa0) ||
        (c === 0xed && c1 >= 0xa0) ||
        (c === 0xf0 && c1 < 0x90) ||
        (c === 0xf4 && c1 >= 0x90))
    )
      return i;
    for (let k = 1; k <= n; k++) if (((b[i + k] as number) & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

/** csv-parse counts lines from the chunk's start; a quote never closed is reported where the input ends. */
function chunkLineNumbers(err: Error & { code?: string }, chunk: Chunk): string {
  return err.message.replace(/\bat line (\d+)/, (_, n: string) =>
    err.code === 'CSV_QUOTE_NOT_CLOSED'
      ? `at line ${chunk.endLine}`
      : `at line ${chunk.startLine - 1 + Number(n)}`,
  );
}

/** Header names are trimmed; `phone` and `text` match in any case; a phone column is found (see below). */
function readHeader(record: string[], phoneColumn: string | undefined): string[] {
  const names = record.map((name) => {
    const trimmed = name.trim();
    return /^(phone|text)$/i.test(trimmed) ? trimmed.toLowerCase() : trimmed;
  });
  const list = names.map((n) => JSON.stringify(n)).join(', ') || 'none';
  if (phoneColumn !== undefined && !names.includes(phoneColumn))
    throw invalidInput(`--phone-column "${phoneColumn}" is not a column of the input (columns: ${list})`, {
      code: 'usage.unknown_column',
    });
  if (findPhoneColumn(names, phoneColumn) === undefined) {
    throw invalidInput(`the CSV header has no phone column (columns: ${list})`, {
      code: 'batch.no_phone_column',
      hint: 'the first row names the columns: one must be phone, Phone Number, Mobile, WhatsApp or Tel, or name it with --phone-column',
    });
  }
  const dup = names.find((name, i) => names.indexOf(name) !== i);
  if (dup !== undefined)
    throw invalidInput(`the CSV header names the column "${dup}" twice`, { code: 'batch.duplicate_column' });
  return names;
}

/** Header names that hold the number, compared in lower case without spaces, `_`, `-` or `.`. */
const PHONE_NAMES = new Set([
  'phonenumber',
  'phoneno',
  'mobile',
  'mobilenumber',
  'mobileno',
  'whatsapp',
  'whatsappnumber',
  'tel',
  'telephone',
]);

/**
 * The phone column: the one given, else `phone`, else the one column whose name is a usual name for it
 * (`Mobile Number`, `WhatsApp`, `Tel`...). Two such columns and no `phone` are a usage error.
 */
function findPhoneColumn(names: readonly string[], given: string | undefined): string | undefined {
  if (given !== undefined) return names.includes(given) ? given : undefined;
  if (names.includes('phone')) return 'phone';
  const found = names.filter((name) => PHONE_NAMES.has(name.toLowerCase().replace(/[\s_.-]+/g, '')));
  if (found.length > 1)
    throw invalidInput(
      `the columns ${found.map((n) => JSON.stringify(n)).join(' and ')} could each be the phone column`,
      { code: 'batch.ambiguous_phone_column', hint: `choose one with --phone-column "${found[0]}"` },
    );
  return found[0];
}

/** One JSON object per line; blank lines are skipped. With `until`, stops after the first row it accepts. */
function readJsonl(chunk: Chunk, until?: (row: Row) => boolean): Row[] {
  const rows: Row[] = [];
  let line = chunk.startLine;
  const buffer = bufferOf(chunk);
  const parts = isUtf8(buffer) ? buffer.toString('utf8').split('\n') : splitBytes(buffer);
  for (const part of parts) {
    if (typeof part !== 'string') {
      rows.push(row(line++, {}, notUtf8Message(part)));
      continue;
    }
    if (part.trim() !== '') {
      const next = jsonlRow(part.replace(/\r$/, ''), line);
      if (until === undefined) rows.push(next);
      else if (until(next)) return [next];
    }
    line++;
  }
  return rows;
}

/** Lines as text, and the bytes of those that are not valid UTF-8. */
function splitBytes(buffer: Buffer): Array<string | Buffer> {
  const parts: Array<string | Buffer> = [];
  for (let from = 0; from <= buffer.length; ) {
    const at = buffer.indexOf(LF, from);
    const part = buffer.subarray(from, at === -1 ? buffer.length : at);
    parts.push(isUtf8(part) ? part.toString('utf8') : part);
    if (at === -1) break;
    from = at + 1;
  }
  return parts;
}

const LF = 0x0a;

function jsonlRow(text: string, line: number): Row {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return row(line, {}, 'not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return row(line, {}, 'not a JSON object');
  const values: Values = Object.create(null);
  for (const [key, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object') return row(line, {}, `"${key}" is not a string or number`);
    values[key] = v === null ? '' : String(v);
  }
  return row(line, values);
}

// -- writing --------------------------------------------------------------------------------------------

/** The header line of CSV output: the input columns, then url, waId, error, warning. */
export function csvHeader(ctx: ChunkContext): string {
  return `${csvLine([...ctx.columns, ...RESULT_COLUMNS], ctx.rawCsv)}\n`;
}

/** Input columns named like a result column are replaced by the result (a batch run on its own output). */
function inputColumns(names: readonly string[]): string[] {
  return names.filter((name) => !(RESULT_COLUMNS as readonly string[]).includes(name));
}

function formatRows(rows: Row[], ctx: ChunkContext): string {
  let out = '';
  if (ctx.output === 'csv') {
    const columns = ctx.columns;
    const cell = ctx.rawCsv ? csvField : (value: string) => csvField(neutralizeFormula(value));
    for (const row of rows) {
      for (const name of columns) out += `${cell(row.values[name] ?? '')},`;
      // a url is percent-encoded and a waId digits: neither needs quotes nor starts a formula
      out += `${row.url},${row.waId},${cell(row.error)},${cell(row.warning ?? '')}\n`;
    }
    return out;
  }
  for (const [i, row] of rows.entries()) {
    const json = JSON.stringify({
      ...row.values,
      url: row.url,
      waId: row.waId,
      error: row.error,
      warning: row.warning ?? '',
    });
    out += ctx.output === 'jsonl' ? `${json}\n` : i === 0 ? json : `,\n${json}`;
  }
  return out;
}
