// QR codes: the symbol (module matrix) comes from qrcode's encoder; rendering to PNG, SVG and the
// terminal is ours. qrcode's own PNG path draws 8-bit RGBA pixels through pngjs (~180 codes/s here);
// a 1-bit palette PNG has 32x fewer bytes to filter and deflate (bench/qr-batch.mjs measures it).
import { deflateSync } from 'node:zlib';
import { create } from 'qrcode/lib/core/qrcode.js';
import { invalidInput } from './errors.js';

export type ErrorCorrection = 'L' | 'M' | 'Q' | 'H';
export type QrFormat = 'png' | 'svg' | 'terminal';

export interface QrMatrix {
  /** Modules per side, without the quiet zone. */
  size: number;
  /** size*size entries, row by row; 1 = dark. */
  modules: Uint8Array;
  version: number;
}

export interface RenderOptions {
  /** Pixels per module (PNG) or SVG user units per module. */
  scale: number;
  /** Quiet zone in modules (the standard asks for 4). */
  margin: number;
  dark: Rgb;
  light: Rgb;
}

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export const DEFAULT_RENDER: RenderOptions = {
  scale: 8,
  margin: 4,
  dark: { r: 0, g: 0, b: 0 },
  light: { r: 255, g: 255, b: 255 },
};

/** The lowest contrast ratio (WCAG 2 formula) wabox accepts between dark and light modules. */
export const MIN_CONTRAST = 4;

export function qrMatrix(data: string, ecl: ErrorCorrection = 'M'): QrMatrix {
  if (data === '') throw invalidInput('nothing to encode: the QR data is empty', { code: 'qr.empty' });
  try {
    const symbol = create(data, { errorCorrectionLevel: ecl });
    return { size: symbol.modules.size, modules: symbol.modules.data, version: symbol.version };
  } catch (err) {
    if (err instanceof Error && /too big/i.test(err.message)) {
      throw invalidInput(
        `the data (${Buffer.byteLength(data)} bytes) does not fit in a QR code at error correction ${ecl}`,
        {
          code: 'qr.too_long',
          hint: ecl === 'L' ? 'shorten the text' : 'shorten the text or lower --ecl (L holds the most)',
        },
      );
    }
    throw err;
  }
}

export function parseHexColor(value: string, what: string): Rgb {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (!m)
    throw invalidInput(`${what} "${value}" is not a hex colour such as #000000 or #1a2b3c`, {
      code: 'qr.bad_color',
    });
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return {
    r: Number.parseInt(hex.slice(0, 2), 16),
    g: Number.parseInt(hex.slice(2, 4), 16),
    b: Number.parseInt(hex.slice(4, 6), 16),
  };
}

export function toHex({ r, g, b }: Rgb): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG 2 relative luminance. */
function luminance({ r, g, b }: Rgb): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Refuses colour pairs that scanners read badly: light-on-dark, or less than MIN_CONTRAST:1. */
export function checkColors(dark: Rgb, light: Rgb): void {
  const ratio = contrastRatio(dark, light);
  if (luminance(dark) >= luminance(light)) {
    throw invalidInput(
      `--dark ${toHex(dark)} is not darker than --light ${toHex(light)}: many scanners cannot read inverted QR codes`,
      {
        code: 'qr.low_contrast',
      },
    );
  }
  if (ratio < MIN_CONTRAST) {
    throw invalidInput(
      `--dark ${toHex(dark)} on --light ${toHex(light)} has a contrast of ${ratio.toFixed(1)}:1; QR codes need at least ${MIN_CONTRAST}:1 to scan reliably`,
      { code: 'qr.low_contrast', hint: 'use a darker --dark or a lighter --light' },
    );
  }
}

/** A 1-bit palette PNG (colour type 3): index 0 light, index 1 dark. */
export function renderPng(matrix: QrMatrix, options: RenderOptions = DEFAULT_RENDER): Buffer {
  const { size, modules } = matrix;
  const { scale, margin } = options;
  const side = (size + 2 * margin) * scale;
  const rowBytes = Math.ceil(side / 8);
  const stride = rowBytes + 1; // each scanline starts with its filter byte (0 = none)
  const raw = Buffer.alloc(stride * side); // zero-filled: light everywhere, filter 0
  for (let y = 0; y < size; y++) {
    const line = Buffer.alloc(rowBytes);
    for (let x = 0; x < size; x++) {
      if (modules[y * size + x] === 0) continue;
      const from = (x + margin) * scale;
      for (let px = from; px < from + scale; px++) line[px >> 3]! |= 0x80 >> (px & 7);
    }
    const top = (y + margin) * scale;
    for (let k = 0; k < scale; k++) line.copy(raw, (top + k) * stride + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1; // bit depth
  header[9] = 3; // palette
  const { light, dark } = options;
  const palette = Buffer.from([light.r, light.g, light.b, dark.r, dark.g, dark.b]);
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('PLTE', palette),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** An SVG with one path of dark runs, sized scale px per module. */
export function renderSvg(matrix: QrMatrix, options: RenderOptions = DEFAULT_RENDER): string {
  const { size, modules } = matrix;
  const { scale, margin } = options;
  const side = size + 2 * margin;
  let path = '';
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      if (modules[y * size + x] === 0) {
        x++;
        continue;
      }
      const start = x;
      while (x < size && modules[y * size + x] === 1) x++;
      path += `M${start + margin} ${y + margin}h${x - start}v1h${start - x}z`;
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" width="${side * scale}" height="${side * scale}" shape-rendering="crispEdges">` +
    `<rect width="${side}" height="${side}" fill="${toHex(options.light)}"/>` +
    `<path d="${path}" fill="${toHex(options.dark)}"/></svg>\n`
  );
}

/**
 * Two modules per character cell with half blocks. With colour, dark modules are drawn black on a
 * white background. Without colour we follow qrencode's UTF8 mode: the light modules are drawn as
 * blocks, which scans on the usual light-on-dark terminal.
 */
export function renderTerminal(matrix: QrMatrix, options: { margin: number; color: boolean }): string {
  const { size, modules } = matrix;
  const m = Math.min(options.margin, 2); // terminal cells are big; 2 modules of quiet zone scan fine
  const side = size + 2 * m;
  const dark = (x: number, y: number) => {
    const mx = x - m;
    const my = y - m;
    return mx >= 0 && my >= 0 && mx < size && my < size && modules[my * size + mx] === 1;
  };
  // cell glyph for (top, bottom) "ink": ink = dark with colour, ink = light without it
  const glyphs = [' ', '▄', '▀', '█'];
  const lines: string[] = [];
  for (let y = 0; y < side; y += 2) {
    let line = '';
    for (let x = 0; x < side; x++) {
      const top = dark(x, y) === options.color;
      const bottom = y + 1 < side && dark(x, y + 1) === options.color;
      line += glyphs[(top ? 2 : 0) + (bottom ? 1 : 0)];
    }
    lines.push(options.color ? `\x1b[30;47m${line}\x1b[0m` : line);
  }
  return `${lines.join('\n')}\n`;
}

/** Renders to bytes (png) or text (svg, terminal). */
export function renderQr(
  matrix: QrMatrix,
  format: Exclude<QrFormat, 'terminal'>,
  options: RenderOptions,
): Buffer | string {
  return format === 'png' ? renderPng(matrix, options) : renderSvg(matrix, options);
}
