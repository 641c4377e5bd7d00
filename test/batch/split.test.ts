import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { type Chunk, splitChunks } from '../../src/batch/split.js';
import { random } from '../helpers/random.js';

/** The input in pieces of 1 to `max` bytes, as a stream delivers it. */
async function* pieces(bytes: Buffer, max: number, next: () => number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(next() * max);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

const CSV_OPTIONS = {
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
} as const;

/**
 * The line each record starts on, from csv-parse's record info over the whole input (how the batch
 * numbered rows before it read in chunks): a record starts after the previous one ends and the empty
 * lines skipped since.
 */
function csvParseLines(bytes: Buffer): number[] {
  type At = { lines: number; empty_lines: number };
  const lines: number[] = [];
  let end = { lines: 0, empty: 0 };
  const startLine = (at: At) => {
    lines.push(end.lines + 1 + (at.empty_lines - end.empty));
    end = { lines: at.lines, empty: at.empty_lines };
  };
  let unclosed: At | null = null;
  const parsed = parseCsv(bytes, {
    ...CSV_OPTIONS,
    bom: true,
    info: true,
    on_skip: (err) => {
      unclosed = err as unknown as At;
    },
  }) as unknown as Array<{ info: At }>;
  for (const { info } of parsed) startLine(info);
  // the one record skipped, a quote never closed, is the last
  if (unclosed !== null) startLine(unclosed);
  return lines;
}

/** The chunks of a text given in pieces of up to 5 bytes. */
async function split(text: string, format: 'csv' | 'jsonl', chunkBytes: number): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  for await (const chunk of splitChunks(pieces(Buffer.from(text), 5, random(4)), { format, chunkBytes }))
    chunks.push(chunk);
  return chunks;
}

describe('splitChunks: chunks of whole CSV records', () => {
  const TOKENS = ['a', 'bc', ',', ',', '"', '"', '""', '\n', '\n', ' ', 'é', '😊', '+91'];
  const CR_TOKENS = [...TOKENS, '\r\n', '\r\n', '\r'];

  it.each([
    ['\\n line breaks', TOKENS, 1],
    ['\\n, \\r\\n and \\r line breaks', CR_TOKENS, 2],
  ])('cut at record ends where csv-parse finds them (%s)', async (_, tokens, seed) => {
    const next = random(seed);
    for (let n = 0; n < 300; n++) {
      let text = next() < 0.2 ? '\uFEFF' : '';
      const length = Math.floor(next() * 60);
      for (let i = 0; i < length; i++) text += tokens[Math.floor(next() * tokens.length)];
      const bytes = Buffer.from(text);
      const whole = parseCsv(bytes, { ...CSV_OPTIONS, bom: true }) as string[][];
      for (const chunkBytes of [1, 3, 8, 1000]) {
        const records: string[][] = [];
        const lines: number[] = [];
        let unreadable = 0;
        for await (const chunk of splitChunks(pieces(bytes, 7, next), { format: 'csv', chunkBytes })) {
          const own = parseCsv(Buffer.from(chunk.bytes), {
            ...CSV_OPTIONS,
            bom: chunk.index === 0,
            ...(chunk.delimiter === null ? {} : { record_delimiter: chunk.delimiter }),
            on_skip: () => {
              unreadable++;
            },
          }) as string[][];
          records.push(...own);
          lines.push(...(chunk.recordLines as Int32Array));
        }
        const context = `input ${JSON.stringify(text)}, chunks of ${chunkBytes} bytes`;
        expect(records, context).toEqual(whole);
        expect(lines.length, context).toBe(records.length + unreadable);
        // csv-parse counts \r\n in a quoted field as two lines; wabox counts lines as an editor does
        if (!text.includes('\r')) expect(lines, context).toEqual(csvParseLines(bytes));
      }
    }
  });

  it('numbers lines as an editor does: \\r\\n, \\n and a lone \\r each end one', async () => {
    const text = 'phone\r\n"a\r\nb"\r\n\r\nc\nd,"e\rf"\r\ng\r\n';
    const chunks = await split(text, 'csv', 1);
    expect(chunks.flatMap((c) => [...(c.recordLines as Int32Array)])).toEqual([1, 2, 5, 8]);
    expect(chunks.map((c) => c.delimiter)).toEqual(['\r\n', '\r\n', '\r\n', '\r\n']);
  });

  it('cuts JSONL at newlines and carries the line numbers on', async () => {
    const chunks = (await split('{"a":1}\n\n{"a":2}\n{"a":3}', 'jsonl', 4)).map((chunk) => ({
      text: Buffer.from(chunk.bytes).toString(),
      startLine: chunk.startLine,
      last: chunk.last,
    }));
    expect(chunks).toEqual([
      { text: '{"a":1}\n', startLine: 1, last: false },
      { text: '\n{"a":2}\n', startLine: 2, last: false },
      { text: '{"a":3}', startLine: 4, last: true },
    ]);
  });
});
