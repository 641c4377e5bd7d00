// `wabox send`: flags -> request body, dry runs, uploads, the 24-hour window, and the store record.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { run, tempDir } from '../helpers/cli.js';
import { PHONE_ID, runCloud, TOKEN, WABA_ID } from '../helpers/cloud.js';
import { type FakeGraph, graphError, SEND_OK, startFakeGraph } from '../helpers/graph-server.js';

const MESSAGES = `/v23.0/${PHONE_ID}/messages`;
const MEDIA = `/v23.0/${PHONE_ID}/media`;
const TO = '+919876543210';
let graph: FakeGraph;
let dir: string;

beforeEach(async () => {
  graph = await startFakeGraph();
  dir = tempDir();
});
afterEach(async () => {
  await graph.close();
});

/** Scripts `n` accepted sends. */
const sends = (n = 1) => graph.on('POST', MESSAGES, { ...SEND_OK, times: n });
const uploads = () => graph.on('POST', MEDIA, { json: { id: '4490709327384033' } });

/** A dry run needs no token: the body is printed and nothing is sent. */
async function dry(...argv: string[]) {
  const r = await run(['send', TO, ...argv, '--dry-run'], { env: { WABOX_CONFIG_DIR: join(dir, 'cfg') } });
  expect(r.stderr).toContain('dry run: nothing sent');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const jpeg = () => {
  const path = join(dir, 'photo.jpg');
  writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100)]));
  return path;
};

describe('request bodies (--dry-run)', () => {
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: TO };

  it('text with preview_url and a reply context', async () => {
    expect(await dry('--text', 'See https://example.com', '--preview-url', '--reply-to', 'wamid.Q1')).toEqual(
      {
        ...base,
        type: 'text',
        context: { message_id: 'wamid.Q1' },
        text: { body: 'See https://example.com', preview_url: true },
      },
    );
  });

  it('text from stdin', async () => {
    const r = await run(['send', TO, '--text', '-', '--dry-run'], { stdin: 'नमस्ते 🙏\n' });
    expect(JSON.parse(r.stdout).text).toEqual({ body: 'नमस्ते 🙏', preview_url: false });
  });

  it('the number in any phone form, with --country', async () => {
    const r = await run(['send', '07700 900123', '--country', 'GB', '--text', 'Hi', '--dry-run']);
    expect(JSON.parse(r.stdout).to).toBe('+447700900123');
  });

  it('reaction and its removal', async () => {
    expect(await dry('--react', 'wamid.M1', '--emoji', '👍')).toEqual({
      ...base,
      type: 'reaction',
      reaction: { message_id: 'wamid.M1', emoji: '👍' },
    });
    expect((await dry('--react', 'wamid.M1', '--emoji', '')).reaction).toEqual({
      message_id: 'wamid.M1',
      emoji: '',
    });
  });

  it('media by link and by id, caption and filename', async () => {
    expect((await dry('--image', 'https://example.com/a.jpg', '--caption', 'Menu')).image).toEqual({
      link: 'https://example.com/a.jpg',
      caption: 'Menu',
    });
    expect((await dry('--document', '1003383421387256', '--filename', 'inv.pdf')).document).toEqual({
      id: '1003383421387256',
      filename: 'inv.pdf',
    });
    expect((await dry('--audio', 'https://example.com/a.ogg')).audio).toEqual({
      link: 'https://example.com/a.ogg',
    });
    expect((await dry('--sticker', '77')).sticker).toEqual({ id: '77' });
    expect((await dry('--video', 'https://example.com/v.mp4')).video).toEqual({
      link: 'https://example.com/v.mp4',
    });
  });

  it('a local file shows where the upload id goes, and is checked first', async () => {
    const body = await dry('--image', jpeg());
    expect(body.image).toEqual({ id: '<media id of photo.jpg>' });
    expect(graph.requests).toHaveLength(0);
  });

  it("location as decimal-degree strings (Meta's description types them as strings)", async () => {
    expect(
      (
        await dry(
          '--location',
          '19.0760,72.8777',
          '--location-name',
          'Bakery',
          '--location-address',
          '1 Main St',
        )
      ).location,
    ).toEqual({ latitude: '19.076', longitude: '72.8777', name: 'Bakery', address: '1 Main St' });
  });

  it('contacts from the short form', async () => {
    const r = await run(['send', TO, '--contacts', '-', '--dry-run'], {
      stdin: JSON.stringify([{ name: 'Asha Rao', phone: '+91 98765 43210', email: 'asha@example.com' }]),
    });
    expect(JSON.parse(r.stdout).contacts).toEqual([
      {
        name: { formatted_name: 'Asha Rao', first_name: 'Asha', last_name: 'Rao' },
        phones: [{ phone: '+91 98765 43210', type: 'WORK', wa_id: '919876543210' }],
        emails: [{ email: 'asha@example.com', type: 'WORK' }],
      },
    ]);
  });

  it('reply buttons with derived ids', async () => {
    expect(
      (
        await dry(
          '--body',
          'Table tonight?',
          '--button',
          'Yes, please',
          '--button',
          'No',
          '--footer',
          'Reply any time',
        )
      ).interactive,
    ).toEqual({
      type: 'button',
      body: { text: 'Table tonight?' },
      footer: { text: 'Reply any time' },
      action: {
        buttons: [
          { type: 'reply', reply: { id: 'yes-please', title: 'Yes, please' } },
          { type: 'reply', reply: { id: 'no', title: 'No' } },
        ],
      },
    });
  });

  it('a list from a file', async () => {
    const file = join(dir, 'menu.json');
    writeFileSync(
      file,
      JSON.stringify({
        body: 'Choose a cake',
        button: 'Cakes',
        header: 'Menu',
        sections: [
          { title: 'Chocolate', rows: [{ id: 'choc-s', title: 'Small', description: 'Serves 4' }] },
          { title: 'Fruit', rows: [{ title: 'Mango' }] },
        ],
      }),
    );
    expect((await dry('--list', file)).interactive).toEqual({
      type: 'list',
      header: { type: 'text', text: 'Menu' },
      body: { text: 'Choose a cake' },
      action: {
        button: 'Cakes',
        sections: [
          { title: 'Chocolate', rows: [{ id: 'choc-s', title: 'Small', description: 'Serves 4' }] },
          { title: 'Fruit', rows: [{ id: 'mango', title: 'Mango' }] },
        ],
      },
    });
  });

  it('a template: parameters in command-line order, currency, date_time, header, buttons', async () => {
    const body = await dry(
      '--template',
      'order_update',
      '--lang',
      'en-US',
      '--param',
      'Asha',
      '--currency',
      'USD 100.99',
      '--date-time',
      'February 25, 1977',
      '--param',
      '#42',
      '--header-image',
      'https://example.com/h.jpg',
      '--button-payload',
      '0=DETAILS',
      '--button-url',
      '1=ABC123',
    );
    expect(body.template).toEqual({
      name: 'order_update',
      language: { policy: 'deterministic', code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/h.jpg' } }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Asha' },
            { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
            { type: 'date_time', date_time: { fallback_value: 'February 25, 1977' } },
            { type: 'text', text: '#42' },
          ],
        },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '0',
          parameters: [{ type: 'payload', payload: 'DETAILS' }],
        },
        { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'ABC123' }] },
      ],
    });
  });

  it('a template with named parameters and a document header', async () => {
    const body = await dry(
      '--template',
      'welcome',
      '--lang',
      'en',
      '--named-param',
      'first_name=Asha',
      '--header-document',
      'https://example.com/x.pdf',
      '--filename',
      'menu.pdf',
    );
    expect(body.template).toMatchObject({
      components: [
        {
          type: 'header',
          parameters: [
            { type: 'document', document: { link: 'https://example.com/x.pdf', filename: 'menu.pdf' } },
          ],
        },
        { type: 'body', parameters: [{ type: 'text', text: 'Asha', parameter_name: 'first_name' }] },
      ],
    });
  });
});

describe('usage errors (exit 2, nothing sent)', () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /^nothing to send$/],
    [['--text', 'a', '--image', 'https://e.com/a.jpg'], /give one message at a time: --text and --image/],
    [['--text', 'a', '--caption', 'x'], /--caption goes with --image or --video or --document, not --text/],
    [['--audio', 'https://e.com/a.ogg', '--caption', 'x'], /--caption goes with/],
    [['--image', 'https://e.com/a.jpg', '--filename', 'x'], /--filename goes with/],
    [['--button', 'Yes'], /reply buttons need the message text: --body/],
    [['--react', 'wamid.X'], /--react needs --emoji/],
    [['--react', 'wamid.X', '--emoji', 'ok'], /"ok" is not one emoji/],
    [['--react', 'wamid.X', '--emoji', '👍', '--reply-to', 'wamid.Y'], /--reply-to does not apply/],
    [['--template', 'x'], /--template needs --lang/],
    [
      ['--template', 'x', '--lang', 'en', '--param', 'a', '--named-param', 'b=c'],
      /positional .* or named .* not both/,
    ],
    [['--template', 'Bad Name', '--lang', 'en'], /is not a template name/],
    [['--template', 'x', '--lang', 'en', '--currency', '100 USD'], /is not "CODE amount"/],
    [['--template', 'x', '--lang', 'en', '--button-payload', 'X'], /is not <index>=<value>/],
    [['--location', '91,0'], /latitude 91 is outside -90\.\.90/],
    [['--location', 'here'], /is not <latitude>,<longitude>/],
    [['--image', 'missing.jpg'], /no such file: missing\.jpg/],
    [['--image', 'ftp://e.com/a.jpg'], /only http\(s\) links/],
    [['--text', 'x'.repeat(4100)], /^text is 4,100 characters; WhatsApp's limit is 4,096$/],
    [
      ['--body', 'b', '--button', 'a', '--button', 'b', '--button', 'c', '--button', 'd'],
      /number of reply buttons is 4; WhatsApp's limit is 1-3/,
    ],
  ];
  for (const [argv, message] of cases) {
    it(`${argv.join(' ').slice(0, 60) || '(no content)'}`, async () => {
      const r = await runCloud(graph.url, ['send', TO, ...argv]);
      expectError(r, 2, message);
      expect(graph.requests).toHaveLength(0);
    });
  }

  it('a bad phone number', async () => {
    const r = await runCloud(graph.url, ['send', '12', '--text', 'Hi']);
    expect(r.code).toBe(2);
    expect(graph.requests).toHaveLength(0);
  });

  it('a file that is not what its name says', async () => {
    const png = join(dir, 'fake.jpg');
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
    expectError(
      await runCloud(graph.url, ['send', TO, '--image', png]),
      2,
      /named like image\/jpeg but its content is image\/png/,
    );
  });

  it('a file too large for its kind names the limit', async () => {
    const big = join(dir, 'big.png');
    writeFileSync(
      big,
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(5_000_001)]),
    );
    expectError(
      await runCloud(graph.url, ['send', TO, '--image', big]),
      2,
      /big\.png is 5 MB \(5,000,009 bytes\); WhatsApp's limit for images is 5 MB/,
    );
  });
});

describe('sending', () => {
  it('prints the wamid, records the message in the store', async () => {
    sends();
    const db = join(dir, 'wabox.db');
    const r = await runCloud(
      graph.url,
      ['send', TO, '--text', 'Your order is ready', '--reply-to', 'wamid.Q'],
      { db },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('wamid.FAKE1\n');
    expect(graph.calls('POST', MESSAGES)[0]!.json).toMatchObject({
      to: TO,
      recipient_type: 'individual',
      type: 'text',
    });
    const store = openSqliteStore(db);
    const rows = await store.listMessages();
    await store.close();
    expect(rows).toEqual([
      expect.objectContaining({
        id: 'wamid.FAKE1',
        direction: 'out',
        waId: '919876543210',
        type: 'text',
        text: 'Your order is ready',
        status: 'accepted',
        replyTo: 'wamid.Q',
      }),
    ]);
  });

  it('uploads a local file first (multipart: file, type, messaging_product), then sends its id', async () => {
    uploads();
    sends();
    const r = await runCloud(graph.url, ['send', TO, '--image', jpeg(), '--caption', 'Today', '--json']);
    expect(r.code).toBe(0);
    const upload = graph.calls('POST', MEDIA)[0]!;
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const form = upload.body.toString('latin1');
    expect(form).toMatch(/name="messaging_product"\r\n\r\nwhatsapp\r\n/);
    expect(form).toMatch(/name="type"\r\n\r\nimage\/jpeg\r\n/);
    expect(form).toMatch(/name="file"; filename="photo\.jpg"\r\nContent-Type: image\/jpeg\r\n/);
    expect(graph.calls('POST', MESSAGES)[0]!.json).toMatchObject({
      type: 'image',
      image: { id: '4490709327384033', caption: 'Today' },
    });
  });

  it('a document file keeps its name as filename', async () => {
    uploads();
    sends();
    const pdf = join(dir, 'Invoice 42.pdf');
    writeFileSync(pdf, '%PDF-1.4\n');
    expect((await runCloud(graph.url, ['send', TO, '--document', pdf])).code).toBe(0);
    expect(graph.calls('POST', MESSAGES)[0]!.json).toMatchObject({
      document: { id: '4490709327384033', filename: 'Invoice 42.pdf' },
    });
  });

  it('a template header from a local file is uploaded', async () => {
    uploads();
    sends();
    const r = await runCloud(graph.url, [
      'send',
      TO,
      '--template',
      'receipt',
      '--lang',
      'en',
      '--header-image',
      jpeg(),
    ]);
    expect(r.code).toBe(0);
    expect(graph.calls('POST', MEDIA)).toHaveLength(1);
    expect(graph.calls('POST', MESSAGES)[0]!.json).toMatchObject({
      template: {
        components: [{ type: 'header', parameters: [{ type: 'image', image: { id: '4490709327384033' } }] }],
      },
    });
  });

  it('--quick-reply renders a template of the local library', async () => {
    sends();
    const cfg = join(dir, 'cfg');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(cfg, { recursive: true });
    writeFileSync(
      join(cfg, 'templates.json'),
      JSON.stringify({
        version: 1,
        templates: [
          {
            name: 'price',
            kind: 'quick-reply',
            shortcut: '/price',
            language: 'en',
            body: 'A {{item}} costs ₹{{price|450}}',
          },
        ],
      }),
    );
    const r = await runCloud(graph.url, ['send', TO, '--quick-reply', '/price', '--var', 'item=cake'], {
      env: { WABOX_CONFIG_DIR: cfg },
    });
    expect(r.code).toBe(0);
    expect(graph.calls('POST', MESSAGES)[0]!.json).toMatchObject({
      type: 'text',
      text: { body: 'A cake costs ₹450' },
    });
  });

  it('missing configuration is exit 3 and names what to set', async () => {
    const r = await runCloud(graph.url, ['send', TO, '--text', 'Hi'], { env: { WABOX_TOKEN: undefined } });
    expectError(r, 3, /missing configuration: token/);
  });
});

describe('the 24-hour window', () => {
  const NOW = new Date('2025-06-10T12:00:00.000Z');
  async function storeWithInbound(hoursAgo: number): Promise<string> {
    const db = join(dir, `wabox-${hoursAgo}.db`);
    const store = openSqliteStore(db);
    await store.recordInbound({
      id: 'wamid.IN',
      waId: '919876543210',
      type: 'text',
      text: 'Hi',
      timestamp: new Date(NOW.getTime() - hoursAgo * 3_600_000),
    });
    await store.close();
    return db;
  }
  const clock = () => NOW;

  it('refuses a free-form send locally when the last inbound message is over 24 h old (exit 4)', async () => {
    const db = await storeWithInbound(25);
    const r = await runCloud(graph.url, ['send', TO, '--text', 'Hi'], { db, overrides: { clock } });
    expectError(r, 4, /the 24-hour customer-service window with \+919876543210 is closed/, /--template/);
    expect(graph.requests).toHaveLength(0);
  });

  it('--force sends anyway with a warning; a template is always allowed; an open window sends', async () => {
    sends(3);
    const db = await storeWithInbound(25);
    const forced = await runCloud(graph.url, ['send', TO, '--text', 'Hi', '--force'], {
      db,
      overrides: { clock },
    });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/warning: the 24-hour window is closed; sending anyway/);
    const template = await runCloud(graph.url, ['send', TO, '--template', 'hello_world', '--lang', 'en_US'], {
      db,
      overrides: { clock },
    });
    expect(template.code).toBe(0);
    const open = await runCloud(graph.url, ['send', TO, '--text', 'Hi'], {
      db: await storeWithInbound(2),
      overrides: { clock },
    });
    expect(open.code).toBe(0);
  });
});

describe('secrets', () => {
  it('no stdout, stderr, --json error, --debug dump or stored payload contains the token', async () => {
    const db = join(dir, 'wabox.db');
    graph.on('POST', MESSAGES, [
      {
        status: 400,
        json: {
          error: { message: `(#100) bad token ${TOKEN}`, type: 'OAuthException', code: 100, fbtrace_id: 'T' },
        },
      },
      { ...SEND_OK, times: 2 },
    ]);
    uploads();
    graph.on('GET', `/v23.0/${PHONE_ID}`, graphError(803, { status: 404 }));
    graph.on('GET', `/v23.0/${WABA_ID}/phone_numbers`, graphError(803, { status: 404 }));
    const outputs: string[] = [];
    for (const argv of [
      ['--debug', 'send', TO, '--text', 'Hi'],
      ['--debug', 'send', TO, '--text', 'Hi', '--json'],
      ['--debug', 'send', TO, '--image', jpeg()],
      ['--debug', 'doctor'],
      ['--debug', 'numbers'],
    ]) {
      const r = await runCloud(graph.url, argv, { db });
      outputs.push(r.stdout, r.stderr);
    }
    expect(graph.requests.length).toBeGreaterThan(3);
    for (const req of graph.requests) expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const all = outputs.join('\n');
    expect(all).toContain('debug: → POST'); // the dump is really there
    expect(all).toContain('Bearer ***');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(TOKEN.slice(0, 16));
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(db).includes(Buffer.from(TOKEN))).toBe(false);
    const store = openSqliteStore(db);
    const rows = await store.listMessages();
    await store.close();
    expect(rows.length).toBeGreaterThan(1);
    expect(JSON.stringify(rows)).not.toContain(TOKEN);
  });
});
