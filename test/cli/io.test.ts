import { describe, expect, it } from 'vitest';
import { decideColor } from '../../src/cli/io.js';

describe('decideColor', () => {
  it.each([
    [{}, true, undefined, true],
    [{}, false, undefined, false],
    [{ NO_COLOR: '1' }, true, undefined, false],
    // https://no-color.org: an empty NO_COLOR does not count
    [{ NO_COLOR: '' }, true, undefined, true],
    [{ FORCE_COLOR: '1' }, false, undefined, true],
    [{ FORCE_COLOR: '3' }, false, undefined, true],
    [{ FORCE_COLOR: '0' }, true, undefined, false],
    [{ FORCE_COLOR: '' }, false, undefined, false],
    // FORCE_COLOR wins over NO_COLOR (chalk, Node)
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, undefined, true],
    [{ TERM: 'dumb' }, true, undefined, false],
    [{ FORCE_COLOR: '1', TERM: 'dumb' }, false, undefined, true],
    // --no-color wins over everything
    [{ FORCE_COLOR: '1' }, true, false, false],
    [{}, true, false, false],
  ])('%j on a TTY: %s, flag %s -> %s', (env, tty, flag, expected) => {
    expect(decideColor(env, tty, flag)).toBe(expected);
  });
});
