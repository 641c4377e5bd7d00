import { describe, expect, it } from 'vitest';
import {
  consecutiveRuns,
  cutGraphemes,
  formatDuration,
  graphemes,
  jsonSafe,
  localTime,
  MAX_MARKS,
  oneLine,
  preview,
  safeLines,
  safeOutput,
  TEXT_LIMIT,
  truncate,
} from '../../src/core/text.js';

const ESC = '\u001b';

describe('oneLine', () => {
  it('shows C0, DEL and C1 controls as escapes, newline and tab too', () => {
    expect(oneLine(`a${ESC}]0;pwned\u0007b`)).toBe('a\\x1b]0;pwned\\x07b');
    expect(oneLine('Asha\nBob\tC\rD')).toBe('Asha\\nBob\\tC\\rD');
    expect(oneLine('x\u007fy\u009b6n\u0085')).toBe('x\\x7fy\\x9b6n\\x85');
    expect(oneLine('\u0000')).toBe('\\x00');
  });

  it('shows bidi overrides, isolates, marks and separators as \\u escapes', () => {
    expect(oneLine('Ann \u202Eevil\u202C +91')).toBe('Ann \\u202eevil\\u202c +91');
    expect(oneLine('\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u2028\u2029')).toBe(
      '\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c\\u2028\\u2029',
    );
    expect(oneLine('\ud800x')).toBe('\\ud800x');
  });

  it('leaves ordinary text alone: scripts, emoji with joiners, combining marks, backslashes', () => {
    for (const text of [
      'Asha Rao',
      'नमस्ते दुनिया',
      'مرحبا بالعالم',
      'שָׁלוֹם',
      'Tiếng Việt',
      '👩‍👩‍👧 family 🇮🇳',
      'C:\\path\\x1b literally',
    ])
      expect(oneLine(text)).toBe(text);
  });

  it(`keeps at most ${MAX_MARKS} combining marks on a letter (Zalgo text)`, () => {
    const zalgo = `Z${'\u0301\u0302\u0303'.repeat(10)}a`;
    expect(oneLine(zalgo)).toBe(`Z${'\u0301\u0302\u0303'.repeat(2)}a`);
    expect(oneLine('e\u0301\u0302')).toBe('e\u0301\u0302');
  });
});

describe('safeLines', () => {
  it('splits on \\n and \\r\\n; a lone \\r and every other control is escaped', () => {
    expect(safeLines('one\r\ntwo\nthree\rover\u001b[2J')).toEqual(['one', 'two', 'three\\rover\\x1b[2J']);
  });
});

describe('truncate', () => {
  it('keeps text that fits; escapes count with their visible length', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate(`a${ESC}b`, 6)).toBe('a\\x1bb');
  });

  it('cuts with an ellipsis, never inside an escape', () => {
    const text = `abc${ESC}[2Jdef`;
    for (let width = 1; width <= 12; width++) {
      const out = truncate(text, width);
      expect([...out].length, `width ${width}`).toBeLessThanOrEqual(Math.max(1, width));
      const cut = out.endsWith('…') ? out.slice(0, -1) : out;
      // the escape \x1b is kept whole or left out whole
      const whole = ['a', 'b', 'c', '\\x1b', '[', '2', 'J', 'd', 'e', 'f'];
      const prefixes = whole.map((_, i) => whole.slice(0, i).join(''));
      expect(prefixes).toContain(cut);
    }
    expect(truncate(text, 6)).toBe('abc…');
    expect(truncate(text, 7)).toBe('abc…');
    expect(truncate(text, 8)).toBe('abc\\x1b…');
  });

  it('cuts between grapheme clusters: combining marks, ZWJ emoji and flags stay whole', () => {
    const text = 'e\u0301e\u0301e\u0301e\u0301';
    expect(truncate(text, 3)).toBe('e\u0301e\u0301…');
    expect(truncate('👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧', 5)).toBe('👩‍👩‍👧👩‍👩‍👧…');
    expect(truncate('🇮🇳🇬🇧🇺🇸', 4)).toBe('🇮🇳…');
    for (let width = 1; width <= 8; width++) {
      const out = truncate(`x${'a\u0308'.repeat(6)}`, width).replace(/…$/, '');
      for (const g of graphemes(out)) expect(g === 'x' || g === 'a\u0308').toBe(true);
    }
  });

  it('counts wide characters as two columns', () => {
    expect(truncate('日本語のテキスト', 7)).toBe('日本語…');
    expect(truncate('日本語', 6)).toBe('日本語');
  });

  it('puts newlines and tabs on the line as escapes', () => {
    expect(truncate('Great\nand a card', 40)).toBe('Great\\nand a card');
  });
});

describe('cutGraphemes', () => {
  it('cuts the exact text on whole clusters, unescaped', () => {
    expect(cutGraphemes(`ab${ESC}cd`, 10)).toBe(`ab${ESC}cd`);
    expect(cutGraphemes('e\u0301'.repeat(5), 3)).toBe('e\u0301e\u0301…');
  });
});

describe('safeOutput', () => {
  it("keeps the layout's line breaks and tabs, escapes every other control", () => {
    expect(safeOutput(`a\tb\nc${ESC}]52;c;eA==\u0007\u202e`, { sgr: false })).toBe(
      'a\tb\nc\\x1b]52;c;eA==\\x07\\u202e',
    );
  });

  it('keeps colour codes (SGR) only when colour is on; other CSI never', () => {
    const red = `${ESC}[31mred${ESC}[39m`;
    expect(safeOutput(red, { sgr: true })).toBe(red);
    expect(safeOutput(red, { sgr: false })).toBe('\\x1b[31mred\\x1b[39m');
    expect(safeOutput(`${ESC}[2J${ESC}[6n`, { sgr: true })).toBe('\\x1b[2J\\x1b[6n');
  });
});

describe('jsonSafe', () => {
  it('writes DEL, C1 and bidi controls as \\u escapes; the parsed value is unchanged', () => {
    const value = { name: `a\u009b\u0085\u007f\u202e\u2066\u2028${ESC}z`, n: 1 };
    const json = jsonSafe(JSON.stringify(value));
    expect(json).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('preview', () => {
  it.each([
    ['Hi Asha', 20, 'Hi Asha'],
    ['Hi Asha,\nsee you at 5', 40, 'Hi Asha, ⏎ see you at 5'],
    ['line one\r\nline two', 40, 'line one ⏎ line two'],
    ['Hi Asha,\nsee you at 5', 12, 'Hi Asha, ⏎ …'],
    ['tab\there\rcr', 40, 'tab\\there\\rcr'],
    ['', 10, ''],
  ])('%j at %d columns -> %j', (body, width, expected) => {
    expect(preview(body, width)).toBe(expected);
  });
});

describe('localTime', () => {
  // built from the machine's own wall clock, so the table holds in any zone
  const at = (y: number, mo: number, d: number, h: number, mi: number, s: number) =>
    new Date(y, mo - 1, d, h, mi, s).toISOString();
  it.each([
    [at(2025, 6, 1, 14, 5, 9), false, '2025-06-01 14:05'],
    [at(2025, 6, 1, 14, 5, 9), true, '2025-06-01 14:05:09'],
    [at(2025, 12, 31, 0, 0, 0), false, '2025-12-31 00:00'],
    [at(2026, 1, 2, 3, 4, 5), true, '2026-01-02 03:04:05'],
  ])('%s (seconds: %s) -> %s', (iso, seconds, expected) => {
    expect(localTime(iso, seconds)).toBe(expected);
  });

  it('leaves the seconds out by default', () => {
    expect(localTime(at(2025, 6, 1, 9, 30, 59))).toBe('2025-06-01 09:30');
  });
});

describe('formatDuration', () => {
  it.each([
    [-5_000, '0s'],
    [0, '0s'],
    [999, '0s'],
    [45_000, '45s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [12 * 60_000 + 59_000, '12m'],
    [3_600_000, '1h 00m'],
    [3 * 3_600_000 + 5 * 60_000, '3h 05m'],
    [47 * 3_600_000 + 59 * 60_000, '47h 59m'],
    [48 * 3_600_000, '2d 0h'],
    [52 * 3_600_000 + 30 * 60_000, '2d 4h'],
  ])('%d ms -> %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe('TEXT_LIMIT', () => {
  it("is WhatsApp's text.body limit", () => {
    expect(TEXT_LIMIT).toBe(4096);
  });
});

describe('consecutiveRuns', () => {
  it.each([
    [[], []],
    [[3], [[3, 3]]],
    [[0, 1, 2, 3, 4], [[0, 4]]],
    [
      [0, 1, 2, 4],
      [
        [0, 2],
        [4, 4],
      ],
    ],
    [
      [0, 2, 4, 6],
      [
        [0, 0],
        [2, 2],
        [4, 4],
        [6, 6],
      ],
    ],
    [
      [1, 2, 5, 6],
      [
        [1, 2],
        [5, 6],
      ],
    ],
  ])('%j -> %j', (sorted, expected) => {
    expect(consecutiveRuns(sorted)).toEqual(expected);
  });
});
