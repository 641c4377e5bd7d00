// Cuts `wabox link --batch` input into chunks of whole records, so that the rows of a chunk can be read on
// a worker thread while the main thread reads on (commands/link/batch.ts). CSV records end at a record delimiter
// outside quotes, found as csv-parse finds it with the options of chunk.ts: `"` quotes a field
// only at its start (relax_quotes), `""` in a quoted field is a quote, and the record delimiter is the
// first line break outside quotes (\r\n, \n or \r). JSONL lines end at every \n (JSON strings hold no raw
// newline). Each chunk carries its line numbers, counted as an editor counts lines: \r\n, \n and a lone
// \r each end one (csv-parse's own count sees two breaks in a \r\n inside a quoted field).
import { StringDecoder } from 'node:string_decoder';
import { invalidInput } from '../core/errors.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

export type RecordDelimiter = '\n' | '\r\n' | '\r';

export interface Chunk {
  /** 0 for the first chunk, which holds the CSV header and may start with a byte order mark. */
  index: number;
  bytes: Uint8Array;
  /** CSV: the line each record starts on (the header's too in chunk 0); JSONL: null. */
  recordLines: Int32Array | null;
  /** The line of the chunk's first byte. */
  startLine: number;
  /** The line of its last byte (a final line break belongs to the line it ends). */
  endLine: number;
  /** CSV: the record delimiter of the whole input (null when it has no line break outside quotes). */
  delimiter: RecordDelimiter | null;
  /** CSV: the field delimiter, given or found in the first line. */
  fieldDelimiter: string;
  /** Whether the input ends with this chunk. */
  last: boolean;
  /**
   * Set on a chunk that stands for one record over the size limit, skipped: its size in bytes (`bytes`
   * is then empty and `recordLines` holds its line).
   */
  oversized?: number;
}

/** A record (CSV) or line (JSONL) longer than this is reported as a bad row and skipped, unread. */
export const MAX_RECORD_BYTES = 1024 * 1024;

// csv-parse's stream on the main thread feeding the workers took 1.36x and 1.18x this (bench/link-batch.mjs).
/**
 * Follows CSV bytes as csv-parse reads them, to find where records end and which line each starts on.
 * Feed it the input's bytes in order with scan(); it keeps its state between calls.
 */
export class CsvScanner {
  /** The line of the next byte. */
  line = 1;
  /** The byte between fields: `,` unless the input is `;`- or tab-separated. */
  fieldDelimiter = COMMA;
  delimiter: RecordDelimiter | null = null;
  /**
   * The records scanned, from `taken` on not taken yet: the line each starts on, its end (the input offset
   * after its record delimiter), and the line after it.
   */
  starts: number[] = [];
  ends: number[] = [];
  nextLines: number[] = [];
  taken = 0;
  /** The input offset where the last record ended (where a record in progress began, or before it). */
  lastEnd = 0;
  #quoting = false;
  /** Nothing of the current field read yet (csv-parse opens a quote only there). */
  #fieldEmpty = true;
  /** Nothing of the current record read yet: a record delimiter then ends an empty line, no record. */
  #recordEmpty = true;
  #recordLine = 0;

  /**
   * Scans buf[from, to), where buf[0] is at input offset `offset`, and returns where it stopped: at `to`,
   * or earlier (at a `"` in a quoted field, or a \r) when the byte after `to` decides what that byte means
   * and `end` is false: scan again from there with more bytes. With `end` true the input ends at `to`, and
   * a record in progress is a record.
   */
  scan(buf: Uint8Array, from: number, to: number, end: boolean, offset = 0): number {
    let i = from;
    for (; i < to; i++) {
      const c = buf[i] as number;
      if (this.#quoting) {
        if (c === QUOTE) {
          if (i + 1 === to && !end) return i;
          // "" is a quote in the field; a quote before anything else closes it (relax_quotes keeps a
          // stray one as text, but the field is closed all the same)
          if (i + 1 < to && buf[i + 1] === QUOTE) i++;
          else this.#quoting = false;
        } else if (c === LF) this.line++;
        else if (c === CR) {
          if (i + 1 === to && !end) return i;
          if (i + 1 === to || buf[i + 1] !== LF) this.line++;
        }
        continue;
      }
      if (c === this.fieldDelimiter) {
        this.#content();
        this.#fieldEmpty = true;
        continue;
      }
      if (c === QUOTE) {
        if (this.#fieldEmpty) this.#quoting = true;
        this.#content();
        continue;
      }
      if (c !== LF && c !== CR) {
        if (this.#recordEmpty) this.#content();
        else this.#fieldEmpty = false;
        continue;
      }
      if (c === CR && i + 1 === to && !end) return i;
      const crlf = c === CR && i + 1 < to && buf[i + 1] === LF;
      this.delimiter ??= crlf ? '\r\n' : c === LF ? '\n' : '\r';
      if (this.delimiter === '\r\n' ? crlf : c === this.delimiter.charCodeAt(0)) {
        if (this.delimiter === '\r\n') i++;
        // \r\n is one line break, also in a \r file, where its \n is text of the next record
        if (!crlf || this.delimiter === '\r\n') this.line++;
        if (!this.#recordEmpty) this.#record(offset + i + 1);
        this.#fieldEmpty = true;
        continue;
      }
      // a line break that is not the record delimiter is text of the field (\n in a \r\n file)
      this.#content();
      if (!crlf) this.line++;
    }
    if (end && (!this.#recordEmpty || this.#quoting)) this.#record(offset + to);
    return i;
  }

  /** The records not taken yet. */
  get pending(): number {
    return this.starts.length - this.taken;
  }

  /** Takes the next `count` records: their start lines, and the line after the last one. */
  take(count: number): { lines: Int32Array; nextLine: number } {
    const from = this.taken;
    this.taken += count;
    const lines = Int32Array.from(this.starts.slice(from, this.taken));
    const nextLine = count === 0 ? this.line : (this.nextLines[this.taken - 1] as number);
    // drop what was taken now and then (not on every take: that would move the rest each time)
    if (this.taken >= 4096) {
      this.starts.splice(0, this.taken);
      this.ends.splice(0, this.taken);
      this.nextLines.splice(0, this.taken);
      this.taken = 0;
    }
    return { lines, nextLine };
  }

  /** How many of the records not taken yet end at or before input offset `at`, counting until one reaches it. */
  recordsUntil(at: number): number {
    for (let i = this.taken; i < this.ends.length; i++)
      if ((this.ends[i] as number) >= at) return i + 1 - this.taken;
    return -1;
  }

  /** Whether a record has begun and not ended. */
  get inRecord(): boolean {
    return !this.#recordEmpty;
  }

  /** The line the record in progress began on. */
  get recordLine(): number {
    return this.#recordLine;
  }

  #record(end: number): void {
    this.lastEnd = end;
    this.starts.push(this.#recordLine);
    this.ends.push(end);
    this.nextLines.push(this.line);
    this.#recordEmpty = true;
  }

  #content(): void {
    if (this.#recordEmpty) {
      this.#recordEmpty = false;
      this.#recordLine = this.line;
    }
    this.#fieldEmpty = false;
  }
}

export interface SplitOptions {
  format: 'csv' | 'jsonl';
  /** A chunk ends with the first record that reaches this many bytes (the last one at the input's end). */
  chunkBytes: number;
  /** Called with the size of every piece read (for a progress bar). */
  onRead?: (bytes: number) => void;
  /** Records longer than this are skipped (MAX_RECORD_BYTES by default). */
  maxRecordBytes?: number;
  /** CSV: the field delimiter; by default the one of `,` `;` and tab found most in the first line. */
  fieldDelimiter?: string;
  /** A single-byte encoding to convert from; by default the input is UTF-8 (or UTF-16LE with its BOM). */
  encoding?: InputEncoding;
}

export type InputEncoding = 'utf-8' | 'windows-1252' | 'latin1';

/**
 * Splits an input stream into chunks of whole records, reading ahead no more than a chunk and a piece.
 * A record over maxRecordBytes becomes a chunk of its own with `oversized` set and no bytes: its bytes
 * are dropped as they are read, so memory stays bounded whatever the input. A UTF-16LE input (a FF FE byte order mark, as some spreadsheets save "Unicode" CSV) is read as UTF-8.
 */
export async function* splitChunks(
  input: AsyncIterable<Buffer | string>,
  options: SplitOptions,
): AsyncGenerator<Chunk> {
  const csv = options.format === 'csv' ? new CsvScanner() : null;
  /** Bytes read and not yet in a chunk are buf[start, end); buf[0] is at input offset `offset`. */
  let buf = Buffer.allocUnsafe(Math.max(options.chunkBytes * 2, 1 << 16));
  let start = 0;
  let end = 0;
  let offset = 0;
  /** Where the CSV scanner goes on. */
  let scanned = 0;
  /** The line of buf[start]. */
  let line = 1;
  let index = 0;
  const take = (size: number, last: boolean, records: number): Chunk => {
    const bytes = Buffer.allocUnsafeSlow(size); // not from Buffer's shared pool: it moves to a worker
    buf.copy(bytes, 0, start, start + size);
    start += size;
    const startLine = line;
    let recordLines: Int32Array | null = null;
    if (csv) {
      const taken = csv.take(records);
      recordLines = taken.lines;
      line = last ? csv.line : taken.nextLine;
    } else {
      for (let at = bytes.indexOf(LF); at !== -1; at = bytes.indexOf(LF, at + 1)) line++;
    }
    const lastByte = bytes[size - 1];
    const endLine = size === 0 ? startLine : lastByte === LF || lastByte === CR ? line - 1 : line;
    return {
      index: index++,
      bytes,
      recordLines,
      startLine,
      endLine,
      delimiter: csv?.delimiter ?? null,
      fieldDelimiter: String.fromCharCode(csv?.fieldDelimiter ?? COMMA),
      last,
    };
  };
  /** The size and records of the next chunk when one is ready, else null. */
  const nextCut = (): { size: number; records: number } | null => {
    if (csv) {
      // the chunk ends with the first record that reaches chunkBytes (the first chunk holds the header)
      const records = csv.recordsUntil(offset + start + options.chunkBytes);
      return records === -1
        ? null
        : { size: (csv.ends[csv.taken + records - 1] as number) - offset - start, records };
    }
    if (end - start < options.chunkBytes) return null;
    const at = buf.subarray(0, end).indexOf(LF, start + options.chunkBytes - 1);
    return at === -1 ? null : { size: at + 1 - start, records: 0 };
  };
  const maxRecord = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  /** The record being dropped, over maxRecord: its line and the bytes dropped so far. */
  let skipping: { line: number; bytes: number } | null = null;
  /** The chunk standing for a skipped record. */
  const oversized = (bytes: number, endLine: number, last: boolean): Chunk => ({
    index: index++,
    bytes: Buffer.allocUnsafeSlow(0),
    recordLines: Int32Array.of((skipping as { line: number }).line),
    startLine: (skipping as { line: number }).line,
    endLine,
    delimiter: csv?.delimiter ?? null,
    fieldDelimiter: String.fromCharCode(csv?.fieldDelimiter ?? COMMA),
    last,
    oversized: bytes,
  });
  /**
   * Drops the bytes of a record over maxRecord as they come, and yields its chunk once it ends; starts
   * dropping one when the record in progress grows over maxRecord (after cutting the records before it).
   */
  function* limitRecords(final: boolean): Generator<Chunk> {
    if (csv) {
      if (skipping !== null) {
        if (csv.pending > 0) {
          const recordEnd = (csv.ends[csv.taken] as number) - offset;
          const bytes = skipping.bytes + recordEnd - start;
          start = recordEnd;
          line = csv.take(1).nextLine;
          yield oversized(bytes, line - 1, final && csv.pending === 0 && start === end);
          skipping = null;
        } else {
          skipping.bytes += scanned - start;
          start = scanned;
        }
      }
      if (skipping === null && csv.inRecord && offset + scanned - csv.lastEnd > maxRecord) {
        if (csv.pending === 0 && index === 0)
          throw invalidInput(`the CSV header is over ${maxRecord} bytes`, { code: 'batch.record_too_long' });
        if (csv.pending > 0) yield take(csv.lastEnd - offset - start, false, csv.pending);
        skipping = { line: csv.recordLine, bytes: scanned - start };
        start = scanned;
      }
      return;
    }
    if (skipping !== null) {
      const at = buf.subarray(0, end).indexOf(LF, start);
      if (at === -1 && !final) {
        skipping.bytes += end - start;
        start = end;
        return;
      }
      const stop = at === -1 ? end : at + 1;
      const bytes = skipping.bytes + stop - start;
      start = stop;
      line++;
      yield oversized(bytes, line - 1, final && start === end);
      skipping = null;
    }
    const lineStart = buf.subarray(0, end).lastIndexOf(LF, end - 1) + 1;
    if (end - Math.max(lineStart, start) > maxRecord) {
      if (lineStart > start) yield take(lineStart - start, false, 0);
      skipping = { line, bytes: end - start };
      start = end;
    }
  }
  let bomSkipped = false;
  /** csv-parse drops a UTF-8 byte order mark (option bom): the scanner starts after it too. */
  let delimiterFound = options.fieldDelimiter !== undefined;
  if (csv && options.fieldDelimiter !== undefined) csv.fieldDelimiter = options.fieldDelimiter.charCodeAt(0);
  const skipBom = (last: boolean): boolean => {
    // the field delimiter comes from the first line (or its first 64 KB), read before any scanning
    if (csv && !delimiterFound) {
      const lineEnd = buf.subarray(0, end).indexOf(LF);
      if (lineEnd === -1 && !last && end < 1 << 16) return false;
      csv.fieldDelimiter = guessDelimiter(buf.subarray(0, lineEnd === -1 ? end : lineEnd));
      delimiterFound = true;
    }
    if (!bomSkipped && (end >= 3 || last)) {
      bomSkipped = true;
      if (end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        scanned = 3;
        if (csv) csv.lastEnd = 3;
      }
    }
    return bomSkipped;
  };
  for await (const piece of utf8(input, options.encoding ?? 'utf-8')) {
    options.onRead?.(piece.length);
    // what is left moves to the front once per piece read, not once per chunk
    if (start > 0) {
      buf.copyWithin(0, start, end);
      end -= start;
      scanned -= start;
      offset += start;
      start = 0;
    }
    if (end + piece.length > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, end + piece.length));
      buf.copy(bigger, 0, 0, end);
      buf = bigger;
    }
    piece.copy(buf, end);
    end += piece.length;
    if (csv && skipBom(false)) scanned = csv.scan(buf, scanned, end, false, offset);
    if (!csv || bomSkipped) yield* limitRecords(false);
    for (let cut = nextCut(); cut !== null; cut = nextCut()) yield take(cut.size, false, cut.records);
  }
  if (csv && skipBom(true)) scanned = csv.scan(buf, scanned, end, true, offset);
  if (skipping !== null) yield* limitRecords(true);
  if (end > start || (index === 0 && skipping === null)) yield take(end - start, true, csv?.pending ?? 0);
}

/** The most frequent of `,` `;` and tab outside quotes in a header line; `,` when none or a tie. */
function guessDelimiter(line: Uint8Array): number {
  const counts = new Map<number, number>([
    [COMMA, 0],
    [0x3b, 0],
    [0x09, 0],
  ]);
  let quoting = false;
  for (const c of line) {
    if (c === QUOTE) quoting = !quoting;
    else if (!quoting && counts.has(c)) counts.set(c, (counts.get(c) as number) + 1);
  }
  let best = COMMA;
  for (const [c, n] of counts) if (n > (counts.get(best) as number)) best = c;
  return best;
}

/**
 * Windows-1252's characters at 0x80-0x9F, where latin1 has C1 controls (Node's TextDecoder reads
 * windows-1252 as latin1); the five bytes it leaves undefined stay as they are, as WHATWG decodes them.
 */
const WINDOWS_1252 =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

function windows1252(char: string): string {
  return WINDOWS_1252[char.charCodeAt(0) - 0x80] as string;
}

/**
 * The input as UTF-8 bytes: a single-byte `encoding` is converted; else UTF-16LE with its byte order mark
 * is decoded, and anything else goes as it is (invalid UTF-8 is found row by row, chunk.ts).
 */
async function* utf8(input: AsyncIterable<Buffer | string>, encoding: InputEncoding): AsyncGenerator<Buffer> {
  if (encoding !== 'utf-8') {
    // both are one byte a character, so a piece converts on its own
    for await (const raw of input) {
      const text = (typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw).toString('latin1');
      yield Buffer.from(encoding === 'latin1' ? text : text.replace(/[\x80-\x9f]/g, windows1252));
    }
    return;
  }
  let head: Buffer | null = Buffer.alloc(0);
  let utf16: StringDecoder | null = null;
  for await (const raw of input) {
    let piece = typeof raw === 'string' ? Buffer.from(raw) : raw;
    if (head !== null) {
      head = Buffer.concat([head, piece]);
      if (head.length < 2) continue;
      piece = head;
      head = null;
      if (piece[0] === 0xff && piece[1] === 0xfe) {
        utf16 = new StringDecoder('utf16le');
        piece = piece.subarray(2);
      }
    }
    yield utf16 ? Buffer.from(utf16.write(piece)) : piece;
  }
  if (head !== null && head.length > 0) yield head;
  if (utf16) yield Buffer.from(utf16.end());
}
