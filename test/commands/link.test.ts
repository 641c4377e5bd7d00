import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectError, warnings } from '../helpers/assert.js';
import { run, spawnCli, tempDir } from '../helpers/cli.js';
import { LINK_CASES } from '../helpers/link-cases.js';
import {
  bitmapToImage,
  jsqrBytes,
  jsqrText,
  parseSvg,
  parseTerminal,
  zbarText,
} from '../helpers/qr-decode.js';

const IN = '+919876543210';

describe('wabox link: every link case, and inspect(link(x)) gives back x', () => {
  it.each(LINK_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const built = await run(['link', ...c.args, '--json']);
    expect(built.code).toBe(0);
    const json = JSON.parse(built.stdout) as Record<string, unknown>;
    // exactly these keys, in this order: the JSON shape is an interface
    expect(Object.keys(json)).toEqual(['url', 'phone', 'waId', 'country', 'text', 'ref']);
    expect(json).toEqual(c.expected);

    const plain = await run(['link', ...c.args]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe(`${c.expected.url}\n`);

    const inspected = await run(['inspect', c.expected.url, '--json']);
    expect(inspected.code).toBe(0);
    expect(inspected.stderr).toBe('');
    expect(JSON.parse(inspected.stdout)).toEqual({ ...c.expected, form: c.form });
  });

  it('through the built CLI: every link piped to `inspect --json` comes back as NDJSON', async () => {
    const urls = LINK_CASES.map((c) => c.expected.url);
    const r = await spawnCli(['inspect', '--json'], { stdin: `${urls.join('\n')}\n` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(LINK_CASES.map((c) => ({ ...c.expected, form: c.form })));
  });

  it('through the built CLI: `link --text -` reads the text from stdin', async () => {
    const text = 'નમસ્તે 🙏\nمرحبا & #1';
    const linked = await spawnCli(['link', IN, '--text', '-', '--ref', 'stdin', '--json'], {
      stdin: `${text}\n`,
    });
    expect(linked.code).toBe(0);
    const { url } = JSON.parse(linked.stdout) as { url: string };
    const inspected = await spawnCli(['inspect', url, '--json']);
    expect(JSON.parse(inspected.stdout)).toMatchObject({ text, ref: 'stdin', waId: '919876543210' });
  });
});

describe('wabox link: numbers', () => {
  it('prints the wa.me link and nothing else', async () => {
    const r = await run(['link', '+91 98765 43210']);
    expect(r).toMatchObject({ code: 0, stdout: 'https://wa.me/919876543210\n', stderr: '' });
  });

  it.each([
    ['+91 98765', '"+91 98765" is too short for IN'],
    ['+91 98765 43210 1234567', '"+91 98765 43210 1234567" is too long for IN'],
    ['+44 7700 9001', '"+44 7700 9001" is not a valid number for +44'],
    ['+999 1234 5678', '"+999 1234 5678" starts with an unknown country calling code'],
    [
      'abc',
      '"abc" is not a phone number: use digits with an optional leading + and spaces, dashes, dots or brackets',
    ],
    [
      '+91 98765 4321x',
      '"+91 98765 4321x" is not a phone number: use digits with an optional leading + and spaces, dashes, dots or brackets',
    ],
    ['', 'empty phone number'],
  ])('refuses %j: exit 2 and one line saying why', async (phone, message) => {
    expectError(await run(['link', phone, '--text', 'Hi']), 2, message);
  });

  it('refuses a number without a country code, naming --country', async () => {
    expectError(
      await run(['link', '07700 900123']),
      2,
      '"07700 900123" has no country code',
      'write the number with its country code (+44 7700 900123) or pass --country (e.g. --country GB)',
    );
  });

  it.each(['XX', 'GBR', '44'])('refuses --country %s', async (country) => {
    expectError(
      await run(['link', '07700 900123', '--country', country]),
      2,
      `unknown country "${country}": expected a two-letter ISO 3166-1 code such as IN, GB or US`,
    );
  });

  it('refuses a number in no assigned range with --strict, and warns without it', async () => {
    expectError(
      await run(['link', '+44 7700 900123', '--strict']),
      2,
      '"+44 7700 900123" is not a valid number for GB',
      'its length is possible but no such number is assigned; drop --strict to allow it',
    );
    const r = await run(['link', '+44 7700 900123']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('https://wa.me/447700900123\n');
    expect(r.stderr).toBe(
      'warning: +447700900123 has a possible length but is in no assigned range for GB (libphonenumber metadata): check it\n',
    );
  });

  it('warns about a fixed-line number on stderr and keeps stdout clean', async () => {
    const r = await run(['link', '+44 20 7946 0958', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ waId: '442079460958', country: 'GB' });
    expect(warnings(r.stderr)).toEqual([
      '+442079460958 is a fixed-line number: it has WhatsApp only if a business registered the landline for WhatsApp Business',
    ]);
  });

  it('refuses a missing number, and a number with --share', async () => {
    expectError(
      await run(['link', '--text', 'Hi']),
      2,
      'missing phone number',
      'give it as an argument (wabox link <phone>) or on stdin (echo <phone> | wabox link); --share makes a link without a number',
    );
    // a terminal on stdin is not read
    expectError(
      await run(['link', '--text', 'Hi'], { tty: true }),
      2,
      'missing phone number',
      'give it as an argument (wabox link <phone>) or on stdin (echo <phone> | wabox link); --share makes a link without a number',
    );
    expectError(
      await run(['link', IN, '--share', '--text', 'Hi']),
      2,
      '--share makes a link without a number: drop the phone number or --share',
    );
  });
});

describe('wabox link: the phone number on stdin', () => {
  it('reads one value from a pipe when no phone is given, or for "-"', async () => {
    for (const argv of [['link'], ['link', '-']]) {
      const r = await run([...argv, '--text', 'Hi'], { stdin: '+919876543210\n' });
      expect(r).toMatchObject({ code: 0, stdout: 'https://wa.me/919876543210?text=Hi\n', stderr: '' });
    }
    const json = await run(['link', '-', '--json'], { stdin: '  07700 900123 \r\n\n', env: {} });
    expect(json.code).toBe(2);
    const gb = await run(['link', '--country', 'GB', '--json'], { stdin: '  07700 900123 \r\n\n' });
    expect(JSON.parse(gb.stdout)).toMatchObject({ phone: '+447700900123', country: 'GB' });
  });

  it('the built CLI in a real pipe', async () => {
    const r = await spawnCli(['link'], { stdin: '+919876543210\n' });
    expect(r).toMatchObject({ code: 0, stdout: 'https://wa.me/919876543210\n', stderr: '' });
  });

  it('refuses the phone and --text - both from stdin, several lines, and an empty "-"', async () => {
    expectError(
      await run(['link', '-', '--text', '-'], { stdin: '+919876543210\n' }),
      2,
      'the phone number and --text - cannot both come from stdin: give one as an argument',
      'echo "Hi" | wabox link +919876543210 --text -',
    );
    // with no phone argument, --text - takes stdin and the phone is missing
    expectError(await run(['link', '--text', '-'], { stdin: 'Hi\n' }), 2, 'missing phone number');
    expectError(
      await run(['link'], { stdin: '+919876543210\n+447700900123\n' }),
      2,
      'stdin holds 2 lines: wabox link reads one phone number from it',
      'for many numbers, a CSV with a phone column: wabox link --batch -',
    );
    expectError(await run(['link', '-'], { stdin: '\n' }), 2, 'no phone number on stdin');
    // --share makes a link without a number: stdin is not read for one
    const share = await run(['link', '--share', '--text', 'Hi'], { stdin: '+919876543210\n' });
    expect(share).toMatchObject({ code: 0, stdout: 'https://wa.me/?text=Hi\n' });
  });
});

describe('wabox link: default country from the config', () => {
  it('uses `config set default-country`, and --country wins over it', async () => {
    const env = { WABOX_CONFIG_DIR: tempDir() };
    expect((await run(['config', 'set', 'default-country', 'gb'], { env })).code).toBe(0);
    const r = await run(['link', '07911 123456', '--json'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ phone: '+447911123456', waId: '447911123456' });
    const us = await run(['link', '(650) 253-0000', '--country', 'US'], { env });
    expect(us.stdout).toBe('https://wa.me/16502530000\n');
  });

  it('does not read the config for a number with a country code', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), '{ not json');
    const env = { WABOX_CONFIG_DIR: dir };
    expect((await run(['link', '+91 98765 43210'], { env })).stdout).toBe('https://wa.me/919876543210\n');
    // a national number needs it, and a broken file is a configuration error (exit 3)
    const r = await run(['link', '98765 43210'], { env });
    expectError(
      r,
      3,
      /config\.json is not valid JSON: /,
      'fix the file by hand, or move it away to start over',
    );
  });
});

describe('wabox link: text', () => {
  it.each([
    ['', 'the text is empty'],
    ['   ', 'the text is empty'],
    ['\n\t', 'the text is empty'],
  ])('refuses the empty text %j', async (text, message) => {
    expectError(
      await run(['link', IN, '--text', text]),
      2,
      message,
      'omit --text for a link without prefilled text',
    );
  });

  it('refuses a text that is empty once its placeholders are filled', async () => {
    for (const value of ['name=', 'name=  ']) {
      expectError(
        await run(['link', IN, '--text', '{{name}}', '--var', value, '--ref', 'x']),
        2,
        'the text is empty',
        'omit --text for a link without prefilled text',
      );
    }
    expectError(await run(['link', IN, '--text', ' {{name|}} ']), 2, 'the text is empty', /omit --text/);
  });

  it('reads --text - from stdin, dropping one trailing newline', async () => {
    const r = await run(['link', IN, '--text', '-', '--json'], { stdin: 'Line 1\nનમસ્તે 🙏\n\n' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).text).toBe('Line 1\nનમસ્તે 🙏\n');
    const crlf = await run(['link', IN, '--text', '-', '--json'], { stdin: 'Hi\r\n' });
    expect(JSON.parse(crlf.stdout).text).toBe('Hi');
  });

  it.each([
    ['invalid UTF-8', Buffer.from([0x48, 0x69, 0xff, 0xfe]), 'text on stdin is not UTF-8 text'],
    ['a truncated UTF-8 sequence', Buffer.from([0xe0, 0xaa]), 'text on stdin is not UTF-8 text'],
    [
      'a NUL byte',
      Buffer.from('a\u0000b'),
      'text on stdin contains a binary control character (U+0000); is it really text?',
    ],
    [
      'an escape byte',
      Buffer.from('a\u001bb'),
      'text on stdin contains a binary control character (U+001b); is it really text?',
    ],
    [
      'a PNG file',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      'text on stdin is not UTF-8 text',
    ],
  ])('refuses %s on stdin with exit 2', async (_what, stdin, message) => {
    expectError(await run(['link', IN, '--text', '-'], { stdin }), 2, message);
  });

  it('refuses empty stdin as empty text', async () => {
    expectError(await run(['link', IN, '--text', '-'], { stdin: '' }), 2, 'the text is empty', /omit --text/);
    expectError(
      await run(['link', IN, '--text', '-'], { stdin: '\n' }),
      2,
      'the text is empty',
      /omit --text/,
    );
  });

  it('refuses binary garbage on stdin through the built CLI too', async () => {
    const garbage = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 97 + 13) & 0xff));
    expectError(
      await spawnCli(['link', IN, '--text', '-'], { stdin: garbage }),
      2,
      'text on stdin is not UTF-8 text',
    );
  });

  it('names the placeholder left without a value', async () => {
    expectError(
      await run(['link', IN, '--text', 'Hi {{name}}, see you in {{city}}', '--var', 'name=Asha']),
      2,
      'no value for {{city}}',
      'give it a value with --var city=... or a default such as {{city|...}}',
    );
    expectError(
      await run(['link', IN, '--text', 'Hi {{name}} {{city}}']),
      2,
      'no value for {{name}}, {{city}}',
      'give each a value with --var name=... or a default such as {{name|...}}',
    );
  });

  it('refuses a malformed placeholder and a malformed --var', async () => {
    expectError(
      await run(['link', IN, '--text', 'Hi {{name']),
      2,
      'unclosed placeholder "{{name": close it with }} or write \\{{ for literal braces',
    );
    expectError(
      await run(['link', IN, '--text', 'Hi {{name}}', '--var', 'name']),
      2,
      '--var "name" is not key=value (the key is letters, digits, _ . -)',
    );
  });

  it('warns about an unused --var, and --var without --text', async () => {
    const r = await run([
      'link',
      IN,
      '--text',
      'Hi {{name}}',
      '--var',
      'name=A',
      '--var',
      'extra=1',
      '--var',
      'more=2',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('https://wa.me/919876543210?text=Hi%20A\n');
    expect(warnings(r.stderr)).toEqual(['--var extra, more not used: the text has no such placeholder']);
    const alone = await run(['link', IN, '--var', 'name=A']);
    expect(alone.stdout).toBe('https://wa.me/919876543210\n');
    expect(warnings(alone.stderr)).toEqual(['--var given without --text: nothing to fill']);
  });

  it('warns when the text holds a ref tag of its own', async () => {
    const r = await run(['link', IN, '--text', 'Hi [ref:abc]']);
    expect(r.code).toBe(0);
    expect(warnings(r.stderr)).toEqual([
      'the text contains a [ref:...] tag, which the inbox will read as a campaign reference',
    ]);
  });

  it('warns about a text over 4096 characters, saying where the limit comes from', async () => {
    const text = '🙏'.repeat(4097); // characters, not UTF-16 units
    const r = await run(['link', IN, '--text', text, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).text).toBe(text);
    const w = warnings(r.stderr);
    expect(w[0]).toBe(
      'the text is 4097 characters; WhatsApp sends at most 4096 in one message (Cloud API text.body limit)',
    );
    expect(w[1]).toMatch(/^the link is \d+ characters; links over ~2000 break in some browsers/);
    const exact = await run(['link', IN, '--text', '🙏'.repeat(4096)]);
    expect(warnings(exact.stderr).some((l) => l.startsWith('the text is'))).toBe(false);
  });

  it('warns about a link over 2000 characters with a text under the message limit', async () => {
    const text = 'a b '.repeat(300); // 1,200 characters, each space three in the URL
    const r = await run(['link', IN, '--text', text]);
    expect(r.code).toBe(0);
    const url = r.stdout.trimEnd();
    expect(url.length).toBeGreaterThan(2000);
    expect(warnings(r.stderr)).toEqual([
      `the link is ${url.length} characters; links over ~2000 break in some browsers, mail clients and QR scanners (wa.me documents no limit)`,
    ]);
  });
});

describe('wabox link: refs and forms', () => {
  it.each(['bad ref', '-x', 'x'.repeat(41), 'ü', ''])('refuses the ref %j with exit 2', async (ref) => {
    expectError(
      await run(['link', IN, '--text', 'Hi', '--ref', ref]),
      2,
      `invalid ref "${ref}": use 1-40 letters, digits, _ . or -, starting with a letter or digit`,
    );
  });

  it('refuses --api with --share, and --share without text', async () => {
    expectError(
      await run(['link', '--share', '--api', '--text', 'Hi']),
      2,
      "option '--api' cannot be used with option '--share'",
      'see --help for usage and examples',
    );
    expectError(await run(['link', '--share']), 2, 'a share link needs text: pass --text');
  });

  it('makes a share link from a ref alone', async () => {
    const r = await run(['link', '--share', '--ref', 'menu']);
    expect(r.stdout).toBe('https://wa.me/?text=%5Bref%3Amenu%5D\n');
  });
});

describe('wabox link --qr', () => {
  it('writes a PNG of the link that jsQR and zbarimg decode to the URL', async () => {
    const dir = tempDir();
    const file = join(dir, 'asha.png');
    const r = await run(['link', IN, '--text', 'Hello {{name}} 🙏', '--var', 'name=Asha', '--qr', file]);
    expect(r.code).toBe(0);
    const url = 'https://wa.me/919876543210?text=Hello%20Asha%20%F0%9F%99%8F';
    expect(r.stdout).toBe(`${url}\n`);
    expect(jsqrText(readFileSync(file))).toBe(url);
    expect(zbarText(file)).toBe(url);
    expect(readdirSync(dir)).toEqual(['asha.png']);
  });

  it('writes an SVG whose modules decode to the URL', async () => {
    const file = join(tempDir(), 'code.svg');
    const r = await run(['link', IN, '--ref', 'svg', '--qr', file, '--ecl', 'H', '--dark', '#0b3d2e']);
    expect(r.code).toBe(0);
    const svg = parseSvg(readFileSync(file, 'utf8'));
    expect(svg.dark).toBe('#0b3d2e');
    expect(jsqrBytes(bitmapToImage(svg.modules))?.toString()).toBe(
      'https://wa.me/919876543210?text=%5Bref%3Asvg%5D',
    );
  });

  it('adds the QR file to --json', async () => {
    const file = join(tempDir(), 'code.png');
    const r = await run(['link', IN, '--qr', file, '--json']);
    expect(JSON.parse(r.stdout)).toEqual({
      url: 'https://wa.me/919876543210',
      phone: IN,
      waId: '919876543210',
      country: 'IN',
      text: null,
      ref: null,
      qr: { file, format: 'png', version: 2, modules: 25 },
    });
  });

  it('draws the code in the terminal with --qr -, the link on the last line', async () => {
    const r = await run(['link', IN, '--text', 'Hi', '--qr', '-']);
    expect(r.code).toBe(0);
    const lines = r.stdout.replace(/\n$/, '').split('\n');
    expect(lines.pop()).toBe('https://wa.me/919876543210?text=Hi');
    const grid = parseTerminal(lines.join('\n'), false);
    expect(jsqrBytes(bitmapToImage(grid))?.toString()).toBe('https://wa.me/919876543210?text=Hi');
  });

  it('refuses --qr - with --json, and an unknown extension, before writing anything', async () => {
    const json = await run(['link', IN, '--qr', '-', '--json']);
    expect({ code: json.code, stdout: json.stdout }).toEqual({ code: 2, stdout: '' });
    expect(JSON.parse(json.stderr)).toEqual({
      error: {
        code: 'usage.conflict',
        message: '--qr - draws on stdout, which --json needs: write the QR code to a file',
        exitCode: 2,
      },
    });
    const dir = tempDir();
    expectError(
      await run(['link', IN, '--qr', join(dir, 'code.jpg')]),
      2,
      `cannot tell the QR format from "${join(dir, 'code.jpg')}": name it .png or .svg, or pass --format`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('fails with exit 1 on an unwritable QR path and leaves nothing behind', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    const target = join(dir, 'file', 'code.png');
    expectError(
      await run(['link', IN, '--qr', target]),
      1,
      `cannot write ${target}: a part of the path is not a directory`,
    );
    expect(readdirSync(dir)).toEqual(['file']);
  });

  it('refuses bad QR styles', async () => {
    const file = join(tempDir(), 'c.png');
    expectError(
      await run(['link', IN, '--qr', file, '--dark', '#eeeeee']),
      2,
      '--dark #eeeeee on --light #ffffff has a contrast of 1.2:1; QR codes need at least 4:1 to scan reliably',
      'use a darker --dark or a lighter --light',
    );
    expectError(
      await run(['link', IN, '--qr', file, '--scale', '0']),
      2,
      '--scale must be a whole number from 1 to 100, not "0"',
    );
  });
});

describe('colour', () => {
  it('colours warnings when colour is on, and --no-color turns it off; stdout never has colour', async () => {
    const coloured = await run(['link', '+44 20 7946 0958'], { tty: true, color: true });
    expect(coloured.stderr).toMatch(/^\x1b\[33mwarning:\x1b\[39m /);
    expect(coloured.stdout).toBe('https://wa.me/442079460958\n');
    const plain = await run(['--no-color', 'link', '+44 20 7946 0958'], { tty: true, color: true });
    expect(plain.stderr).toMatch(/^warning: /);
    expect(plain.stderr).not.toContain('\x1b');
  });
});
