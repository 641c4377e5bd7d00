import { describe, expect, it } from 'vitest';
import { medianReplyMinutes, parseColor, parsePosition, validateLabel } from '../../src/core/widget.js';
import { thrownWaboxError } from '../helpers/assert.js';

function refused(fn: () => unknown, message: string) {
  const err = thrownWaboxError(fn);
  expect({ kind: err.kind, message: err.message }).toEqual({ kind: 'invalid-input', message });
}

describe('medianReplyMinutes', () => {
  it.each([
    [[], null],
    [[30], 1],
    [[0], 1],
    [[61], 2],
    [[600, 60, 240], 4],
    // an even count: the mean of the middle two, rounded up to a whole minute
    [[60, 120, 180, 6000], 3],
    [[60, 150], 2],
  ])('%j -> %j', (seconds, minutes) => {
    expect(medianReplyMinutes(seconds)).toBe(minutes);
  });
});

describe('flags', () => {
  it.each([
    ['#25D366', '#25d366'],
    ['25d366', '#25d366'],
    ['#2D6', '#22dd66'],
    [' #075e54 ', '#075e54'],
  ])('colour %j -> %j', (input, hex) => {
    expect(parseColor(input)).toBe(hex);
  });

  it.each(['green', '#12345', '#ggg', 'rgb(0,0,0)', ''])('colour %j is refused', (input) => {
    refused(() => parseColor(input), `invalid color "${input}"`);
  });

  it('position and label', () => {
    expect(parsePosition('left')).toBe('left');
    refused(() => parsePosition('Left'), 'invalid position "Left": use left or right');
    expect(validateLabel('  Ask us ')).toBe('Ask us');
    refused(() => validateLabel('x'.repeat(41)), 'the label must be 1-40 characters');
  });
});
