// Independent readers for the QR codes wabox writes: jsQR on the PNG pixels (decoded by pngjs), Debian's
// zbarimg on the file, and strict readers of our SVG and terminal drawings that turn them back into
// module grids, so those can be compared with the PNG and decoded too.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';

// jsqr is CommonJS whose types declare an ES default export: under NodeNext the default import is the
// module object, and its `default` property is the function (at run time too)
const jsQR = jsqr.default;

export interface Bitmap {
  width: number;
  height: number;
  /** width*height entries, row by row; true = dark. */
  dark: boolean[];
}

export interface PngImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  rgba: Buffer;
}

export function readPng(bytes: Buffer): PngImage {
  const png = PNG.sync.read(bytes);
  return { width: png.width, height: png.height, rgba: png.data };
}

/** The exact bytes jsQR reads from the pixels, or null; it is told not to try inverted codes. */
export function jsqrBytes(image: PngImage): Buffer | null {
  const found = jsQR(new Uint8ClampedArray(image.rgba), image.width, image.height, {
    inversionAttempts: 'dontInvert',
  });
  return found === null ? null : Buffer.from(found.binaryData);
}

/** jsQR on PNG bytes, as strict UTF-8 text (throws on bytes that are not UTF-8). */
export function jsqrText(png: Buffer): string | null {
  const bytes = jsqrBytes(readPng(png));
  return bytes === null ? null : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/**
 * zbarimg's reading of an image file. `binary` (-Sbinary) gives the symbol's bytes as they are; without
 * it zbar guesses the character set (QR byte mode carries none) and ends each symbol with a newline.
 * Null when zbar finds no symbol (exit 4).
 */
export function zbar(path: string, mode: 'binary' | 'text' = 'binary'): Buffer | null {
  const args = ['--raw', '-q', ...(mode === 'binary' ? ['-Sbinary'] : []), path];
  try {
    return execFileSync('zbarimg', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (err) {
    if ((err as { status?: number }).status === 4) return null;
    throw err;
  }
}

/** zbarimg in binary mode, as strict UTF-8 text. */
export function zbarText(path: string): string | null {
  const bytes = zbar(path, 'binary');
  return bytes === null ? null : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** The colour of every pixel of a PNG, checked to be exactly `dark` or `light`. */
export function pngBitmap(image: PngImage, dark: string, light: string): Bitmap {
  const bits: boolean[] = [];
  for (let i = 0; i < image.width * image.height; i++) {
    const hex = `#${[0, 1, 2].map((c) => image.rgba[i * 4 + c]!.toString(16).padStart(2, '0')).join('')}`;
    if (image.rgba[i * 4 + 3] !== 255) throw new Error(`pixel ${i} is not opaque`);
    if (hex !== dark && hex !== light) throw new Error(`pixel ${i} is ${hex}, neither ${dark} nor ${light}`);
    bits.push(hex === dark);
  }
  return { width: image.width, height: image.height, dark: bits };
}

/**
 * A PNG bitmap back to modules: every `scale`x`scale` block must be one colour (throws otherwise), so a
 * rendering that smears modules fails here rather than being rounded away.
 */
export function downsample(bitmap: Bitmap, scale: number): Bitmap {
  if (bitmap.width % scale !== 0 || bitmap.height % scale !== 0)
    throw new Error(`${bitmap.width}x${bitmap.height} is not a multiple of ${scale}`);
  const width = bitmap.width / scale;
  const height = bitmap.height / scale;
  const dark: boolean[] = [];
  for (let my = 0; my < height; my++) {
    for (let mx = 0; mx < width; mx++) {
      const first = bitmap.dark[my * scale * bitmap.width + mx * scale]!;
      for (let y = my * scale; y < (my + 1) * scale; y++)
        for (let x = mx * scale; x < (mx + 1) * scale; x++)
          if (bitmap.dark[y * bitmap.width + x] !== first)
            throw new Error(`module ${mx},${my} is not uniform`);
      dark.push(first);
    }
  }
  return { width, height, dark };
}

export interface ParsedSvg {
  /** Modules per side including the quiet zone (the viewBox). */
  side: number;
  /** Pixel width and height attributes. */
  pixels: number;
  light: string;
  dark: string;
  modules: Bitmap;
}

/**
 * Reads wabox's SVG exactly: one background rect and one path of `M x y h w v1 h -w z` runs. Anything
 * else (another element, another path command, a run that does not close) throws.
 */
export function parseSvg(svg: string): ParsedSvg {
  const m =
    /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) (\d+)" width="(\d+)" height="(\d+)" shape-rendering="crispEdges"><rect width="(\d+)" height="(\d+)" fill="(#[0-9a-f]{6})"\/><path d="([^"]*)" fill="(#[0-9a-f]{6})"\/><\/svg>\n$/.exec(
      svg,
    );
  if (!m) throw new Error(`not the SVG shape wabox writes: ${svg.slice(0, 200)}`);
  const [, vw, vh, pw, ph, rw, rh, light, path, dark] = m as unknown as string[];
  if (vw !== vh || pw !== ph || rw !== vw || rh !== vh) throw new Error('the SVG is not square');
  const side = Number(vw);
  const dots = Array<boolean>(side * side).fill(false);
  const run = /M(\d+) (\d+)h(\d+)v1h-(\d+)z/y;
  let at = 0;
  while (at < path!.length) {
    run.lastIndex = at;
    const r = run.exec(path!);
    if (!r) throw new Error(`unexpected path data at ${at}: ${path!.slice(at, at + 30)}`);
    const [x, y, w, back] = r.slice(1).map(Number) as [number, number, number, number];
    if (w !== back || w === 0) throw new Error(`run at ${x},${y} does not close`);
    if (x + w > side || y >= side) throw new Error(`run at ${x},${y} leaves the view box`);
    for (let i = x; i < x + w; i++) dots[y * side + i] = true;
    at = run.lastIndex;
  }
  return {
    side,
    pixels: Number(pw),
    light: light!,
    dark: dark!,
    modules: { width: side, height: side, dark: dots },
  };
}

/**
 * Reads a terminal drawing: each character is two modules (top, bottom) of half blocks. Without colour
 * the blocks are the light modules (qrencode's UTF8 mode); with colour they are the dark ones, inside
 * `ESC[30;47m ... ESC[0m`. Returns the square grid (the odd last half row is dropped).
 */
export function parseTerminal(drawing: string, color: boolean): Bitmap {
  const glyphs: Record<string, [boolean, boolean]> = {
    ' ': [false, false],
    '▄': [false, true],
    '▀': [true, false],
    '█': [true, true],
  };
  const lines = drawing.replace(/\n$/, '').split('\n');
  const rows: boolean[][] = [];
  for (const raw of lines) {
    let line = raw;
    if (color) {
      const m = /^\x1b\[30;47m(.*)\x1b\[0m$/.exec(raw);
      if (!m) throw new Error(`line without the colour codes: ${JSON.stringify(raw)}`);
      line = m[1]!;
    }
    const top: boolean[] = [];
    const bottom: boolean[] = [];
    for (const ch of line) {
      const ink = glyphs[ch];
      if (ink === undefined) throw new Error(`unexpected character ${JSON.stringify(ch)}`);
      // ink is dark with colour, light without it
      top.push(ink[0] === color);
      bottom.push(ink[1] === color);
    }
    rows.push(top, bottom);
  }
  const width = rows[0]!.length;
  if (rows.some((r) => r.length !== width)) throw new Error('lines of different widths');
  if (rows.length !== width + 1) throw new Error(`${rows.length} half rows for a width of ${width}`);
  return { width, height: width, dark: rows.slice(0, width).flat() };
}

/** Draws a module grid as an RGBA image (with a white quiet zone of `border` modules) for the decoders. */
export function bitmapToImage(bitmap: Bitmap, scale = 4, border = 4): PngImage {
  const width = (bitmap.width + 2 * border) * scale;
  const height = (bitmap.height + 2 * border) * scale;
  const rgba = Buffer.alloc(width * height * 4, 255);
  for (let y = 0; y < bitmap.height; y++) {
    for (let x = 0; x < bitmap.width; x++) {
      if (!bitmap.dark[y * bitmap.width + x]) continue;
      for (let py = (y + border) * scale; py < (y + border + 1) * scale; py++) {
        for (let px = (x + border) * scale; px < (x + border + 1) * scale; px++) {
          rgba.fill(0, (py * width + px) * 4, (py * width + px) * 4 + 3);
        }
      }
    }
  }
  return { width, height, rgba };
}

/** Writes an image as an RGBA PNG (pngjs, not our encoder) so zbarimg can read it. */
export function writeImagePng(image: PngImage, dir: string, name: string): string {
  const png = new PNG({ width: image.width, height: image.height });
  image.rgba.copy(png.data);
  const path = join(dir, name);
  writeFileSync(path, PNG.sync.write(png));
  return path;
}

/** The module grid inside a bitmap that has a quiet zone of `margin` modules, checked to be all light. */
export function withoutMargin(bitmap: Bitmap, margin: number): Bitmap {
  const width = bitmap.width - 2 * margin;
  const dark: boolean[] = [];
  for (let y = 0; y < bitmap.height; y++) {
    for (let x = 0; x < bitmap.width; x++) {
      const inside = x >= margin && y >= margin && x < bitmap.width - margin && y < bitmap.height - margin;
      const d = bitmap.dark[y * bitmap.width + x]!;
      if (inside) dark.push(d);
      else if (d) throw new Error(`dark module ${x},${y} in the quiet zone`);
    }
  }
  return { width, height: bitmap.height - 2 * margin, dark };
}

/**
 * The error correction level from a symbol's own format information (ISO/IEC 18004 §7.9, read the way
 * ZXing's BitMatrixParser reads it), so the level is checked without trusting the encoder. `grid` is the
 * symbol without its quiet zone.
 */
export function eclOf(grid: Bitmap): 'L' | 'M' | 'Q' | 'H' {
  const at = (x: number, y: number) => grid.dark[y * grid.width + x]!;
  const cells: Array<[number, number]> = [];
  for (let i = 0; i < 6; i++) cells.push([i, 8]);
  cells.push([7, 8], [8, 8], [8, 7]);
  for (let j = 5; j >= 0; j--) cells.push([8, j]);
  let bits = 0;
  for (const [x, y] of cells) bits = (bits << 1) | (at(x, y) ? 1 : 0);
  const level = ((bits ^ 0x5412) >> 13) & 0b11;
  return (['M', 'L', 'H', 'Q'] as const)[level]!;
}
