// `wabox send` argv -> options through the runF seam, no HTTP: every message kind, and every flag
// combination refused as a usage error (exit 2, one line). The rules are written out here by hand,
// not read from the tables in commands/shared/message-flags.ts.
import { describe, expect, it } from 'vitest';
import { createDeps } from '../../src/cli/deps.js';
import { main } from '../../src/cli/program.js';
import { createTestIO } from '../../src/cli/test-io.js';
import { register, type SendOptions } from '../../src/commands/send.js';
import { expectError } from '../helpers/assert.js';
import { tempDir } from '../helpers/cli.js';

const TO = '+919876543210';

/** Parses `wabox send <TO> ...argv` with runF capturing the options; nothing may reach the network. */
async function parse(argv: string[]) {
  const io = createTestIO();
  const deps = createDeps(io, { WABOX_CONFIG_DIR: tempDir('wabox-config-') });
  deps.cloud = () => expect.fail('argv -> options must not open the Cloud API');
  deps.store = () => expect.fail('argv -> options must not open the store');
  const seen: SendOptions[] = [];
  const code = await main(['send', TO, ...argv], deps, (program, d) =>
    register(program, d, async (options) => {
      seen.push(options);
    }),
  );
  return { code, stdout: io.stdout.text(), stderr: io.stderr.text(), seen };
}

async function accepts(argv: string[], options: Omit<SendOptions, 'to'>): Promise<void> {
  const r = await parse(argv);
  expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 0, stderr: '', stdout: '' });
  expect(r.seen).toEqual([{ to: TO, ...options }]);
}

async function refuses(argv: string[], message: string | RegExp): Promise<void> {
  const r = await parse(argv);
  expectError(r, 2, message);
  expect(r.seen).toEqual([]);
}

describe('every message kind: argv -> options', () => {
  const cases: Array<[string, string[], Omit<SendOptions, 'to'>]> = [
    ['text', ['--text', 'Hi', '--preview-url'], { text: 'Hi', previewUrl: true }],
    ['text from stdin, as a reply', ['-t', '-', '--reply-to', 'wamid.Q'], { text: '-', replyTo: 'wamid.Q' }],
    [
      'quick reply',
      ['--quick-reply', '/price', '--var', 'item=cake', '--var', 'n=2', '--preview-url'],
      { quickReply: '/price', var: ['item=cake', 'n=2'], previewUrl: true },
    ],
    [
      'template: positional parameters keep their order across --param, --currency, --date-time',
      [
        '--template',
        'order_update',
        '--lang',
        'en_US',
        '--param',
        'Asha',
        '--currency',
        'USD 1',
        '--date-time',
        'today',
        '--param',
        '#42',
        '--header-image',
        'h.jpg',
        '--button-payload',
        '0=DETAILS',
        '--button-url',
        '1=abc',
        '--button-payload',
        '2=MORE',
      ],
      {
        template: 'order_update',
        lang: 'en_US',
        param: [
          { seq: 0, value: 'Asha' },
          { seq: 3, value: '#42' },
        ],
        currency: [{ seq: 1, value: 'USD 1' }],
        dateTime: [{ seq: 2, value: 'today' }],
        headerImage: 'h.jpg',
        buttonPayload: ['0=DETAILS', '2=MORE'],
        buttonUrl: ['1=abc'],
      },
    ],
    [
      'template: named parameters, a document header with its file name',
      [
        '--template',
        'welcome',
        '--lang',
        'en',
        '--named-param',
        'first_name=Asha',
        '--header-document',
        'm.pdf',
        '--filename',
        'Menu.pdf',
      ],
      {
        template: 'welcome',
        lang: 'en',
        namedParam: ['first_name=Asha'],
        headerDocument: 'm.pdf',
        filename: 'Menu.pdf',
      },
    ],
    [
      'template: a video header',
      ['--template', 'promo', '--lang', 'hi', '--header-video', 'v.mp4'],
      { template: 'promo', lang: 'hi', headerVideo: 'v.mp4' },
    ],
    ['image', ['--image', 'a.jpg', '--caption', 'Menu'], { image: 'a.jpg', caption: 'Menu' }],
    ['video', ['--video', 'v.mp4', '--caption', 'Clip'], { video: 'v.mp4', caption: 'Clip' }],
    ['audio', ['--audio', 'a.ogg'], { audio: 'a.ogg' }],
    [
      'document',
      ['--document', 'i.pdf', '--caption', 'Invoice', '--filename', 'Invoice 42.pdf'],
      { document: 'i.pdf', caption: 'Invoice', filename: 'Invoice 42.pdf' },
    ],
    ['sticker', ['--sticker', 's.webp'], { sticker: 's.webp' }],
    [
      'location',
      ['--location', '19.0760,72.8777', '--location-name', 'Bakery', '--location-address', '1 Main St'],
      { location: '19.0760,72.8777', locationName: 'Bakery', locationAddress: '1 Main St' },
    ],
    [
      'reply buttons',
      [
        '--body',
        'Tonight?',
        '--button',
        'Yes',
        '--button',
        'No',
        '--header',
        'Table',
        '--footer',
        'Any time',
      ],
      { body: 'Tonight?', button: ['Yes', 'No'], header: 'Table', footer: 'Any time' },
    ],
    ['list from a file', ['--list', 'menu.json'], { list: 'menu.json' }],
    [
      'list with the text from flags',
      ['--list', '-', '--body', 'Pick', '--header', 'Menu', '--footer', 'Thanks'],
      { list: '-', body: 'Pick', header: 'Menu', footer: 'Thanks' },
    ],
    ['contacts', ['--contacts', 'cards.json'], { contacts: 'cards.json' }],
    ['reaction', ['--react', 'wamid.M', '--emoji', '👍'], { react: 'wamid.M', emoji: '👍' }],
    ['reaction removed', ['--react', 'wamid.M', '--emoji', ''], { react: 'wamid.M', emoji: '' }],
    [
      'the flags of send itself',
      ['--text', 'Hi', '-c', 'GB', '--force', '--dry-run', '--json'],
      { text: 'Hi', country: 'GB', force: true, dryRun: true, json: true },
    ],
  ];
  for (const [name, argv, options] of cases) it(name, () => accepts(argv, options));
});

/** One argv per kind, in the order send names them in a conflict. */
const KINDS: Array<[flag: string, argv: string[]]> = [
  ['--text', ['--text', 'Hi']],
  ['--quick-reply', ['--quick-reply', '/hours']],
  ['--template', ['--template', 'hello_world']],
  ['--image', ['--image', 'a.jpg']],
  ['--video', ['--video', 'v.mp4']],
  ['--audio', ['--audio', 'a.ogg']],
  ['--document', ['--document', 'd.pdf']],
  ['--sticker', ['--sticker', 's.webp']],
  ['--location', ['--location', '1,2']],
  ['--button', ['--button', 'Yes']],
  ['--list', ['--list', 'l.json']],
  ['--contacts', ['--contacts', 'c.json']],
  ['--react', ['--react', 'wamid.M']],
];

describe('one message at a time', () => {
  it('nothing to send', () => refuses([], /^nothing to send$/));

  for (const [i, [a, argvA]] of KINDS.entries())
    for (const [b, argvB] of KINDS.slice(i + 1))
      it(`${a} with ${b}`, () =>
        refuses([...argvB, ...argvA], `give one message at a time: ${a} and ${b} were both given`));

  it('three at once names them all', () =>
    refuses(
      ['--react', 'wamid.M', '--image', 'a.jpg', '--text', 'Hi'],
      'give one message at a time: --text and --image and --react were both given',
    ));
});

describe('flags that shape only some kinds', () => {
  const SHAPERS: Array<[argv: string[], goesWith: string[]]> = [
    [['--preview-url'], ['--text', '--quick-reply']],
    [['--var', 'a=b'], ['--quick-reply']],
    [['--lang', 'en'], ['--template']],
    [['--param', 'p'], ['--template']],
    [['--currency', 'USD 1'], ['--template']],
    [['--date-time', 'today'], ['--template']],
    [['--named-param', 'a=b'], ['--template']],
    [['--header-image', 'h.jpg'], ['--template']],
    [['--header-document', 'h.pdf'], ['--template']],
    [['--header-video', 'h.mp4'], ['--template']],
    [['--button-payload', '0=X'], ['--template']],
    [['--button-url', '0=x'], ['--template']],
    [
      ['--caption', 'c'],
      ['--image', '--video', '--document'],
    ],
    [
      ['--filename', 'f.pdf'],
      ['--document', '--template'],
    ],
    [['--location-name', 'n'], ['--location']],
    [['--location-address', 'a'], ['--location']],
    [
      ['--body', 'b'],
      ['--button', '--list'],
    ],
    [
      ['--header', 'h'],
      ['--button', '--list'],
    ],
    [
      ['--footer', 'f'],
      ['--button', '--list'],
    ],
    [['--emoji', '👍'], ['--react']],
  ];
  for (const [shaper, goesWith] of SHAPERS)
    for (const [kind, argv] of KINDS.filter(([k]) => !goesWith.includes(k)))
      it(`${shaper[0]} with ${kind}`, () =>
        refuses([...argv, ...shaper], `${shaper[0]} goes with ${goesWith.join(' or ')}, not ${kind}`));
});

describe('what a kind needs', () => {
  it('--template needs --lang', () =>
    refuses(
      ['--template', 'x', '--param', 'a'],
      '--template needs --lang <code> (the language it was approved in, e.g. en_US)',
    ));
  it('--filename with --template needs --header-document', async () => {
    const message = '--filename goes with --header-document for a template';
    await refuses(['--template', 'x', '--lang', 'en', '--filename', 'f.pdf'], message);
    await refuses(['--template', 'x', '--lang', 'en', '--header-image', 'h.jpg', '--filename', 'f'], message);
  });
  it('--button needs --body', () =>
    refuses(['--button', 'Yes', '--footer', 'f'], 'reply buttons need the message text: --body <text>'));
  it('--react needs --emoji', () =>
    refuses(['--react', 'wamid.M'], "--react needs --emoji <emoji> (--emoji '' removes a reaction)"));
});

describe('flags of a template that exclude each other', () => {
  const template = ['--template', 'x', '--lang', 'en'];
  const oneHeader =
    'a template has one header: give one of --header-image, --header-document, --header-video';
  for (const headers of [
    ['--header-image', 'a.jpg', '--header-document', 'b.pdf'],
    ['--header-image', 'a.jpg', '--header-video', 'c.mp4'],
    ['--header-document', 'b.pdf', '--header-video', 'c.mp4'],
    ['--header-image', 'a.jpg', '--header-document', 'b.pdf', '--header-video', 'c.mp4'],
  ])
    it(headers.filter((a) => a.startsWith('--')).join(' with '), () =>
      refuses([...template, ...headers], oneHeader),
    );

  const mixed =
    'a template takes positional (--param, --currency, --date-time) or named (--named-param) parameters, not both';
  for (const positional of [
    ['--param', 'a'],
    ['--currency', 'USD 1'],
    ['--date-time', 'today'],
  ])
    it(`${positional[0]} with --named-param`, () =>
      refuses([...template, ...positional, '--named-param', 'n=v'], mixed));
});

describe("commander's own usage errors", () => {
  it('an unknown flag, a flag without its value, no recipient', async () => {
    await refuses(['--txt', 'Hi'], /^unknown option '--txt'/);
    await refuses(['--text'], /^option '-t, --text <text>' argument missing$/);
    const io = createTestIO();
    const deps = createDeps(io, { WABOX_CONFIG_DIR: tempDir('wabox-config-') });
    const code = await main(['send', '--text', 'Hi'], deps, (program, d) =>
      register(program, d, () => expect.fail('runF must not run')),
    );
    expectError(
      { code, stdout: io.stdout.text(), stderr: io.stderr.text() },
      2,
      /missing required argument 'to'/,
    );
  });
});
