import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../../src/core/csv.js';
import { random } from '../helpers/random.js';

describe('csvLine', () => {
  it('writes what csv-stringify writes', () => {
    const next = random(7);
    const parts = ['a', ' ', ',', '"', '\n', '\r', 'é', '🙏', '=1', ''];
    for (let n = 0; n < 500; n++) {
      const fields = Array.from({ length: 1 + Math.floor(next() * 4) }, () =>
        Array.from({ length: Math.floor(next() * 5) }, () => parts[Math.floor(next() * parts.length)]).join(
          '',
        ),
      );
      expect(`${csvLine(fields, true)}\n`).toBe(stringifyCsv([fields]));
    }
  });
});
