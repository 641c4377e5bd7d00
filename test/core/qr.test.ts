import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkColors,
  contrastRatio,
  DEFAULT_RENDER,
  type ErrorCorrection,
  parseHexColor,
  type QrMatrix,
  qrMatrix,
  type RenderOptions,
  renderPng,
  renderSvg,
  renderTerminal,
} from '../../src/core/qr.js';
import { thrownWaboxError } from '../helpers/assert.js';
import { tempDir } from '../helpers/cli.js';
import {
  type Bitmap,
  bitmapToImage,
  downsample,
  eclOf,
  jsqrBytes,
  jsqrText,
  parseSvg,
  parseTerminal,
  pngBitmap,
  readPng,
  withoutMargin,
  writeImagePng,
  zbar,
  zbarText,
} from '../helpers/qr-decode.js';

function matrixBitmap(m: QrMatrix): Bitmap {
  return { width: m.size, height: m.size, dark: [...m.modules].map((v) => v === 1) };
}

const URL_DATA = 'https://wa.me/447700900123?text=Hi%20there%20%5Bref%3Aspring%5D';
const UNICODE_DATA = 'નમસ્તે 🙏 مرحبا بك — 👨‍👩‍👧 e\u0301';

describe('qrMatrix', () => {
  it('encodes at the requested error correction level (read back from the format bits)', () => {
    const versions: number[] = [];
    for (const ecl of ['L', 'M', 'Q', 'H'] as const) {
      const m = qrMatrix(URL_DATA, ecl);
      expect(m.modules.length).toBe(m.size * m.size);
      expect(m.size).toBe(17 + 4 * m.version);
      expect(eclOf(matrixBitmap(m))).toBe(ecl);
      versions.push(m.version);
    }
    // more correction needs more modules for the same data
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(versions[3]).toBeGreaterThan(versions[0]!);
  });

  it('defaults to M', () => {
    expect(eclOf(matrixBitmap(qrMatrix('hello')))).toBe('M');
  });

  it('refuses empty data', () => {
    const err = thrownWaboxError(() => qrMatrix(''));
    expect(err.code).toBe('qr.empty');
    expect(err.kind).toBe('invalid-input');
  });

  it('holds the most data QR allows at each level and refuses one byte more', () => {
    const capacity = { L: 2953, M: 2331, Q: 1663, H: 1273 } as const;
    for (const [ecl, bytes] of Object.entries(capacity) as Array<[ErrorCorrection, number]>) {
      expect(qrMatrix('a'.repeat(bytes), ecl).version).toBe(40);
      const err = thrownWaboxError(() => qrMatrix('a'.repeat(bytes + 1), ecl));
      expect(err.code).toBe('qr.too_long');
      expect(err.message).toBe(
        `the data (${bytes + 1} bytes) does not fit in a QR code at error correction ${ecl}`,
      );
      expect(err.hint).toBe(
        ecl === 'L' ? 'shorten the text' : 'shorten the text or lower --ecl (L holds the most)',
      );
    }
  });

  it('counts bytes, not characters, against the capacity', () => {
    // 1,000 Gujarati letters are 3,000 UTF-8 bytes: over the 2,953 of level L
    const err = thrownWaboxError(() => qrMatrix('ક'.repeat(1000), 'L'));
    expect(err.message).toContain('(3000 bytes)');
  });
});

describe('renderPng', () => {
  const dir = () => tempDir('wabox-qr-');

  it.each([
    ['a wa.me link', URL_DATA],
    ['Gujarati, Arabic, emoji, ZWJ sequences and combining marks', UNICODE_DATA],
    ['a newline and symbols', 'line 1\nline 2 & #3 ? + % ='],
  ])('writes %s that jsQR and zbarimg both decode to exactly the data', (_name, data) => {
    const png = renderPng(qrMatrix(data));
    expect(jsqrText(png)).toBe(data);
    const path = join(dir(), 'code.png');
    writeFileSync(path, png);
    expect(zbar(path)).toEqual(Buffer.from(data, 'utf8'));
    expect(zbarText(path)).toBe(data);
  });

  it('decodes at every error correction level', () => {
    for (const ecl of ['L', 'M', 'Q', 'H'] as const) {
      const png = renderPng(qrMatrix(URL_DATA, ecl));
      expect(jsqrText(png)).toBe(URL_DATA);
      const path = join(dir(), `${ecl}.png`);
      writeFileSync(path, png);
      expect(zbarText(path)).toBe(URL_DATA);
    }
  });

  it('draws each module as a scale x scale block inside a light quiet zone, pixel for pixel', () => {
    const m = qrMatrix('hello', 'Q');
    for (const render of [
      DEFAULT_RENDER,
      { ...DEFAULT_RENDER, scale: 1, margin: 0 },
      { ...DEFAULT_RENDER, scale: 3, margin: 7 },
      { ...DEFAULT_RENDER, scale: 13, margin: 4 }, // a row width that is not a whole number of bytes
    ]) {
      const image = readPng(renderPng(m, render));
      const side = (m.size + 2 * render.margin) * render.scale;
      expect([image.width, image.height]).toEqual([side, side]);
      const modules = downsample(pngBitmap(image, '#000000', '#ffffff'), render.scale);
      expect(withoutMargin(modules, render.margin)).toEqual(matrixBitmap(m));
    }
  });

  it('uses the given colours exactly and still decodes', () => {
    const render: RenderOptions = {
      ...DEFAULT_RENDER,
      dark: parseHexColor('#0b3d2e', '--dark'),
      light: parseHexColor('#fffbe6', '--light'),
    };
    const png = renderPng(qrMatrix(URL_DATA), render);
    const image = readPng(png);
    // throws if any pixel is another colour
    pngBitmap(image, '#0b3d2e', '#fffbe6');
    expect(jsqrText(png)).toBe(URL_DATA);
    const path = join(dir(), 'green.png');
    writeFileSync(path, png);
    expect(zbarText(path)).toBe(URL_DATA);
  });

  it('is a 1-bit palette PNG', () => {
    const png = renderPng(qrMatrix('hello'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect(png[24]).toBe(1); // bit depth
    expect(png[25]).toBe(3); // colour type: palette
  });
});

describe('renderSvg', () => {
  it('draws the same modules as the PNG, and the drawing decodes with both decoders', () => {
    for (const [data, ecl] of [
      [URL_DATA, 'M'],
      [UNICODE_DATA, 'H'],
    ] as const) {
      const m = qrMatrix(data, ecl);
      const render = { ...DEFAULT_RENDER, scale: 5, margin: 3 };
      const svg = parseSvg(renderSvg(m, render));
      expect(svg.side).toBe(m.size + 6);
      expect(svg.pixels).toBe((m.size + 6) * 5);
      expect([svg.dark, svg.light]).toEqual(['#000000', '#ffffff']);
      const pngModules = downsample(pngBitmap(readPng(renderPng(m, render)), '#000000', '#ffffff'), 5);
      expect(svg.modules).toEqual(pngModules);
      const image = bitmapToImage(svg.modules);
      expect(jsqrBytes(image)).toEqual(Buffer.from(data));
      expect(zbar(writeImagePng(image, tempDir('wabox-svg-'), 'svg.png'))).toEqual(Buffer.from(data));
    }
  });

  it('uses the given colours', () => {
    const svg = parseSvg(
      renderSvg(qrMatrix('hi'), {
        ...DEFAULT_RENDER,
        dark: parseHexColor('#123', '--dark'),
        light: parseHexColor('#FAFAFA', '--light'),
      }),
    );
    expect([svg.dark, svg.light]).toEqual(['#112233', '#fafafa']);
  });
});

describe('renderTerminal', () => {
  for (const color of [false, true]) {
    it(`draws half blocks of one width that decode back to the data (${color ? 'colour' : 'no colour'})`, () => {
      const m = qrMatrix(URL_DATA);
      const drawing = renderTerminal(m, { margin: 4, color });
      const lines = drawing.replace(/\n$/, '').split('\n');
      expect(lines.length).toBe(Math.ceil((m.size + 4) / 2));
      const grid = parseTerminal(drawing, color);
      // the quiet zone is capped at 2 modules in a terminal
      expect(withoutMargin(grid, 2)).toEqual(matrixBitmap(m));
      expect(jsqrBytes(bitmapToImage(grid))?.toString('utf8')).toBe(URL_DATA);
    });
  }

  it('keeps a smaller quiet zone as asked', () => {
    const m = qrMatrix('hello');
    for (const margin of [0, 1]) {
      const grid = parseTerminal(renderTerminal(m, { margin, color: false }), false);
      expect(grid.width).toBe(m.size + 2 * margin);
      expect(withoutMargin(grid, margin)).toEqual(matrixBitmap(m));
    }
  });
});

describe('colours', () => {
  it('parses 3- and 6-digit hex with or without #, in any case', () => {
    expect(parseHexColor('#000', 'x')).toEqual({ r: 0, g: 0, b: 0 });
    expect(parseHexColor('fff', 'x')).toEqual({ r: 255, g: 255, b: 255 });
    expect(parseHexColor('#1A2b3C', 'x')).toEqual({ r: 0x1a, g: 0x2b, b: 0x3c });
    expect(parseHexColor(' #abc ', 'x')).toEqual({ r: 0xaa, g: 0xbb, b: 0xcc });
  });

  it.each(['', 'red', '#12', '#1234', '#ggg', '#12345g', 'rgb(0,0,0)', '##000000'])(
    'refuses %j with a message naming the flag',
    (value) => {
      const err = thrownWaboxError(() => parseHexColor(value, '--dark'));
      expect(err.code).toBe('qr.bad_color');
      expect(err.message).toBe(`--dark "${value}" is not a hex colour such as #000000 or #1a2b3c`);
    },
  );

  it('computes WCAG contrast ratios', () => {
    const black = parseHexColor('#000', 'x');
    const white = parseHexColor('#fff', 'x');
    expect(contrastRatio(black, white)).toBeCloseTo(21, 5);
    expect(contrastRatio(white, black)).toBeCloseTo(21, 5);
    expect(contrastRatio(white, white)).toBe(1);
  });

  it('accepts dark on light with enough contrast, down to 4:1', () => {
    expect(() => checkColors(parseHexColor('#0b3d2e', 'x'), parseHexColor('#fffbe6', 'x'))).not.toThrow();
    // #767676 on white is 4.54:1
    expect(() => checkColors(parseHexColor('#767676', 'x'), parseHexColor('#ffffff', 'x'))).not.toThrow();
  });

  it('refuses low contrast and says the ratio and the minimum', () => {
    const err = thrownWaboxError(() =>
      checkColors(parseHexColor('#777777', 'x'), parseHexColor('#888888', 'x')),
    );
    expect(err.code).toBe('qr.low_contrast');
    expect(err.message).toBe(
      '--dark #777777 on --light #888888 has a contrast of 1.3:1; QR codes need at least 4:1 to scan reliably',
    );
    expect(err.hint).toBe('use a darker --dark or a lighter --light');
    // #949494 on white is 3.03:1
    expect(
      thrownWaboxError(() => checkColors(parseHexColor('#949494', 'x'), parseHexColor('#fff', 'x'))).code,
    ).toBe('qr.low_contrast');
  });

  it('refuses inverted colours and equal colours', () => {
    const err = thrownWaboxError(() =>
      checkColors(parseHexColor('#ffffff', 'x'), parseHexColor('#000000', 'x')),
    );
    expect(err.code).toBe('qr.low_contrast');
    expect(err.message).toBe(
      '--dark #ffffff is not darker than --light #000000: many scanners cannot read inverted QR codes',
    );
    expect(
      thrownWaboxError(() => checkColors(parseHexColor('#333', 'x'), parseHexColor('#333', 'x'))).code,
    ).toBe('qr.low_contrast');
  });
});
