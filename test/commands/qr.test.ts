import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectError, warnings } from '../helpers/assert.js';
import { run, spawnCli, tempDir } from '../helpers/cli.js';
import {
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

const URL = 'https://example.com/menu?item=42&lang=gu#top';
const GUJARATI = 'નમસ્તે! આજે શું ઓર્ડર કરશો? 🙏🍛 — ૪૨';

/** Decodes a PNG file with both decoders and expects exactly `data` from each. */
function expectPngFile(path: string, data: string): void {
  expect(jsqrText(readFileSync(path))).toBe(data);
  expect(zbar(path)).toEqual(Buffer.from(data, 'utf8'));
}

/** Decodes PNG bytes (from stdout) with both decoders. */
function expectPngBytes(bytes: Buffer, data: string): void {
  const file = join(tempDir(), 'stdout.png');
  writeFileSync(file, bytes);
  expectPngFile(file, data);
}

/** Reads an SVG strictly, then decodes its modules with both decoders. */
function expectSvg(svg: string, data: string): ReturnType<typeof parseSvg> {
  const parsed = parseSvg(svg);
  const image = bitmapToImage(parsed.modules);
  expect(jsqrBytes(image)?.toString('utf8')).toBe(data);
  expect(zbar(writeImagePng(image, tempDir(), 'svg.png'))).toEqual(Buffer.from(data, 'utf8'));
  return parsed;
}

/** Reads a terminal drawing (non-empty lines of half blocks of one width) and decodes it. */
function expectTerminal(drawing: string, data: string, color = false): void {
  const lines = drawing.replace(/\n$/, '').split('\n');
  expect(lines.length).toBeGreaterThan(10);
  for (const line of lines) expect(line.length).toBe(lines[0]!.length);
  if (!color) for (const line of lines) expect(line).toMatch(/^[ █▀▄]+$/);
  const image = bitmapToImage(parseTerminal(drawing, color));
  expect(jsqrBytes(image)?.toString('utf8')).toBe(data);
  expect(zbar(writeImagePng(image, tempDir(), 'terminal.png'))).toEqual(Buffer.from(data, 'utf8'));
}

describe('wabox qr: files', () => {
  it('writes a PNG of a URL and prints the file name in a pipe', async () => {
    const file = join(tempDir(), 'menu.png');
    const r = await run(['qr', URL, '-o', file]);
    expect(r).toMatchObject({ code: 0, stdout: `${file}\n`, stderr: '' });
    expectPngFile(file, URL);
    // zbarimg's own text mode reads an ASCII link exactly too
    expect(zbar(file, 'text')?.toString()).toBe(`${URL}\n`);
  });

  it('says what it wrote on a TTY', async () => {
    const file = join(tempDir(), 'menu.png');
    const r = await run(['qr', URL, '-o', file], { tty: true });
    expect(r.stdout).toBe(`wrote ${file} (png, QR version 4)\n`);
  });

  it('writes Gujarati and emoji text that both decoders read back byte for byte', async () => {
    const file = join(tempDir(), 'gu.png');
    expect((await run(['qr', GUJARATI, '-o', file])).code).toBe(0);
    expectPngFile(file, GUJARATI);
    expect(zbarText(file)).toBe(GUJARATI);
  });

  it('builds the link first when the data is a phone number, with the link flags', async () => {
    const file = join(tempDir(), 'window.png');
    const r = await run([
      'qr',
      '+44 7911 123456',
      '--text',
      'Book a table',
      '--ref',
      'window',
      '-o',
      file,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const url = 'https://wa.me/447911123456?text=Book%20a%20table%20%5Bref%3Awindow%5D';
    expect(JSON.parse(r.stdout)).toEqual({ data: url, file, format: 'png', version: 5, modules: 37 });
    expectPngFile(file, url);
  });

  it('builds a national number with --country and a share link with --share', async () => {
    const dir = tempDir();
    await run(['qr', '07911 123456', '--country', 'GB', '--api', '-o', join(dir, 'a.png')]);
    expectPngFile(join(dir, 'a.png'), 'https://api.whatsapp.com/send?phone=447911123456');
    await run(['qr', '--share', '--text', 'Menu 🍛', '-o', join(dir, 's.png')]);
    expectPngFile(join(dir, 's.png'), 'https://wa.me/?text=Menu%20%F0%9F%8D%9B');
  });

  it('writes an SVG whose drawing decodes and matches the PNG module for module', async () => {
    const dir = tempDir();
    const svgFile = join(dir, 'c.svg');
    const pngFile = join(dir, 'c.png');
    for (const file of [svgFile, pngFile])
      expect((await run(['qr', URL, '-o', file, '--scale', '3', '--margin', '5'])).code).toBe(0);
    const svg = expectSvg(readFileSync(svgFile, 'utf8'), URL);
    const png = downsample(pngBitmap(readPng(readFileSync(pngFile)), '#000000', '#ffffff'), 3);
    expect(svg.modules).toEqual(png);
    expect(svg.pixels).toBe(svg.side * 3);
  });

  it('overwrites an existing file whole', async () => {
    const file = join(tempDir(), 'c.png');
    writeFileSync(file, 'x'.repeat(100_000));
    await run(['qr', 'hi', '-o', file]);
    expectPngFile(file, 'hi');
  });

  it.each(['L', 'M', 'Q', 'H'] as const)('encodes at --ecl %s', async (ecl) => {
    const file = join(tempDir(), 'c.png');
    expect((await run(['qr', URL, '-o', file, '--ecl', ecl, '--scale', '2'])).code).toBe(0);
    expectPngFile(file, URL);
    const modules = withoutMargin(
      downsample(pngBitmap(readPng(readFileSync(file)), '#000000', '#ffffff'), 2),
      4,
    );
    expect(eclOf(modules)).toBe(ecl);
  });

  it('sizes the image by --scale and --margin', async () => {
    const dir = tempDir();
    for (const [scale, margin] of [
      ['1', '0'],
      ['5', '4'],
      ['10', '64'],
    ] as const) {
      const file = join(dir, `${scale}-${margin}.png`);
      const r = await run(['qr', 'hello', '-o', file, '--scale', scale, '--margin', margin]);
      expect(r.code).toBe(0);
      const image = readPng(readFileSync(file));
      // "hello" is a version 1 symbol: 21 modules
      expect(image.width).toBe((21 + 2 * Number(margin)) * Number(scale));
      const modules = downsample(pngBitmap(image, '#000000', '#ffffff'), Number(scale));
      expect(withoutMargin(modules, Number(margin)).width).toBe(21);
    }
  });

  it('warns about a quiet zone under 4 modules', async () => {
    const file = join(tempDir(), 'c.png');
    const r = await run(['qr', 'hello', '-o', file, '--margin', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${file}\n`);
    expect(warnings(r.stderr)).toEqual([
      'a quiet zone of 2 modules is under the 4 that ISO/IEC 18004 asks for; some scanners will fail',
    ]);
    expect((await run(['qr', 'hello', '-o', file, '--margin', '4'])).stderr).toBe('');
  });

  it('paints --dark and --light exactly and still decodes', async () => {
    const file = join(tempDir(), 'c.png');
    const r = await run(['qr', URL, '-o', file, '--dark', '#0B3D2E', '--light', 'fffbe6']);
    expect(r.code).toBe(0);
    pngBitmap(readPng(readFileSync(file)), '#0b3d2e', '#fffbe6');
    expectPngFile(file, URL);
    const svgFile = join(tempDir(), 'c.svg');
    await run(['qr', URL, '-o', svgFile, '--dark', '#0B3D2E', '--light', 'fffbe6']);
    expect(parseSvg(readFileSync(svgFile, 'utf8'))).toMatchObject({ dark: '#0b3d2e', light: '#fffbe6' });
  });
});

describe('wabox qr: stdout', () => {
  it('writes PNG bytes to a pipe', async () => {
    const r = await run(['qr', URL]);
    expect(r.code).toBe(0);
    expect(r.stdoutBytes.subarray(1, 4).toString('ascii')).toBe('PNG');
    expectPngBytes(r.stdoutBytes, URL);
  });

  it('writes PNG bytes with -o - and --format png through the built CLI', async () => {
    const r = await spawnCli(['qr', GUJARATI, '-o', '-', '--format', 'png']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expectPngBytes(r.stdoutBytes, GUJARATI);
  });

  it('writes SVG with --format svg', async () => {
    const r = await run(['qr', '07911 123456', '--country', 'GB', '--format', 'svg']);
    expect(r.code).toBe(0);
    expectSvg(r.stdout, 'https://wa.me/447911123456');
  });

  it('draws in the terminal on a TTY, in both colour modes', async () => {
    const plain = await run(['qr', URL], { tty: true });
    expect(plain.code).toBe(0);
    expectTerminal(plain.stdout, URL);
    const coloured = await run(['qr', URL, '-o', '-'], { tty: true, color: true });
    expect(coloured.stdout).toContain('\x1b[30;47m');
    expectTerminal(coloured.stdout, URL, true);
  });

  it('draws in a pipe with --format terminal', async () => {
    const r = await run(['qr', GUJARATI, '--format', 'terminal']);
    expectTerminal(r.stdout, GUJARATI);
  });

  it('refuses to send PNG bytes to a terminal', async () => {
    expectError(
      await run(['qr', URL, '--format', 'png'], { tty: true }),
      2,
      'refusing to write PNG bytes to a terminal',
      'redirect stdout (> code.png), pass -o code.png, or use --format terminal',
    );
  });

  it('allows SVG text on a terminal', async () => {
    const r = await run(['qr', URL, '--format', 'svg'], { tty: true });
    expect(r.code).toBe(0);
    expectSvg(r.stdout, URL);
  });

  it('reads the data from stdin, dropping the newline `wabox link` ends with', async () => {
    const linked = await run(['link', '+919876543210', '--text', 'Hi']);
    const file = join(tempDir(), 'hi.png');
    const r = await run(['qr', '-o', file], { stdin: linked.stdout });
    expect(r.code).toBe(0);
    expectPngFile(file, 'https://wa.me/919876543210?text=Hi');
  });
});

describe('wabox qr: bad input', () => {
  it.each([
    [['qr', ''], 'nothing to encode: the QR data is empty'],
    [['qr', '   '], 'nothing to encode: the QR data is empty'],
    [['qr', '-o', 'x.png'], 'nothing to encode: the QR data is empty'],
  ])('refuses empty data: %j', async (argv, message) => {
    const dir = tempDir();
    expectError(await run(argv.map((a) => (a === 'x.png' ? join(dir, a) : a))), 2, message);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses data too long for a QR code, with a hint', async () => {
    const dir = tempDir();
    const file = join(dir, 'c.png');
    expectError(
      await run(['qr', 'a'.repeat(2332), '-o', file]),
      2,
      'the data (2332 bytes) does not fit in a QR code at error correction M',
      'shorten the text or lower --ecl (L holds the most)',
    );
    expectError(
      await run(['qr', 'a'.repeat(2954), '-o', file, '--ecl', 'L']),
      2,
      'the data (2954 bytes) does not fit in a QR code at error correction L',
      'shorten the text',
    );
    expect(readdirSync(dir)).toEqual([]);
    // the largest that fits at L is written and reads back
    expect((await run(['qr', 'a'.repeat(2953), '-o', file, '--ecl', 'L', '--scale', '2'])).code).toBe(0);
    expect(jsqrText(readFileSync(file))).toBe('a'.repeat(2953));
  });

  it('refuses --json without -o, as a JSON error', async () => {
    const r = await run(['qr', URL, '--json']);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(JSON.parse(r.stderr)).toEqual({
      error: {
        code: 'usage.conflict',
        message: '--json needs stdout, where the QR code would go: pass -o <file>',
        exitCode: 2,
      },
    });
  });

  it.each([
    [['--dark', '#zzz'], '--dark "#zzz" is not a hex colour such as #000000 or #1a2b3c', undefined],
    [['--light', 'white'], '--light "white" is not a hex colour such as #000000 or #1a2b3c', undefined],
    [
      ['--dark', '#777777', '--light', '#888888'],
      '--dark #777777 on --light #888888 has a contrast of 1.3:1; QR codes need at least 4:1 to scan reliably',
      'use a darker --dark or a lighter --light',
    ],
    [
      ['--dark', '#ffffff', '--light', '#000000'],
      '--dark #ffffff is not darker than --light #000000: many scanners cannot read inverted QR codes',
      undefined,
    ],
    [['--scale', '0'], '--scale must be a whole number from 1 to 100, not "0"', undefined],
    [['--scale', '101'], '--scale must be a whole number from 1 to 100, not "101"', undefined],
    [['--scale', '2.5'], '--scale must be a whole number from 1 to 100, not "2.5"', undefined],
    [['--scale', 'big'], '--scale must be a whole number from 1 to 100, not "big"', undefined],
    [['--margin', '65'], '--margin must be a whole number from 0 to 64, not "65"', undefined],
    [['--margin', '-1'], '--margin must be a whole number from 0 to 64, not "-1"', undefined],
    [
      ['--ecl', 'X'],
      "option '--ecl <level>' argument 'X' is invalid. Allowed choices are L, M, Q, H.",
      'see --help for usage and examples',
    ],
    [
      ['--format', 'jpg'],
      "option '-f, --format <format>' argument 'jpg' is invalid. Allowed choices are png, svg, terminal.",
      'see --help for usage and examples',
    ],
  ])('refuses %j with exit 2 and writes nothing', async (flags, message, hint) => {
    const dir = tempDir();
    expectError(await run(['qr', URL, '-o', join(dir, 'c.png'), ...flags]), 2, message, hint);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an output name it cannot tell the format of, and --format terminal to a file', async () => {
    const dir = tempDir();
    expectError(
      await run(['qr', URL, '-o', join(dir, 'c.jpg')]),
      2,
      `cannot tell the QR format from "${join(dir, 'c.jpg')}": name it .png or .svg, or pass --format`,
    );
    expectError(
      await run(['qr', URL, '-o', join(dir, 'c.png'), '--format', 'terminal']),
      2,
      '--format terminal draws on stdout: use -o - (or no -o)',
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses link flags when the data is not a phone number', async () => {
    expectError(
      await run(['qr', URL, '--text', 'Hi']),
      2,
      '--text, --var, --ref, --api and --country apply when the data is a phone number',
    );
  });

  it('refuses data with --share, and --text - when the data comes from stdin too', async () => {
    expectError(
      await run(['qr', '+919876543210', '--share', '--text', 'Hi']),
      2,
      '--share makes a link without a number: drop the data or --share',
    );
    expectError(
      await run(['qr', '--text', '-'], { stdin: '+919876543210' }),
      2,
      '--text - and QR data cannot both come from stdin: pass the data as an argument',
    );
    expectError(await run(['qr', '--share']), 2, 'a share link needs text: pass --text');
  });

  it('refuses a phone number it cannot make a link of', async () => {
    expectError(
      await run(['qr', '07911 123456']),
      2,
      '"07911 123456" has no country code',
      'write the number with its country code (+44 7700 900123) or pass --country (e.g. --country GB)',
    );
    expectError(await run(['qr', '+91 98765']), 2, '"+91 98765" is too short for IN');
  });

  it('fails with exit 1 on an unwritable output path and leaves no temp file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    const target = join(dir, 'file', 'c.png');
    expectError(
      await run(['qr', URL, '-o', target]),
      1,
      `cannot write ${target}: a part of the path is not a directory`,
    );
    const missing = join(dir, 'no-such-dir', 'c.png');
    expectError(
      await run(['qr', URL, '-o', missing]),
      1,
      `cannot write ${missing}: no such file or directory`,
    );
    const isDir = join(dir, 'sub.png');
    await run(['qr', URL, '-o', join(dir, 'ok.png')]);
    expect(readdirSync(dir).sort()).toEqual(['file', 'ok.png']);
    // a directory named like the output
    mkdirSync(isDir);
    expectError(await run(['qr', URL, '-o', isDir]), 1, `cannot write ${isDir}: it is a directory`);
    expect(readdirSync(dir).sort()).toEqual(['file', 'ok.png', 'sub.png']);
  });
});

describe('qr --raw', () => {
  it('encodes digit-only data as it is instead of building a link', async () => {
    const file = join(tempDir(), 'd.png');
    const raw = await run(['qr', '2024-01-01', '--raw', '-o', file]);
    expect(raw.code).toBe(0);
    expect(jsqrText(readFileSync(file))).toBe('2024-01-01');
    const asPhone = await run(['qr', '12345678', '-o', file]);
    expect(asPhone.code).toBe(2);
    expect(asPhone.stderr).toMatch(/^error: /);
  });
});
