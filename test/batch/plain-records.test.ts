import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { plainRecords } from '../../src/batch/chunk.js';
import { random } from '../helpers/random.js';

/** csv-parse as the batch runs it on a chunk after the first of an input whose lines end with \n. */
function csvParse(text: string, delimiter: string): string[][] {
  return parseCsv(Buffer.from(text), {
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    delimiter,
    record_delimiter: '\n',
  }) as string[][];
}

describe('plainRecords: the records of plain CSV text, as csv-parse reads them', () => {
  it('reads quoted fields, doubled quotes, empty fields and lines, and a last line without \\n', () => {
    const text = '+91 98765 43210,"Hi {{name}}, order 1",Asha\n\n"say ""yes""",,"a\nb"\n,\nlast,"",x';
    expect(plainRecords(text, ',')).toEqual([
      ['+91 98765 43210', 'Hi {{name}}, order 1', 'Asha'],
      ['say "yes"', '', 'a\nb'],
      ['', ''],
      ['last', '', 'x'],
    ]);
    expect(plainRecords(text, ',')).toEqual(csvParse(text, ','));
  });

  it.each([
    ['a carriage return', 'a,b\r\nc,d\n'],
    ['a quote inside an unquoted field', 'a,b"c\n'],
    ['text after a closing quote', '"a"b,c\n'],
    ['a quote never closed', 'a,"b\n'],
  ])('leaves %s to csv-parse', (_, text) => {
    expect(plainRecords(text, ',')).toBeNull();
  });

  it.each([
    [',', 1],
    [';', 2],
    ['\t', 3],
  ])('agrees with csv-parse on random text whenever it reads it (delimiter %j)', (delimiter, seed) => {
    const tokens = ['a', 'bc', delimiter, delimiter, ',', '"', '"', '""', '\n', '\n', ' ', 'é', '😊', '\r'];
    const next = random(seed);
    let read = 0;
    for (let n = 0; n < 3000; n++) {
      let text = '';
      const length = Math.floor(next() * 40);
      for (let i = 0; i < length; i++) text += tokens[Math.floor(next() * tokens.length)];
      const records = plainRecords(text, delimiter);
      if (records === null) continue;
      read++;
      expect(records, JSON.stringify(text)).toEqual(csvParse(text, delimiter));
    }
    // the comparison is not vacuous: a good share of the texts is plain
    expect(read).toBeGreaterThan(300);
  });
});
