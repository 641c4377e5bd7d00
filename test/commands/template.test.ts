import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Prompter } from '../../src/cli/prompt.js';
import { run, spawnCli, tempDir } from '../helpers/cli.js';

/** A config dir shared by several runs, and a runner bound to it. */
function workspace(clock = new Date('2024-03-09T14:30:00Z')) {
  const dir = tempDir('wabox-tpl-');
  const env = { WABOX_CONFIG_DIR: dir };
  return {
    dir,
    file: join(dir, 'templates.json'),
    run: (argv: string[], options: Parameters<typeof run>[1] = {}) =>
      run(argv, {
        ...options,
        env: { ...env, ...options.env },
        overrides: { clock: () => clock, ...options.overrides },
      }),
  };
}

function errorOf(r: { code: number; stdout: string; stderr: string }) {
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** Answers prompts in order and records what was asked. */
function scripted(answers: Array<string | boolean>): { prompter: Prompter; asked: string[] } {
  const asked: string[] = [];
  const next = (message: string) => {
    asked.push(message);
    if (answers.length === 0) throw new Error(`unexpected prompt: ${message}`);
    return answers.shift();
  };
  return {
    asked,
    prompter: {
      input: async (o) => {
        const answer = String(next(o.message));
        const valid = o.validate?.(answer) ?? true;
        if (valid !== true) throw new Error(`prompt "${o.message}" refused "${answer}": ${valid}`);
        return answer;
      },
      select: async (o) => next(o.message) as never,
      confirm: async (o) => next(o.message) as boolean,
    },
  };
}

const PRICE = ['template', 'add', '--kind', 'quick-reply', '--name', 'price', '--shortcut', '/price'];

describe('wabox template add', () => {
  it('adds from flags and stores a validated, ordered template with mode 0600', async () => {
    const w = workspace();
    const r = await w.run([
      ...PRICE,
      '--body',
      '{{item}} costs {{price}}.',
      '--lang',
      'EN-in',
      '--tag',
      'faq',
      '--tag',
      'faq',
      '--description',
      'price question',
      '--default',
      'item=Masala chai',
    ]);
    expect(errorOf(r)).toEqual({ code: 0, stdout: '', stderr: 'added quick-reply "price" (/price)\n' });
    const stored = JSON.parse(readFileSync(w.file, 'utf8'));
    expect(stored).toEqual({
      version: 1,
      templates: [
        {
          name: 'price',
          kind: 'quick-reply',
          shortcut: '/price',
          language: 'en-IN',
          description: 'price question',
          tags: ['faq'],
          variables: [{ name: 'item', default: 'Masala chai' }],
          body: '{{item}} costs {{price}}.',
        },
      ],
    });
    expect(statSync(w.file).mode & 0o777).toBe(0o600);
    const json = await w.run([
      'template',
      'add',
      '-k',
      'cta',
      '-n',
      'order',
      '-b',
      'I want to order',
      '--json',
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      name: 'order',
      kind: 'cta',
      language: 'en',
      body: 'I want to order',
    });
  });

  it('reads --body - from stdin byte-exact (one trailing newline dropped)', async () => {
    const w = workspace();
    const body = 'سلام {{contact.name|دوست}} 👋🏽\u200f\n\nनमस्ते e\u0301\n\tend  ';
    const r = await w.run(['template', 'add', '-k', 'greeting', '-n', 'hello', '-l', 'ur', '--body', '-'], {
      stdin: `${body}\n`,
    });
    expect(r.code).toBe(0);
    const shown = await w.run(['template', 'show', 'hello', '--json']);
    expect(JSON.parse(shown.stdout).body).toBe(body);
    const rendered = await w.run(['template', 'render', 'hello']);
    expect(rendered.stdoutBytes).toEqual(Buffer.from(`${body.replace('{{contact.name|دوست}}', 'دوست')}\n`));
  });

  it('names every missing flag when it cannot ask', async () => {
    const w = workspace();
    expect(errorOf(await w.run(['template', 'add', '--kind', 'quick-reply']))).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: missing --name, --shortcut, --body: a template needs --kind, --name and --body (and --shortcut for a quick reply)\nhint: pass it as a flag, or run on a terminal to be asked\n',
    });
  });

  it('asks for what is missing on a terminal', async () => {
    const w = workspace();
    const { prompter, asked } = scripted([
      'quick-reply',
      'thanks',
      '/ty',
      'hi',
      'धन्यवाद {{contact.name|जी}}!',
    ]);
    const r = await w.run(['template', 'add'], {
      canPrompt: true,
      overrides: { prompt: async () => prompter },
    });
    expect(errorOf(r)).toEqual({ code: 0, stdout: '', stderr: 'added quick-reply "thanks" (/ty)\n' });
    expect(asked).toEqual([
      'Kind',
      'Name',
      'Shortcut (e.g. /price)',
      'Language (BCP 47)',
      'Body (one line; several lines: --body - or template edit)',
    ]);
    expect(JSON.parse((await w.run(['template', 'show', '/ty', '--json'])).stdout)).toEqual({
      name: 'thanks',
      kind: 'quick-reply',
      shortcut: '/ty',
      language: 'hi',
      body: 'धन्यवाद {{contact.name|जी}}!',
    });
  });

  it('refuses duplicates, bad shortcuts, a second greeting per language and bad values', async () => {
    const w = workspace();
    expect((await w.run([...PRICE, '--body', 'x'])).code).toBe(0);
    expect(
      (await w.run(['template', 'add', '-k', 'greeting', '-n', 'hello', '-l', 'hi', '-b', 'नमस्ते'])).code,
    ).toBe(0);
    expect(
      (await w.run(['template', 'add', '-k', 'csat', '-n', 'rate', '-l', 'hi', '-b', 'कैसा रहा?'])).code,
    ).toBe(0);
    const before = readFileSync(w.file, 'utf8');
    const cases: Array<[string[], number, string]> = [
      [
        ['template', 'add', '-k', 'csat', '-n', 'rate2', '-l', 'hi', '-b', 'x'],
        2,
        'error: cannot add "rate2": there is already a csat message in hi ("rate"); one per language\nhint: change that one instead: wabox template edit rate\n',
      ],
      [
        ['template', 'add', '-k', 'csat', '-n', 'long', '-b', 'x'.repeat(1025)],
        2,
        `error: invalid template "long": a csat question is at most 1024 characters (WhatsApp's limit for its body)\n`,
      ],
      [
        ['template', 'add', '-k', 'cta', '-n', 'PRICE', '-b', 'x'],
        2,
        'error: cannot add "PRICE": the name is taken\nhint: choose another --name, or change it: wabox template edit price\n',
      ],
      [
        ['template', 'add', '-k', 'quick-reply', '-n', 'cost', '-s', 'Price', '-b', 'x'],
        2,
        'error: cannot add "cost": shortcut /Price is used by "price"\nhint: choose another --shortcut\n',
      ],
      [
        ['template', 'add', '-k', 'greeting', '-n', 'hello2', '-l', 'hi', '-b', 'x'],
        2,
        'error: cannot add "hello2": there is already a greeting message in hi ("hello"); one per language\nhint: change that one instead: wabox template edit hello\n',
      ],
      [
        ['template', 'add', '-k', 'quick-reply', '-n', 'q', '-s', '/two words', '-b', 'x'],
        2,
        'error: invalid template "q": invalid shortcut "/two words": use "/" and 1-32 letters, digits, _ or -, e.g. /price\n',
      ],
      [
        ['template', 'add', '-k', 'cta', '-n', 'c', '-s', '/c', '-l', 'xx-invalid!!', '-b', 'Hi {{name'],
        2,
        'error: invalid template "c": only quick replies have a shortcut (this is a cta); invalid language "xx-invalid!!": use a BCP 47 tag such as en, hi, gu, ur or pt-BR; unclosed placeholder "{{name": close it with }} or write \\{{ for literal braces\n',
      ],
      [
        ['template', 'add', '-k', 'reply', '-n', 'c', '-b', 'x'],
        2,
        "error: option '-k, --kind <kind>' argument 'reply' is invalid. Allowed choices are quick-reply, greeting, away, cta, csat.\nhint: see --help for usage and examples\n",
      ],
      [
        ['template', 'add', '-k', 'cta', '-n', 'c', '-b', 'Hi {{name}}', '--default', 'city=Pune'],
        2,
        'error: invalid template "c": variable "city" is declared but the body has no {{city}}\n',
      ],
    ];
    for (const [argv, code, stderr] of cases)
      expect(errorOf(await w.run(argv))).toEqual({ code, stdout: '', stderr });
    expect(readFileSync(w.file, 'utf8')).toBe(before);
  });

  it('warns when the body is over the 4,096-character message limit', async () => {
    const w = workspace();
    const r = await w.run(['template', 'add', '-k', 'cta', '-n', 'long', '-b', 'x'.repeat(4097)]);
    expect(errorOf(r)).toEqual({
      code: 0,
      stdout: '',
      stderr:
        'warning: the body is 4097 characters; WhatsApp sends at most 4096 in one message\nadded cta "long"\n',
    });
  });
});

describe('wabox template list, show', () => {
  async function library() {
    const w = workspace();
    for (const argv of [
      [...PRICE, '-b', 'Price:\n{{item}}', '--tag', 'faq'],
      ['template', 'add', '-k', 'away', '-n', 'away-hi', '-l', 'hi', '-b', 'हम {{next_open}} फिर मिलेंगे'],
      [
        'template',
        'add',
        '-k',
        'cta',
        '-n',
        'order',
        '-l',
        'en-GB',
        '-b',
        'I would like to order',
        '--tag',
        'ads',
      ],
      ['template', 'add', '-k', 'greeting', '-n', 'hello', '-b', 'Hello {{contact.name|there}}'],
    ])
      expect((await w.run(argv)).code).toBe(0);
    return w;
  }

  it('lists as tab-separated lines in a pipe, sorted by kind, language, name', async () => {
    const w = await library();
    const r = await w.run(['template', 'list']);
    expect(errorOf(r)).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'hello\tgreeting\t-\ten\t-\tHello {{contact.name|there}}',
        'away-hi\taway\t-\thi\t-\tहम {{next_open}} फिर मिलेंगे',
        'price\tquick-reply\t/price\ten\tfaq\tPrice: ⏎ {{item}}',
        'order\tcta\t-\ten-GB\tads\tI would like to order',
        '',
      ].join('\n'),
    });
  });

  it('filters by --kind, --lang (en matches en-GB) and --tag; --json is an array of templates', async () => {
    const w = await library();
    const names = async (args: string[]) =>
      (
        JSON.parse((await w.run(['template', 'list', ...args, '--json'])).stdout) as Array<{ name: string }>
      ).map((t) => t.name);
    expect(await names(['--kind', 'quick-reply'])).toEqual(['price']);
    expect(await names(['--lang', 'en'])).toEqual(['hello', 'price', 'order']);
    expect(await names(['--lang', 'hi'])).toEqual(['away-hi']);
    expect(await names(['--tag', 'ADS'])).toEqual(['order']);
    expect(await names(['--kind', 'away', '--lang', 'en'])).toEqual([]);
    const empty = await w.run(['template', 'list', '--kind', 'away', '--lang', 'en']);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toBe(
      'no templates; add one with "wabox template add" or a starter pack: wabox template init --pack en\n',
    );
  });

  it('draws a table on a terminal', async () => {
    const w = await library();
    const r = await w.run(['template', 'list', '--kind', 'quick-reply'], { tty: true });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^│ NAME +│ KIND +│ SHORTCUT +│ LANG +│ TAGS +│ BODY +│$/);
    expect(lines[3]).toMatch(/^│ price +│ quick-reply +│ \/price +│ en +│ faq +│ Price: ⏎ \{\{item\}\} +│$/);
  });

  it('shows fields, variables and the body verbatim; unknown is exit 6', async () => {
    const w = await library();
    const r = await w.run(['template', 'show', '/PRICE']);
    expect(errorOf(r)).toEqual({
      code: 0,
      stderr: '',
      stdout:
        'name:      price\nkind:      quick-reply\nshortcut:  /price\nlanguage:  en\ntags:      faq\nvariables: item\nbody:\nPrice:\n{{item}}\n',
    });
    expect(errorOf(await w.run(['template', 'show', 'nope']))).toEqual({
      code: 6,
      stdout: '',
      stderr: 'error: no template named "nope"\nhint: list them with: wabox template list\n',
    });
    const json = await w.run(['template', 'show', 'nope', '--json']);
    expect(json.code).toBe(6);
    expect(JSON.parse(json.stderr)).toEqual({
      error: {
        code: 'template.not_found',
        message: 'no template named "nope"',
        exitCode: 6,
        hint: 'list them with: wabox template list',
      },
    });
  });
});

describe('wabox template render', () => {
  async function setup() {
    const w = workspace();
    await w.run(['config', 'set', 'business-name', "Ravi's Tea"]);
    await w.run(['hours', 'set', 'mon-fri 09:00-18:00', '--tz', 'Asia/Kolkata']);
    await w.run([
      'template',
      'add',
      '-k',
      'away',
      '-n',
      'away',
      '-l',
      'hi',
      '-b',
      'नमस्ते {{contact.name|जी}}! {{business.name}}: हम {{next_open}} फिर उपलब्ध होंगे। ({{contact.phone|-}}, {{today}})',
    ]);
    await w.run([...PRICE, '-b', '{{item}} costs {{price}}, {{contact.name}}.', '--default', 'price=₹40']);
    return w;
  }

  it('prints exactly the text and one newline', async () => {
    const w = await setup();
    const r = await w.run([
      'template',
      'render',
      'away',
      '--contact-name',
      'Asha',
      '--contact-phone',
      '+91 98765 43210',
    ]);
    expect(errorOf(r)).toEqual({
      code: 0,
      stderr: '',
      stdout:
        "नमस्ते Asha! Ravi's Tea: हम सोमवार, 11 मार्च को सुबह 9:00 बजे फिर उपलब्ध होंगे। (+919876543210, 9 मार्च 2024)\n",
    });
  });

  it('--at moves {{today}} and {{next_open}}; --json lists each variable with its source', async () => {
    const w = await setup();
    const r = await w.run(['template', 'render', 'away', '--at', '2024-03-11T10:00', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      name: 'away',
      kind: 'away',
      language: 'hi',
      text: "नमस्ते जी! Ravi's Tea: हम मंगलवार, 12 मार्च को सुबह 9:00 बजे फिर उपलब्ध होंगे। (-, 11 मार्च 2024)",
      length: 97,
      variables: [
        { name: 'contact.name', value: 'जी', source: 'default' },
        { name: 'business.name', value: "Ravi's Tea", source: 'config' },
        { name: 'next_open', value: 'मंगलवार, 12 मार्च को सुबह 9:00 बजे', source: 'hours' },
        { name: 'contact.phone', value: '-', source: 'default' },
        { name: 'today', value: '11 मार्च 2024', source: 'clock' },
      ],
    });
    const priced = await w.run([
      'template',
      'render',
      '/price',
      '--var',
      'item=Chai',
      '--contact-name',
      'Asha',
      '--json',
    ]);
    expect(JSON.parse(priced.stdout).variables).toEqual([
      { name: 'item', value: 'Chai', source: 'var' },
      { name: 'price', value: '₹40', source: 'template' },
      { name: 'contact.name', value: 'Asha', source: 'contact' },
    ]);
  });

  it('an unknown or missing variable is an error naming every one; an unused --var is a warning', async () => {
    const w = await setup();
    expect(errorOf(await w.run(['template', 'render', '/price']))).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: template "price": no value for {{item}}, {{contact.name}}\nhint: give --var item=... (or a default: wabox template edit price --default item=...); give {{contact.name}} with --contact-name\n',
    });
    const r = await w.run([
      'template',
      'render',
      '/price',
      '--var',
      'item=Tea',
      '--var',
      'colour=red',
      '--contact-name',
      'A',
    ]);
    expect(errorOf(r)).toEqual({
      code: 0,
      stdout: 'Tea costs ₹40, A.\n',
      stderr: 'warning: --var colour not used: "price" has no such placeholder\n',
    });
    expect((await w.run(['template', 'render', '/price', '--var', 'bad key=1'])).stderr).toBe(
      'error: --var "bad key=1" is not key=value (the key is letters, digits, _ . -)\n',
    );
  });

  it('without business hours {{next_open}} has no value', async () => {
    const w = workspace();
    await w.run(['template', 'add', '-k', 'away', '-n', 'away', '-b', 'Back {{next_open}}']);
    expect(errorOf(await w.run(['template', 'render', 'away']))).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: template "away": no value for {{next_open}}\nhint: {{next_open}} needs business hours with an opening ahead: wabox hours set ... --tz <zone>\n',
    });
  });

  it('--check enforces the 4,096-character limit (counted in characters, not bytes)', async () => {
    const w = workspace();
    await w.run(['template', 'add', '-k', 'cta', '-n', 'fits', '-b', `${'😀'.repeat(4090)}{{x}}`]);
    const ok = await w.run(['template', 'render', 'fits', '--var', 'x=123456', '--check', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).length).toBe(4096);
    expect(errorOf(await w.run(['template', 'render', 'fits', '--var', 'x=1234567', '--check']))).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: template "fits" renders to 4097 characters; WhatsApp sends at most 4096 in one text message\n',
    });
    // without --check the text is printed anyway
    expect((await w.run(['template', 'render', 'fits', '--var', 'x=1234567'])).code).toBe(0);
  });
});

describe('wabox template edit, rm', () => {
  it('edits from flags: body, rename, shortcut, tags, description; dropped defaults are reported', async () => {
    const w = workspace();
    await w.run([
      ...PRICE,
      '-b',
      '{{item}}: {{price}}',
      '--default',
      'price=₹40',
      '--tag',
      'a',
      '-d',
      'note',
    ]);
    const r = await w.run([
      'template',
      'edit',
      '/price',
      '--name',
      'cost',
      '--shortcut',
      'cost',
      '--body',
      '{{item}} only',
      '--tag',
      'b',
      '--description',
      '',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('warning: dropped the declared variable price: the body no longer uses it\n');
    expect(JSON.parse(r.stdout)).toEqual({
      name: 'cost',
      kind: 'quick-reply',
      shortcut: '/cost',
      language: 'en',
      tags: ['b'],
      body: '{{item}} only',
    });
    const kind = await w.run(['template', 'edit', 'cost', '--kind', 'cta', '--clear-tags']);
    expect(errorOf(kind)).toEqual({ code: 0, stdout: '', stderr: 'saved "cost"\n' });
    expect(JSON.parse((await w.run(['template', 'show', 'cost', '--json'])).stdout)).toEqual({
      name: 'cost',
      kind: 'cta',
      language: 'en',
      body: '{{item}} only',
    });
  });

  it('refuses a rename onto another template, and needs a flag when it cannot open an editor', async () => {
    const w = workspace();
    await w.run([...PRICE, '-b', 'x']);
    await w.run(['template', 'add', '-k', 'cta', '-n', 'order', '-b', 'y']);
    const before = readFileSync(w.file, 'utf8');
    expect(errorOf(await w.run(['template', 'edit', 'order', '--name', 'Price']))).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: cannot save "Price": the name is taken\n',
    });
    expect(errorOf(await w.run(['template', 'edit', 'order']))).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: nothing to change: pass --body, --name, --shortcut, --lang, ...\nhint: or run on a terminal to edit it in $VISUAL/$EDITOR\n',
    });
    expect(readFileSync(w.file, 'utf8')).toBe(before);
  });

  it('opens $VISUAL/$EDITOR on a terminal and stores the edited YAML', async () => {
    const w = workspace();
    await w.run([...PRICE, '-b', 'old body']);
    const script = join(w.dir, 'editor.mjs');
    writeFileSync(
      script,
      `import { readFileSync, writeFileSync } from 'node:fs';
const file = process.argv[2];
writeFileSync(file, readFileSync(file, 'utf8').replace('body: old body', 'body: |-\\n  नई कीमत: {{price}}\\n  धन्यवाद 🙏').replace('language: en', 'language: hi'));
`,
    );
    const r = await w.run(['template', 'edit', 'price'], {
      canPrompt: true,
      env: { VISUAL: `"${process.execPath}" "${script}"`, EDITOR: 'false' },
    });
    expect(errorOf(r)).toEqual({ code: 0, stdout: '', stderr: 'saved "price"\n' });
    expect(JSON.parse((await w.run(['template', 'show', 'price', '--json'])).stdout)).toEqual({
      name: 'price',
      kind: 'quick-reply',
      shortcut: '/price',
      language: 'hi',
      body: 'नई कीमत: {{price}}\nधन्यवाद 🙏',
    });
    // an editor that leaves the file alone changes nothing
    const same = await w.run(['template', 'edit', 'price'], { canPrompt: true, env: { EDITOR: 'true' } });
    expect(errorOf(same)).toEqual({ code: 0, stdout: '', stderr: 'no changes\n' });
  });

  it('an edit that does not validate is not stored, and the text is kept', async () => {
    const w = workspace();
    await w.run([...PRICE, '-b', 'x']);
    const script = join(w.dir, 'editor.mjs');
    writeFileSync(
      script,
      `import { readFileSync, writeFileSync } from 'node:fs';
writeFileSync(process.argv[2], readFileSync(process.argv[2], 'utf8').replace('shortcut: /price', 'shortcut: /bad one'));
`,
    );
    const before = readFileSync(w.file, 'utf8');
    const r = await w.run(['template', 'edit', 'price'], {
      canPrompt: true,
      env: { EDITOR: `"${process.execPath}" "${script}"` },
    });
    expect(r.code).toBe(2);
    const [error, hint] = r.stderr.trimEnd().split('\n');
    expect(error).toBe(
      'error: your edit was not saved: invalid template "price": invalid shortcut "/bad one": use "/" and 1-32 letters, digits, _ or -, e.g. /price',
    );
    const kept =
      /^hint: your text is kept in (\S+); fix it and load it with: wabox template import \1 --on-conflict overwrite$/.exec(
        hint ?? '',
      );
    expect(kept).not.toBeNull();
    expect(readFileSync(kept![1]!, 'utf8')).toContain('shortcut: /bad one');
    expect(readFileSync(w.file, 'utf8')).toBe(before);
  });

  it('rm needs --yes when it cannot ask, asks on a terminal, and removes all or nothing', async () => {
    const w = workspace();
    await w.run([...PRICE, '-b', 'x']);
    await w.run(['template', 'add', '-k', 'cta', '-n', 'order', '-b', 'y']);
    expect(errorOf(await w.run(['template', 'rm', 'price']))).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: refusing to remove price without --yes\nhint: pass --yes (nobody can be asked: not a terminal or --no-input)\n',
    });
    expect(errorOf(await w.run(['template', 'rm', 'price', 'nope', '--yes']))).toEqual({
      code: 6,
      stdout: '',
      stderr: 'error: no template named "nope"\nhint: list them with: wabox template list\n',
    });
    const no = scripted([false]);
    const cancelled = await w.run(['template', 'rm', '/price'], {
      canPrompt: true,
      overrides: { prompt: async () => no.prompter },
    });
    expect(errorOf(cancelled)).toEqual({ code: 130, stdout: '', stderr: 'error: nothing removed\n' });
    expect(no.asked).toEqual(['Remove "price"?']);
    expect((await w.run(['template', 'list', '--json'])).stdout).toContain('"price"');
    const yes = scripted([true]);
    const removed = await w.run(['template', 'rm', '/price'], {
      canPrompt: true,
      overrides: { prompt: async () => yes.prompter },
    });
    expect(errorOf(removed)).toEqual({ code: 0, stdout: '', stderr: 'removed price\n' });
    const json = await w.run(['template', 'rm', 'ORDER', '--yes', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ removed: ['order'] });
    expect(JSON.parse(readFileSync(w.file, 'utf8'))).toEqual({ version: 1, templates: [] });
  });
});

describe('wabox template export, import', () => {
  const TRICKY = [
    '  leading spaces, trailing spaces  ',
    'line one\nline two\n\n',
    'سلام 👋🏽\u200f עברית e\u0301 👩‍👩‍👧 "quotes" \'single\' # not a comment: {{x|a: b}}',
    'yes',
    '123',
    '- dash\n  - nested?\n\ttab',
    '\\{{literal}} }} {{ x }}',
    'null',
    'CRLF\r\nline',
  ];

  async function tricky() {
    const w = workspace();
    for (const [i, body] of TRICKY.entries())
      expect(
        (
          await w.run([
            'template',
            'add',
            '-k',
            'quick-reply',
            '-n',
            `t${i}`,
            '-s',
            `/t${i}`,
            '-b',
            body,
            '--tag',
            'x',
          ])
        ).code,
      ).toBe(0);
    await w.run([
      'template',
      'add',
      '-k',
      'away',
      '-n',
      'away',
      '-l',
      'ur',
      '-b',
      'واپسی {{next_open}}',
      '--default',
      'next_open=جلد',
    ]);
    return w;
  }

  it.each(['yaml', 'json'])('round-trips byte-exact through %s', async (format) => {
    const w = await tricky();
    const out = join(w.dir, `all.${format}`);
    const exported = await w.run(['template', 'export', '-o', out]);
    expect(errorOf(exported)).toEqual({ code: 0, stdout: '', stderr: `exported 10 templates to ${out}\n` });
    const original = JSON.parse((await w.run(['template', 'list', '--json'])).stdout);

    const fresh = workspace();
    const imported = await fresh.run(['template', 'import', out, '--json']);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({
      added: ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 'away'],
      overwritten: [],
      skipped: [],
      skips: [],
    });
    expect(readFileSync(fresh.file, 'utf8')).toBe(readFileSync(w.file, 'utf8'));
    expect(JSON.parse((await fresh.run(['template', 'list', '--json'])).stdout)).toEqual(original);
    const again = await fresh.run(['template', 'export', '--format', format]);
    expect(again.stdout).toBe(readFileSync(out, 'utf8'));
    for (const [i, body] of TRICKY.entries()) {
      const shown = await fresh.run(['template', 'show', `t${i}`, '--json']);
      expect(JSON.parse(shown.stdout).body).toBe(body);
    }
  });

  it('exports YAML to stdout by default, filtered', async () => {
    const w = workspace();
    await w.run([...PRICE, '-b', 'Price: {{p}}']);
    await w.run(['template', 'add', '-k', 'cta', '-n', 'order', '-b', 'Order']);
    expect(errorOf(await w.run(['template', 'export', '--kind', 'cta']))).toEqual({
      code: 0,
      stderr: '',
      stdout: 'version: 1\ntemplates:\n  - name: order\n    kind: cta\n    language: en\n    body: Order\n',
    });
    expect(JSON.parse((await w.run(['template', 'export', '--json', '--kind', 'cta'])).stdout)).toEqual({
      version: 1,
      templates: [{ name: 'order', kind: 'cta', language: 'en', body: 'Order' }],
    });
    expect(errorOf(await w.run(['template', 'export', '-o', join(w.dir, 'x.txt')]))).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: cannot tell the format from "${join(w.dir, 'x.txt')}": name it .yaml, .yml or .json, or pass --format\n`,
    });
  });

  it('imports nothing from a broken or partly invalid file, naming every bad entry', async () => {
    const w = workspace();
    await w.run([...PRICE, '-b', 'x']);
    const before = readFileSync(w.file, 'utf8');
    const broken = join(w.dir, 'broken.yaml');
    writeFileSync(broken, 'templates:\n  - name: a\n    body: "unclosed\n');
    const r1 = await w.run(['template', 'import', broken]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(
      new RegExp(
        `^error: ${broken.replace(/[.]/g, '\\.')} is not valid YAML or JSON: .+\\nhint: nothing was imported\\n$`,
      ),
    );

    const partly = join(w.dir, 'partly.json');
    writeFileSync(
      partly,
      JSON.stringify({
        version: 1,
        templates: [
          { name: 'good', kind: 'cta', language: 'en', body: 'fine' },
          { name: 'bad', kind: 'quick-reply', language: 'en', body: 'no shortcut' },
          { kind: 'cta', language: 'en', body: 'no name' },
          { name: 'good2', kind: 'quick-reply', shortcut: '/has space', language: 'en', body: 'x' },
        ],
      }),
    );
    expect(errorOf(await w.run(['template', 'import', partly]))).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: ${partly}: 3 problems, nothing imported: templates[1] ("bad"): a quick reply needs a shortcut; templates[2]: name is missing; templates[3] ("good2"): invalid shortcut "/has space": use "/" and 1-32 letters, digits, _ or -, e.g. /price\n`,
    });
    const dupes = join(w.dir, 'dupes.yaml');
    writeFileSync(
      dupes,
      'version: 1\ntemplates:\n  - {name: a, kind: cta, language: en, body: x}\n  - {name: A, kind: cta, language: en, body: y}\n',
    );
    expect((await w.run(['template', 'import', dupes])).stderr).toBe(
      `error: ${dupes}: 1 problem, nothing imported: "A": the name is taken (twice in the file)\n`,
    );
    const empty = join(w.dir, 'empty.json');
    writeFileSync(empty, '{"version": 1, "templates": []}');
    expect((await w.run(['template', 'import', empty])).stderr).toBe(`error: ${empty} holds no templates\n`);
    expect(errorOf(await w.run(['template', 'import', join(w.dir, 'missing.yaml')]))).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: cannot read ${join(w.dir, 'missing.yaml')}: no such file or directory\n`,
    });
    expect(readFileSync(w.file, 'utf8')).toBe(before);
  });

  it('--on-conflict fail lists every conflict; skip keeps yours; overwrite replaces same-named ones', async () => {
    const w = workspace();
    await w.run([...PRICE, '-b', 'mine']);
    await w.run(['template', 'add', '-k', 'greeting', '-n', 'hello', '-b', 'Hello']);
    await w.run(['template', 'add', '-k', 'cta', '-n', 'order', '-b', 'Order']);
    const before = readFileSync(w.file, 'utf8');
    const file = join(w.dir, 'team.yaml');
    writeFileSync(
      file,
      `version: 1
templates:
  - {name: price, kind: quick-reply, shortcut: /price, language: en, body: theirs}
  - {name: hi, kind: greeting, language: en, body: Hi}
  - {name: new, kind: cta, language: en, body: New}
`,
    );
    expect(errorOf(await w.run(['template', 'import', file]))).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: 2 conflicts with your templates, nothing imported: "price": the name is taken; "hi": there is already a greeting message in en ("hello"); one per language\nhint: --on-conflict skip keeps yours, --on-conflict overwrite replaces those of the same name\n',
    });
    expect(readFileSync(w.file, 'utf8')).toBe(before);
    // overwrite cannot resolve the greeting slot held by a template of another name
    expect(errorOf(await w.run(['template', 'import', file, '--on-conflict', 'overwrite']))).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: 1 conflict that overwriting by name cannot resolve, nothing imported: "hi": there is already a greeting message in en ("hello"); one per language\nhint: rename or remove those templates first (wabox template edit/rm), or use --on-conflict skip\n',
    });
    expect(readFileSync(w.file, 'utf8')).toBe(before);
    const dry = await w.run(['template', 'import', file, '--on-conflict', 'skip', '--dry-run']);
    expect(errorOf(dry)).toEqual({
      code: 0,
      stdout: '',
      stderr: `(dry run) imported from ${file}: 1 added, 2 skipped (already there: price; hi: the greeting message in en is "hello")\n`,
    });
    expect(readFileSync(w.file, 'utf8')).toBe(before);
    const skip = await w.run(['template', 'import', file, '--on-conflict', 'skip', '--json']);
    expect(JSON.parse(skip.stdout)).toEqual({
      added: ['new'],
      overwritten: [],
      skipped: ['price', 'hi'],
      skips: [
        { name: 'price', on: 'name', existing: 'price', reason: 'price: already there' },
        { name: 'hi', on: 'slot', existing: 'hello', reason: 'hi: the greeting message in en is "hello"' },
      ],
    });
    expect(JSON.parse((await w.run(['template', 'show', 'price', '--json'])).stdout).body).toBe('mine');

    await w.run(['template', 'rm', 'hello', '--yes']);
    const over = await w.run(['template', 'import', '-', '--on-conflict', 'overwrite', '--json'], {
      stdin: readFileSync(file),
    });
    expect(JSON.parse(over.stdout)).toEqual({
      added: ['hi'],
      overwritten: ['price', 'new'],
      skipped: [],
      skips: [],
    });
    const names = JSON.parse(readFileSync(w.file, 'utf8')).templates.map(
      (t: { name: string; body: string }) => `${t.name}:${t.body}`,
    );
    expect(names).toEqual(['price:theirs', 'order:Order', 'new:New', 'hi:Hi']);
  });
});

describe('a hand-edited library that no longer validates', () => {
  it('is an error (exit 3) naming the file and the entry, and is never overwritten', async () => {
    const w = workspace();
    await w.run([...PRICE, '-b', 'x']);
    const broken = JSON.parse(readFileSync(w.file, 'utf8'));
    broken.templates.push({
      name: 'second',
      kind: 'quick-reply',
      shortcut: '/PRICE',
      language: 'en',
      body: 'y',
    });
    broken.templates.push({ name: 'third', kind: 'greeting', language: 'en', body: '' });
    writeFileSync(w.file, JSON.stringify(broken));
    for (const argv of [
      ['template', 'list'],
      ['template', 'add', '-k', 'cta', '-n', 'x', '-b', 'y'],
      ['template', 'render', 'price'],
    ])
      expect(errorOf(await w.run(argv))).toEqual({
        code: 3,
        stdout: '',
        stderr: `error: ${w.file}: templates[2] ("third"): body is empty\nhint: fix or remove that entry in ${w.file} (wabox never rewrites the file while it is invalid)\n`,
      });
    expect(readFileSync(w.file, 'utf8')).toBe(JSON.stringify(broken));
    broken.templates.pop();
    writeFileSync(w.file, JSON.stringify(broken));
    expect((await w.run(['template', 'list'])).stderr).toBe(
      `error: ${w.file}: templates[1] "second": shortcut /PRICE is used by "price"\nhint: fix or remove that entry in ${w.file} (wabox never rewrites the file while it is invalid)\n`,
    );
    writeFileSync(w.file, '{"version": 1, "templates": [');
    const r = await w.run(['template', 'add', '-k', 'cta', '-n', 'x', '-b', 'y']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^error: ${w.file.replace(/[.]/g, '\\.')} is not valid JSON: `));
    expect(readFileSync(w.file, 'utf8')).toBe('{"version": 1, "templates": [');
  });
});

describe('wabox template init: starter packs', () => {
  const EXPECTED_NAMES = (lang: string) =>
    [
      'greeting',
      'away',
      'csat',
      'price',
      'hours',
      'location',
      'order',
      'thanks',
      'cta-order',
      'cta-info',
    ].map((n) => `${n}-${lang}`);

  it.each(['en', 'hi', 'gu', 'ur'])('the %s pack installs and every template renders', async (lang) => {
    const w = workspace();
    await w.run(['config', 'set', 'business-name', 'Asha Sweets']);
    await w.run(['hours', 'set', 'mon-sat 10:00-19:00', '--tz', 'Asia/Kolkata']);
    const r = await w.run(['template', 'init', '--pack', lang, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      pack: lang,
      added: EXPECTED_NAMES(lang),
      overwritten: [],
      skipped: [],
      skips: [],
    });
    const list = JSON.parse((await w.run(['template', 'list', '--json'])).stdout) as Array<{
      name: string;
      kind: string;
      language: string;
      shortcut?: string;
    }>;
    expect(list.every((t) => t.language === lang)).toBe(true);
    expect(
      list
        .filter((t) => t.kind === 'quick-reply')
        .map((t) => t.shortcut)
        .sort(),
    ).toEqual(
      ['/hours', '/location', '/order', '/price', '/thanks']
        .map((s) => (lang === 'en' ? s : `${s}-${lang}`))
        .sort(),
    );
    expect(list.filter((t) => t.kind === 'cta')).toHaveLength(2);
    expect(list.filter((t) => t.kind === 'csat').map((t) => t.name)).toEqual([`csat-${lang}`]);
    const vars = [
      'item=X',
      'price=₹1',
      'address=A',
      'map_link=https://maps.example/x',
      'order_id=42',
      'order_status=S',
    ];
    for (const name of EXPECTED_NAMES(lang)) {
      const rendered = await w.run([
        'template',
        'render',
        name,
        '--contact-name',
        'Asha',
        '--check',
        '--json',
        ...vars.flatMap((v) => ['--var', v]),
      ]);
      expect(rendered.code, `${name}: ${rendered.stderr}`).toBe(0);
      const { text } = JSON.parse(rendered.stdout) as { text: string };
      expect(text).not.toMatch(/\{\{|\}\}/);
      if (name.startsWith('away-'))
        expect(text).toContain(lang === 'en' ? 'Monday, March 11 at 10:00 AM' : '11');
    }
    // the same pack again: everything is already there
    const again = await w.run(['template', 'init', '--pack', lang]);
    expect(again.stderr).toBe(
      `imported from the ${lang} starter pack: 0 added, 10 skipped (already there: ${EXPECTED_NAMES(lang).join(', ')})\n`,
    );
  });

  it('a template file over 10 MiB is refused before it is read', async () => {
    const w = workspace();
    const file = join(w.dir, 'huge.yaml');
    // sparse: 11 MiB on paper, nothing on disk
    writeFileSync(file, '');
    truncateSync(file, 11 * 2 ** 20);
    expect(errorOf(await w.run(['template', 'import', file]))).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: ${file} is 11.0 MiB; a template file is at most 10 MiB\nhint: split it into smaller files and import each\n`,
    });
  });

  it('a template skipped for its shortcut says which template holds it', async () => {
    const w = workspace();
    await w.run([
      'template',
      'add',
      '-k',
      'quick-reply',
      '-n',
      'price',
      '-s',
      '/price',
      '-b',
      'Tea {{p|40}}',
    ]);
    const r = await w.run(['template', 'init', '--pack', 'en']);
    expect(errorOf(r)).toEqual({
      code: 0,
      stdout: '',
      stderr:
        'imported from the en starter pack: 9 added, 1 skipped (price-en: shortcut /price is taken by "price")\n',
    });
    const json = await w.run(['template', 'init', '--pack', 'en', '--json']);
    expect(JSON.parse(json.stdout).skips[0]).toEqual({
      name: 'greeting-en',
      on: 'name',
      existing: 'greeting-en',
      reason: 'greeting-en: already there',
    });
  });

  it("every pack's /hours reply shows the hours set with wabox hours, in its language", async () => {
    const w = workspace();
    await w.run(['hours', 'set', 'mon-sat 10:00-19:00', '--tz', 'Asia/Kolkata']);
    await w.run(['hours', 'closed', 'add', '2024-03-25']);
    const expected: Record<string, string> = {
      en: 'Mon–Sat: 10:00 AM–7:00 PM\nClosed: Monday, March 25',
      hi: 'सोम–शनि: सुबह 10:00–शाम 7:00\nबंद: सोमवार, 25 मार्च',
      gu: 'સોમ–શનિ: 10:00 AM–7:00 PM\nબંધ: સોમવાર, 25 માર્ચ',
      ur: 'پیر–ہفتہ: 10:00 AM–7:00 PM\nبند: پیر، 25 مارچ',
    };
    for (const lang of ['en', 'hi', 'gu', 'ur']) {
      await w.run(['template', 'init', '--pack', lang]);
      const r = await w.run(['template', 'render', `hours-${lang}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(expected[lang]);
    }
    await w.run(['hours', 'set', 'daily 08:00-22:00']);
    expect((await w.run(['template', 'render', '/hours'])).stdout).toContain('Mon–Sun: 8:00 AM–10:00 PM');
  });

  it('the away messages are written for their language', async () => {
    const w = workspace();
    await w.run(['config', 'set', 'business-name', 'Asha Sweets']);
    await w.run(['hours', 'set', 'mon-sat 10:00-19:00', '--tz', 'Asia/Kolkata']);
    for (const lang of ['en', 'hi', 'gu', 'ur']) await w.run(['template', 'init', '--pack', lang]);
    const away = async (lang: string) => (await w.run(['template', 'render', `away-${lang}`])).stdout;
    expect(await away('hi')).toBe(
      'नमस्ते! आपके मैसेज के लिए धन्यवाद। इस समय हम उपलब्ध नहीं हैं। हम सोमवार, 11 मार्च को सुबह 10:00 बजे फिर से उपलब्ध होंगे और जल्द से जल्द आपको जवाब देंगे।\n',
    );
    expect(await away('gu')).toBe(
      'નમસ્તે! આપના મેસેજ બદલ આભાર. અત્યારે અમે ઉપલબ્ધ નથી. અમે સોમવાર, 11 માર્ચ 10:00 AMથી ફરી આપની સેવામાં હાજર રહીશું અને બને એટલો જલદી જવાબ આપીશું.\n',
    );
    expect(await away('ur')).toBe(
      'السلام علیکم! آپ کے پیغام کا شکریہ۔ اس وقت ہم دستیاب نہیں ہیں۔ ہم پیر، 11 مارچ کو 10:00 AM دوبارہ حاضر ہوں گے اور جلد از جلد آپ کو جواب دیں گے۔\n',
    );
    expect(JSON.parse((await w.run(['template', 'list', '--json'])).stdout)).toHaveLength(40);
  });

  it('refuses an unknown pack and a missing --pack', async () => {
    const w = workspace();
    expect(errorOf(await w.run(['template', 'init', '--pack', 'fr']))).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: no starter pack "fr": available packs are en, gu, hi, ur\n',
    });
    expect(errorOf(await w.run(['template', 'init']))).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: missing --pack: one of en, gu, hi, ur\nhint: e.g. wabox template init --pack en\n',
    });
  });

  it('through the built CLI', async () => {
    const dir = tempDir('wabox-spawn-');
    const env = { WABOX_CONFIG_DIR: dir };
    const init = await spawnCli(['template', 'init', '--pack', 'ur'], { env });
    expect(init.stderr).toBe('imported from the ur starter pack: 10 added\n');
    const r = await spawnCli(
      ['template', 'render', '/price-ur', '--var', 'item=چائے', '--var', 'price=Rs 650'],
      { env },
    );
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: 0,
      stdout: 'پوچھنے کا شکریہ! چائے کی قیمت Rs 650 ہے۔ کیا آپ آرڈر کرنا چاہیں گے؟\n',
      stderr: '',
    });
  });
});

describe('wabox link --template', () => {
  it('uses a CTA template as the prefilled text', async () => {
    const w = workspace();
    await w.run(['config', 'set', 'business-name', 'Asha & Sons']);
    await w.run(['template', 'init', '--pack', 'hi']);
    const r = await w.run([
      'link',
      '+919876543210',
      '--template',
      'cta-info-hi',
      '--var',
      'product=मसाला चाय',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const text = 'नमस्ते! मैंने आपका विज्ञापन देखा। मुझे मसाला चाय के बारे में और जानकारी चाहिए।';
    expect(JSON.parse(r.stdout)).toEqual({
      url: `https://wa.me/919876543210?text=${encodeURIComponent(text)}`,
      phone: '+919876543210',
      waId: '919876543210',
      country: 'IN',
      text,
      ref: null,
    });
    const plain = await w.run(['link', '+919876543210', '--template', 'cta-order-hi', '--ref', 'flyer']);
    expect(plain.stdout).toBe(
      `https://wa.me/919876543210?text=${encodeURIComponent('नमस्ते Asha & Sons! मुझे ऑर्डर देना है। [ref:flyer]')}\n`,
    );
  });

  it('refuses a template of another kind, --text with --template, and an unknown template', async () => {
    const w = workspace();
    await w.run([...PRICE, '-b', 'x']);
    expect(errorOf(await w.run(['link', '+919876543210', '--template', '/price']))).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: template "price" is a quick-reply, not a cta\nhint: list the cta templates with: wabox template list --kind cta\n',
    });
    expect((await w.run(['link', '+919876543210', '--template', 'x', '--text', 'y'])).stderr).toBe(
      'error: --text and --template both give the text: choose one\n',
    );
    expect((await w.run(['link', '+919876543210', '--template', 'nope'])).code).toBe(6);
  });
});
