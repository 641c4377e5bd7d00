import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/core/cursor.js';
import { WaboxError } from '../../src/core/errors.js';

describe('cursor', () => {
  it('round-trips a position, including zero and the largest safe integers', () => {
    for (const p of [
      { at: 1764928800000, id: 1 },
      { at: 0, id: 0 },
      { at: Number.MAX_SAFE_INTEGER, id: Number.MAX_SAFE_INTEGER },
    ])
      expect(decodeCursor(encodeCursor(p))).toEqual(p);
    expect(encodeCursor({ at: 1764928800000, id: 42 })).toBe('misp1ds0.16');
  });

  it.each([
    '',
    'abc',
    'misp1ds0',
    'misp1ds0.',
    '.16',
    'MISP1DS0.16',
    'misp1ds0.16.1',
    'misp1ds0.-1',
    'zzzzzzzzzzz.1', // past Number.MAX_SAFE_INTEGER
    '1764928800000-42',
  ])('refuses %j with a usage error naming the flag', (text) => {
    let error: unknown;
    try {
      decodeCursor(text, '--before');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WaboxError);
    expect((error as WaboxError).message).toBe(`--before "${text}" is not a cursor wabox printed`);
    expect((error as WaboxError).code).toBe('usage.bad_cursor');
  });
});
