import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../../src/core/csv.js';

/** A seeded pseudo-random generator, so that a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

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
