// Contract suite: every message type wabox can build, plus read, media, meta-template, profile and
// numbers, sent through the real commands to Prism serving Meta's OpenAPI description
// (WABOX_OPENAPI, or the cache `npm run spec` fills). Prism answers a
// request that does not match the description with 422; the suite fails on any 422, except the two
// defects of the description documented (and pinned) at the end of this file.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MEDIA_KINDS } from '../../src/cloud/media.js';
import { INTERACTIVE_TYPES, MESSAGE_TYPES } from '../../src/cloud/messages.js';
import { spawnCli, tempDir } from '../helpers/cli.js';
import { PHONE_ID, runCloud, TOKEN, WABA_ID } from '../helpers/cloud.js';
import { OPENAPI_MISSING, OPENAPI_SPEC, skipSuite } from '../helpers/fixtures.js';
import { type Exchange, PRISM_BIN, type Prism, startPrism, violations } from '../helpers/prism.js';

const TO = '+919876543210';
const WAMID = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA';
const MESSAGES = `/v23.0/${PHONE_ID}/messages`;
const MEDIA = `/v23.0/${PHONE_ID}/media`;

const why =
  OPENAPI_MISSING ??
  (existsSync(PRISM_BIN) ? undefined : `Prism is not installed (${PRISM_BIN}); run npm install`);

if (why !== undefined) skipSuite('Cloud API contract suite', why);

if (why === undefined)
  describe("Cloud API contract: wabox against Meta's OpenAPI description (Prism)", () => {
    let prism: Prism;
    let files: Record<string, string>;
    let dir: string | undefined;
    /** 422s the description itself causes, each checked by a test below. */
    const documented = new Set<Exchange>();

    beforeAll(async () => {
      prism = await startPrism(OPENAPI_SPEC!);
      // not tempDir(): that one is emptied after every test
      const root = mkdtempSync(join(tmpdir(), 'wabox-contract-'));
      dir = root;
      const file = (name: string, data: string | Buffer) => {
        const path = join(root, name);
        writeFileSync(path, data);
        return path;
      };
      files = {
        jpeg: file('photo.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64)])),
        mp4: file('clip.mp4', Buffer.alloc(64, 1)),
        ogg: file('voice.ogg', Buffer.alloc(64, 2)),
        pdf: file('menu.pdf', '%PDF-1.4\n%wabox\n'),
        webp: file(
          'sticker.webp',
          Buffer.concat([Buffer.from('RIFF\x20\x00\x00\x00WEBPVP8 ', 'latin1'), Buffer.alloc(32)]),
        ),
        list: file(
          'list.json',
          JSON.stringify({
            header: 'Menu',
            body: 'Choose a shipping option',
            footer: 'Prices incl. VAT',
            button: 'Options',
            sections: [
              {
                title: 'Fast',
                rows: [
                  {
                    id: 'priority_express',
                    title: 'Priority Mail Express',
                    description: 'Next Day to 2 Days',
                  },
                ],
              },
              { title: 'Slow', rows: [{ title: 'Standard', description: '3-5 days' }, { title: 'Economy' }] },
            ],
          }),
        ),
        contactsShort: file(
          'contacts.json',
          JSON.stringify([
            { name: 'Asha Rao', phone: '+919876543210', email: 'asha@example.com', company: 'Asha Bakery' },
          ]),
        ),
        contactsFull: file(
          'contacts-full.json',
          JSON.stringify([
            {
              name: { formatted_name: 'John Smith', first_name: 'John', last_name: 'Smith', prefix: 'Dr' },
              birthday: '2012-08-18',
              addresses: [
                {
                  street: '1 Hacker Way',
                  city: 'Menlo Park',
                  state: 'CA',
                  zip: '94025',
                  country: 'United States',
                  country_code: 'us',
                  type: 'WORK',
                },
              ],
              emails: [{ email: 'test@example.com', type: 'WORK' }],
              org: { company: 'WhatsApp', department: 'Design', title: 'Manager' },
              phones: [{ phone: '+1 (650) 555-1234', type: 'WORK', wa_id: '16505551234' }],
              urls: [{ url: 'https://www.example.com', type: 'WORK' }],
            },
          ]),
        ),
      };
      const cfg = join(root, 'config');
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
              body: 'A {{item}} costs ₹450',
            },
          ],
        }),
      );
      files.config = cfg;
    });

    afterAll(async () => {
      await prism?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function wabox(argv: string[], env: Record<string, string> = {}) {
      const from = prism.exchanges.length;
      const r = await runCloud(prism.url, argv, { env: { WABOX_CONFIG_DIR: files.config!, ...env } });
      return { ...r, exchanges: prism.exchanges.slice(from) };
    }

    function explain(ex: Exchange): string {
      const v = violations(ex);
      const log = prism
        .log()
        .split('\n')
        .filter((l) => /Violation|VALIDATOR.*error/.test(l))
        .slice(-10)
        .join('\n');
      return `${ex.method} ${ex.path} -> ${ex.status}\nrequest: ${ex.requestBody.slice(0, 1500)}\n${v.length > 0 ? v.join('\n') : log}`;
    }

    /** The command succeeded, made exactly these requests, and Prism accepted every one (2xx). */
    function expectAccepted(r: Awaited<ReturnType<typeof wabox>>, calls: Array<[string, string]>): void {
      expect(r.code, r.stderr).toBe(0);
      expect(r.exchanges.map((e) => [e.method, e.path])).toEqual(calls);
      for (const ex of r.exchanges) {
        expect(ex.status, explain(ex)).not.toBe(422);
        expect(ex.status, explain(ex)).toBeGreaterThanOrEqual(200);
        expect(ex.status, explain(ex)).toBeLessThan(300);
      }
    }

    const SEND: Array<[string, () => string[], Array<[string, string]>?]> = [
      ['text with preview_url', () => ['--text', 'See https://example.com', '--preview-url']],
      [
        'text replying to a message (context)',
        () => ['--text', 'Answering your question', '--reply-to', WAMID],
      ],
      ['reaction', () => ['--react', WAMID, '--emoji', '👍']],
      ['reaction removal', () => ['--react', WAMID, '--emoji', '']],
      [
        'image by link with caption, as a reply',
        () => ['--image', 'https://example.com/menu.jpg', '--caption', 'Menu', '--reply-to', WAMID],
      ],
      ['image by media id', () => ['--image', '1003383421387256']],
      [
        'image from a local file (uploaded first)',
        () => ['--image', files.jpeg!, '--caption', 'Today'],
        [
          ['POST', MEDIA],
          ['POST', MESSAGES],
        ],
      ],
      ['video by link with caption', () => ['--video', 'https://example.com/clip.mp4', '--caption', 'Clip']],
      [
        'video from a local file',
        () => ['--video', files.mp4!],
        [
          ['POST', MEDIA],
          ['POST', MESSAGES],
        ],
      ],
      ['audio by link', () => ['--audio', 'https://example.com/voice.ogg']],
      [
        'audio from a local file',
        () => ['--audio', files.ogg!],
        [
          ['POST', MEDIA],
          ['POST', MESSAGES],
        ],
      ],
      [
        'document by link with caption and filename',
        () => [
          '--document',
          'https://example.com/i.pdf',
          '--caption',
          'Invoice',
          '--filename',
          'invoice.pdf',
        ],
      ],
      [
        'document from a local file (filename kept)',
        () => ['--document', files.pdf!],
        [
          ['POST', MEDIA],
          ['POST', MESSAGES],
        ],
      ],
      ['sticker by link', () => ['--sticker', 'https://example.com/s.webp']],
      [
        'sticker from a local file',
        () => ['--sticker', files.webp!],
        [
          ['POST', MEDIA],
          ['POST', MESSAGES],
        ],
      ],
      [
        'location with name and address',
        () => [
          '--location',
          '37.758056,-122.425332',
          '--location-name',
          'META HQ',
          '--location-address',
          '1 Hacker Way, Menlo Park, CA 94025',
        ],
      ],
      ['contacts (short form)', () => ['--contacts', files.contactsShort!]],
      ["contacts (every field of Meta's contact object)", () => ['--contacts', files.contactsFull!]],
      [
        'reply buttons with header and footer',
        () => [
          '--body',
          'Pick one',
          '--button',
          'Yes',
          '--button',
          'No',
          '--button',
          'Later',
          '--header',
          'Booking',
          '--footer',
          'Reply any time',
        ],
      ],
      ['list with two sections', () => ['--list', files.list!]],
      [
        'template: header image by link, text/currency/date_time parameters, quick-reply and URL buttons',
        () => [
          '--template',
          'order_update',
          '--lang',
          'en_US',
          '--param',
          'Asha',
          '--currency',
          'USD 100.99',
          '--date-time',
          'February 25, 1977',
          '--header-image',
          'https://example.com/h.jpg',
          '--button-payload',
          '1=DETAILS',
          '--button-url',
          '2=ABC123',
        ],
      ],
      [
        'template: named parameters, document header uploaded from a file',
        () => [
          '--template',
          'welcome',
          '--lang',
          'en',
          '--named-param',
          'first_name=Asha',
          '--named-param',
          'order_id=42',
          '--header-document',
          files.pdf!,
          '--filename',
          'menu.pdf',
        ],
        [
          ['POST', MEDIA],
          ['POST', MESSAGES],
        ],
      ],
      [
        'template: video header by media id',
        () => ['--template', 'clip_of_the_day', '--lang', 'hi', '--header-video', '1234567'],
      ],
      ['template without parameters', () => ['--template', 'hello_world', '--lang', 'en_US']],
      [
        'quick reply rendered from the local library',
        () => ['--quick-reply', '/price', '--var', 'item=cake'],
      ],
    ];

    describe('every message type through wabox send', () => {
      for (const [name, argv, calls] of SEND) {
        it(name, async () => {
          const r = await wabox(['send', TO, ...argv(), '--json']);
          expectAccepted(r, calls ?? [['POST', MESSAGES]]);
          expect(JSON.parse(r.stdout)).toMatchObject({
            id: expect.stringMatching(/^wamid\./),
            status: 'accepted',
          });
          const sent = JSON.parse(r.exchanges.at(-1)!.requestBody);
          expect(sent).toMatchObject({ messaging_product: 'whatsapp', recipient_type: 'individual', to: TO });
        });
      }

      it('the built CLI (bin/wabox.js) sends text and uploads media the same way', async () => {
        const from = prism.exchanges.length;
        const env = {
          WABOX_GRAPH_URL: prism.url,
          WABOX_TOKEN: TOKEN,
          WABOX_PHONE_NUMBER_ID: PHONE_ID,
          WABOX_WABA_ID: WABA_ID,
          WABOX_DB: join(tempDir(), 'wabox.db'),
          WABOX_CONFIG_DIR: tempDir(),
        };
        const text = await spawnCli(['send', TO, '--text', 'Hello from the built CLI', '--json'], { env });
        expect(text.code, text.stderr).toBe(0);
        const image = await spawnCli(['send', TO, '--image', files.jpeg!], { env });
        expect(image.code, image.stderr).toBe(0);
        // Prism answers every send with the description's example wamid: the store keeps one message per
        // wamid, so the second send is not recorded, and says so
        expect(text.stderr).toBe('');
        expect(image.stderr).toMatch(
          /^warning: the message was sent, but the store already holds a message with its wamid wamid\.\S+, so it is not recorded again \(a mock server that answers every send with the same wamid\? Prism: `prism mock -d`\)\n$/,
        );
        const ex = prism.exchanges.slice(from);
        expect(ex.map((e) => [e.method, e.path, e.status])).toEqual([
          ['POST', MESSAGES, 200],
          ['POST', MEDIA, 200],
          ['POST', MESSAGES, 200],
        ]);
        expect(`${text.stdout}${text.stderr}${image.stdout}${image.stderr}`).not.toContain(TOKEN);
      });
    });

    describe('the other operations', () => {
      it('media upload prints the media id', async () => {
        const r = await wabox(['media', 'upload', files.jpeg!]);
        expectAccepted(r, [['POST', MEDIA]]);
        expect(r.stdout.trim()).not.toBe('');
      });

      it('media info and rm', async () => {
        expectAccepted(await wabox(['media', 'info', '1003383421387256', '--json']), [
          ['GET', '/v23.0/1003383421387256'],
        ]);
        expectAccepted(await wabox(['media', 'rm', '1003383421387256', '--yes']), [
          ['DELETE', '/v23.0/1003383421387256'],
        ]);
      });

      it('meta-template list (every page) and show', async () => {
        const r = await wabox(['meta-template', 'list', '--json']);
        expectAccepted(r, [['GET', `/v23.0/${WABA_ID}/message_templates`]]);
        expect(JSON.parse(r.stdout).map((t: { name: string }) => t.name)).toContain('hello_world');
        const show = await wabox(['meta-template', 'show', 'hello_world', '--lang', 'en_US', '--json']);
        expectAccepted(show, [['GET', `/v23.0/${WABA_ID}/message_templates`]]);
      });

      it('business-profile show reads the nested business_profile shape', async () => {
        const r = await wabox(['business-profile', 'show', '--json']);
        expectAccepted(r, [['GET', `/v23.0/${PHONE_ID}/whatsapp_business_profile`]]);
        expect(JSON.parse(r.stdout)).toMatchObject({
          vertical: expect.any(String),
          websites: expect.any(Array),
        });
      });

      it('business-profile set with every field', async () => {
        const r = await wabox([
          'business-profile',
          'set',
          '--about',
          'Fresh bread daily',
          '--address',
          '1 Main St, Pune',
          '--description',
          'A family bakery since 1990',
          '--email',
          'orders@example.com',
          '--website',
          'https://example.com',
          '--website',
          'https://example.org/shop',
          '--vertical',
          'restaurant',
          '--json',
        ]);
        expectAccepted(r, [['POST', `/v23.0/${PHONE_ID}/whatsapp_business_profile`]]);
        expect(JSON.parse(r.stdout).success).toBe(true);
      });

      it('numbers lists quality rating and name status', async () => {
        const r = await wabox(['numbers', '--json']);
        expectAccepted(r, [['GET', `/v23.0/${WABA_ID}/phone_numbers`]]);
        expect(JSON.parse(r.stdout)[0]).toMatchObject({ id: expect.any(String), qualityRating: 'GREEN' });
      });

      it('doctor checks token, phone number id and WABA against the API', async () => {
        // Prism's example WABA lists 1906385232743451; use it so the membership check can pass
        const r = await wabox(['doctor', '--json'], { WABOX_PHONE_NUMBER_ID: '1906385232743451' });
        expectAccepted(r, [
          ['GET', '/v23.0/1906385232743451'],
          ['GET', `/v23.0/${WABA_ID}/phone_numbers`],
        ]);
        expect(JSON.parse(r.stdout).ok).toBe(true);
      });
    });

    describe("defects of the description (outside wabox's control), pinned so a fixed description shows up", () => {
      let spec: {
        paths: Record<
          string,
          {
            post?: {
              requestBody?: { content?: Record<string, { examples?: Record<string, { value: unknown }> }> };
            };
          }
        >;
        components: {
          schemas: Record<string, { required?: string[]; properties?: Record<string, { type?: string }> }>;
        };
      };
      const specExample = (name: string) => {
        spec ??= parse(readFileSync(OPENAPI_SPEC!, 'utf8'), { maxAliasCount: -1 });
        const value =
          spec.paths['/{Version}/{Phone-Number-ID}/messages']?.post?.requestBody?.content?.[
            'application/json'
          ]?.examples?.[name]?.value;
        expect(value, `example "${name}"`).toBeDefined();
        return JSON.parse(JSON.stringify(value).replaceAll('{{Recipient-Phone-Number}}', TO)) as Record<
          string,
          unknown
        >;
      };
      const postRaw = (body: unknown) => prism.post(MESSAGES, body);

      it('mark-as-read: sendMessage validates against `Message`, which has no member for MarkMessageRequestPayload; Prism rejects even the description\'s own "Send typing indicator and read receipt" example', async () => {
        const own = await postRaw(specExample('Send typing indicator and read receipt'));
        documented.add(own);
        expect(own.status).toBe(422);
        expect(violations(own)).toEqual(
          expect.arrayContaining([
            "Request body must have required property 'recipient_type'",
            "Request body must have required property 'type'",
            "Request body must NOT have additional properties; found 'message_id'",
          ]),
        );
        for (const argv of [
          ['read', WAMID],
          ['read', WAMID, '--typing'],
        ]) {
          const r = await wabox(argv);
          expect(r.exchanges).toHaveLength(1);
          const ex = r.exchanges[0]!;
          documented.add(ex);
          expect(ex.status).toBe(422);
          // the very same violations as the description's own example (which carries a typing indicator)
          const expected = violations(own).filter(
            (m) => argv.includes('--typing') || !m.includes('typing_indicator'),
          );
          expect(violations(ex).sort()).toEqual(expected.sort());
          // what wabox sends does match the description's MarkMessageRequestPayload schema
          const schema = spec.components.schemas.MarkMessageRequestPayload!;
          const body = JSON.parse(ex.requestBody) as Record<string, unknown>;
          for (const key of schema.required ?? [])
            expect(typeof body[key], key).toBe(schema.properties![key]!.type);
          expect(body).toMatchObject({ messaging_product: 'whatsapp', status: 'read', message_id: WAMID });
          if (argv.includes('--typing')) expect(body.typing_indicator).toEqual({ type: 'text' });
        }
      });

      it('template button index: TemplateComponent.index has the pattern ^[2-6, 11-14]$ (one character of 1-6, comma, space), so the first button, index "0", is refused, as in the description\'s own "Send Message Template Interactive" example', async () => {
        const own = await postRaw(specExample('Send Message Template Interactive'));
        documented.add(own);
        expect(own.status).toBe(422);
        expect(violations(own)).toContain(
          'Request body property template.components.2.index must match pattern "^[2-6, 11-14]$"',
        );
        const r = await wabox([
          'send',
          TO,
          '--template',
          'order_update',
          '--lang',
          'en_US',
          '--button-payload',
          '0=DETAILS',
        ]);
        const ex = r.exchanges[0]!;
        documented.add(ex);
        expect(ex.status).toBe(422);
        const v = violations(ex).filter(
          (m) =>
            !/must match exactly one schema in oneOf|allowed values|required property '(text|audio|document|image|location|video|sticker|reaction|interactive|contacts)'|found 'template'/.test(
              m,
            ),
        );
        expect(v).toEqual([
          'Request body property template.components.0.index must match pattern "^[2-6, 11-14]$"',
        ]);
      });

      it('BSUID recipients: the v23.0 description predates them (`to` required, no `recipient`), so a send to a customer known only by BSUID is refused for that alone', async () => {
        const r = await wabox(['send', 'US.13491208655302741918', '--text', 'Hello']);
        const ex = r.exchanges[0]!;
        documented.add(ex);
        expect(ex.status).toBe(422);
        expect(JSON.parse(ex.requestBody)).toEqual({
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          recipient: 'US.13491208655302741918',
          type: 'text',
          text: { body: 'Hello', preview_url: false },
        });
        // the same body with `to` in place of `recipient` is accepted: only the addressing differs
        const { recipient: _r, ...rest } = JSON.parse(ex.requestBody) as Record<string, unknown>;
        const withTo = await postRaw({ ...rest, to: TO });
        expect(withTo.status, explain(withTo)).toBe(200);
        expect(violations(ex)).toEqual(
          expect.arrayContaining(["Request body must have required property 'to'"]),
        );
      });
    });

    it('the suite covered every message type, media source, template part and operation the client has', () => {
      const sent = prism.exchanges
        .filter((e) => e.method === 'POST' && e.path === MESSAGES && e.status >= 200 && e.status < 300)
        .map((e) => JSON.parse(e.requestBody) as Record<string, any>);
      const kinds = new Set(
        sent.map((b) => (b.type === 'interactive' ? `interactive/${b.interactive.type}` : b.type)),
      );
      const expected = MESSAGE_TYPES.flatMap((t) =>
        t === 'interactive' ? INTERACTIVE_TYPES.map((i) => `interactive/${i}`) : [t],
      );
      expect([...kinds].sort()).toEqual([...expected].sort());
      // every media kind by link and by id (an upload's id), each as a reply too for one of them
      for (const kind of MEDIA_KINDS)
        for (const source of ['id', 'link'])
          expect(
            sent.some((b) => b.type === kind && typeof b[kind][source] === 'string'),
            `${kind} by ${source}`,
          ).toBe(true);
      expect(sent.some((b) => b.type === 'reaction' && b.reaction.emoji === '')).toBe(true);
      expect(sent.some((b) => b.type === 'text' && b.text.preview_url === true)).toBe(true);
      expect(new Set(sent.filter((b) => b.context).map((b) => b.type))).toEqual(new Set(['text', 'image']));
      const components = sent
        .filter((b) => b.type === 'template')
        .flatMap((b) => (b.template.components ?? []) as Array<Record<string, any>>);
      const parts = new Set(
        components.flatMap((c) =>
          c.type === 'button'
            ? [`button/${c.sub_type}`]
            : (c.parameters as Array<Record<string, unknown>>).map(
                (p) => `${c.type}/${p.type}${p.parameter_name === undefined ? '' : '/named'}`,
              ),
        ),
      );
      expect([...parts].sort()).toEqual(
        [
          'header/image',
          'header/document',
          'header/video',
          'body/text',
          'body/text/named',
          'body/currency',
          'body/date_time',
          'button/quick_reply',
          'button/url',
        ].sort(),
      );
      const operations = new Set(prism.exchanges.map((e) => `${e.method} ${e.path}`));
      for (const op of [
        `POST ${MEDIA}`,
        'GET /v23.0/1003383421387256',
        'DELETE /v23.0/1003383421387256',
        `GET /v23.0/${WABA_ID}/message_templates`,
        `GET /v23.0/${PHONE_ID}/whatsapp_business_profile`,
        `POST /v23.0/${PHONE_ID}/whatsapp_business_profile`,
        `GET /v23.0/${WABA_ID}/phone_numbers`,
      ])
        expect(operations, op).toContain(op);
    });

    it('no request of the suite got a 422, except the documented defects above', () => {
      const unexpected = prism.exchanges.filter((e) => e.status === 422 && !documented.has(e));
      expect(unexpected.map(explain)).toEqual([]);
      expect(prism.exchanges.length).toBeGreaterThan(30);
    });
  });
