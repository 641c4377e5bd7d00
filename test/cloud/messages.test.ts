// Payload builders: shapes, and every documented limit (../shared/reference/cloud-api.md §1.3, §5, §7)
// refused before any request with an error that names the limit.
import { describe, expect, it } from 'vitest';
import { classify, RETRYABLE_CODES } from '../../src/cloud/error-codes.js';
import { checkMedia, isAnimatedWebp, mediaKindOf, sniff } from '../../src/cloud/media.js';
import {
  buildMessage,
  buttonsMessage,
  type Envelope,
  LIMITS,
  listMessage,
  type MessageContent,
  markReadPayload,
  parseContacts,
  parseCurrency,
  parseList,
  templateLanguage,
  templateMessage,
} from '../../src/cloud/messages.js';
import { parseBusinessProfile, profileUpdateBody } from '../../src/cloud/profile.js';
import { backoffDelay, DEFAULT_RETRY, PairBackoff, parseRetryAfter } from '../../src/cloud/retry.js';
import { WaboxError } from '../../src/core/errors.js';

const env: Envelope = { to: '+919876543210' };
const x = (n: number, c = 'x') => c.repeat(n);

function refuses(fn: () => unknown, message: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  expect(error, 'expected an error').toBeInstanceOf(WaboxError);
  expect((error as WaboxError).kind).toBe('invalid-input');
  expect((error as WaboxError).message).toMatch(message);
}

const build = (content: MessageContent, e: Envelope = env) => buildMessage(e, content);

describe('envelope', () => {
  it('always carries messaging_product and recipient_type individual; context for a reply', () => {
    expect(build({ type: 'text', body: 'Hi' }, { to: '+919876543210', replyTo: 'wamid.Q' })).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+919876543210',
      type: 'text',
      context: { message_id: 'wamid.Q' },
      text: { body: 'Hi', preview_url: false },
    });
  });

  it('refuses a recipient that is not an international number, and a blank reply id', () => {
    refuses(
      () => build({ type: 'text', body: 'Hi' }, { to: '07700 900123' }),
      /not a phone number in international form/,
    );
    refuses(() => build({ type: 'text', body: 'Hi' }, { to: '+44', replyTo: 'x' }), /international form/);
    refuses(
      () => build({ type: 'text', body: 'Hi' }, { to: '+919876543210', replyTo: ' ' }),
      /not a WhatsApp message id/,
    );
  });
});

describe('text', () => {
  it(`at most ${LIMITS.textBody} characters, counted as code points`, () => {
    expect(build({ type: 'text', body: x(4096) }).text).toEqual({ body: x(4096), preview_url: false });
    expect(() => build({ type: 'text', body: '😀'.repeat(4096) })).not.toThrow();
    refuses(
      () => build({ type: 'text', body: x(4100) }),
      /^text is 4,100 characters; WhatsApp's limit is 4,096$/,
    );
    refuses(() => build({ type: 'text', body: '😀'.repeat(4097) }), /^text is 4,097 characters/);
  });
  it('not empty', () => refuses(() => build({ type: 'text', body: '  ' }), /the text is empty/));
});

describe('reaction', () => {
  it('one emoji, or "" to remove', () => {
    expect(build({ type: 'reaction', messageId: 'wamid.M', emoji: '👍🏽' }).reaction).toEqual({
      message_id: 'wamid.M',
      emoji: '👍🏽',
    });
    expect(build({ type: 'reaction', messageId: 'wamid.M', emoji: '🇮🇳' }).reaction).toMatchObject({
      emoji: '🇮🇳',
    });
    expect(build({ type: 'reaction', messageId: 'wamid.M', emoji: '' }).reaction).toEqual({
      message_id: 'wamid.M',
      emoji: '',
    });
    refuses(() => build({ type: 'reaction', messageId: 'wamid.M', emoji: '👍👍' }), /is not one emoji/);
    refuses(() => build({ type: 'reaction', messageId: 'wamid.M', emoji: 'a' }), /is not one emoji/);
    refuses(() => build({ type: 'reaction', messageId: '', emoji: '👍' }), /not a WhatsApp message id/);
  });
});

describe('media', () => {
  it('by id or by link, exactly one', () => {
    expect(build({ type: 'audio', source: { id: '123' } }).audio).toEqual({ id: '123' });
    expect(build({ type: 'sticker', source: { link: 'https://e.com/s.webp' } }).sticker).toEqual({
      link: 'https://e.com/s.webp',
    });
    refuses(
      () => build({ type: 'image', source: { id: '1', link: 'https://e.com' } as never }),
      /exactly one of a media id or a link/,
    );
    refuses(() => build({ type: 'image', source: {} as never }), /exactly one/);
    refuses(
      () => build({ type: 'image', source: { link: 'ftp://e.com/a.jpg' } }),
      /must be an http\(s\) URL/,
    );
    refuses(() => build({ type: 'image', source: { link: 'not a url' } }), /is not a URL/);
  });

  it(`captions only on image, video and document, at most ${LIMITS.caption}`, () => {
    for (const type of ['image', 'video', 'document'] as const) {
      expect(build({ type, source: { id: '1' }, caption: x(1024) })[type]).toEqual({
        id: '1',
        caption: x(1024),
      });
      refuses(
        () => build({ type, source: { id: '1' }, caption: x(1025) }),
        /^the caption is 1,025 characters; WhatsApp's limit is 1,024$/,
      );
    }
    for (const type of ['audio', 'sticker'] as const)
      refuses(
        () => build({ type, source: { id: '1' }, caption: 'c' }),
        new RegExp(`^${type} messages take no caption`),
      );
  });

  it('a filename only on documents', () => {
    expect(build({ type: 'document', source: { id: '1' }, filename: 'a.pdf' }).document).toEqual({
      id: '1',
      filename: 'a.pdf',
    });
    refuses(
      () => build({ type: 'image', source: { id: '1' }, filename: 'a.jpg' }),
      /only documents take a file name/,
    );
    refuses(() => build({ type: 'document', source: { id: '1' }, filename: 'a/b.pdf' }), /not a file name/);
  });
});

describe('location', () => {
  it('coordinates within range, sent as strings', () => {
    expect(build({ type: 'location', latitude: -33.9, longitude: 151.2, name: 'Opera' }).location).toEqual({
      latitude: '-33.9',
      longitude: '151.2',
      name: 'Opera',
    });
    refuses(() => build({ type: 'location', latitude: 90.1, longitude: 0 }), /latitude 90\.1 is outside/);
    refuses(
      () => build({ type: 'location', latitude: 0, longitude: -180.5 }),
      /longitude -180\.5 is outside/,
    );
    refuses(() => build({ type: 'location', latitude: Number.NaN, longitude: 0 }), /latitude/);
  });
});

describe('contacts', () => {
  const name = { formatted_name: 'Asha Rao', first_name: 'Asha' };
  it('needs a formatted name and one more name part; only known fields; HOME/WORK', () => {
    expect(
      build({ type: 'contacts', contacts: [{ name, phones: [{ phone: '+91 98765 43210', type: 'HOME' }] }] })
        .contacts,
    ).toHaveLength(1);
    refuses(() => build({ type: 'contacts', contacts: [] }), /at least one contact card/);
    refuses(
      () => build({ type: 'contacts', contacts: [{ name: { formatted_name: 'A' } }] }),
      /needs one of name\.first_name/,
    );
    refuses(
      () => build({ type: 'contacts', contacts: [{ name: { first_name: 'A' } } as never] }),
      /needs name\.formatted_name/,
    );
    refuses(
      () => build({ type: 'contacts', contacts: [{ name, nickname: 'x' } as never] }),
      /unknown field "nickname"/,
    );
    refuses(
      () =>
        build({ type: 'contacts', contacts: [{ name, phones: [{ phone: '1', type: 'CELL' as never }] }] }),
      /must be HOME or WORK/,
    );
    refuses(
      () => build({ type: 'contacts', contacts: [{ name, emails: [{ email: 'nope' }] }] }),
      /is not an email address/,
    );
    refuses(() => build({ type: 'contacts', contacts: [{ name, birthday: '18/08/2012' }] }), /YYYY-MM-DD/);
    refuses(
      () => build({ type: 'contacts', contacts: [{ name, urls: [{ url: 'javascript:x' }] }] }),
      /http\(s\) URL/,
    );
  });
});

describe('what people write: currency, list files, contact cards', () => {
  /** The error `fn` throws: invalid input with this code, one line that matches `message`. */
  function refusal(fn: () => unknown, code: string, message: RegExp): void {
    refuses(fn, message);
    try {
      fn();
    } catch (err) {
      expect((err as WaboxError).code).toBe(code);
      expect((err as WaboxError).message).not.toContain('\n');
    }
  }

  it('a currency: "CODE amount", the fallback written for the language, amount × 1000', () => {
    expect(parseCurrency('USD 100.99', 'en_US')).toEqual({
      type: 'currency',
      code: 'USD',
      amount1000: 100990,
      fallback: '$100.99',
    });
    expect(parseCurrency('  inr   499 ', 'en')).toMatchObject({ code: 'INR', amount1000: 499000 });
    expect(parseCurrency('EUR -0.125', 'de_DE')).toMatchObject({ code: 'EUR', amount1000: -125 });
    // Intl's German format: a point between thousands, a comma before cents, a (no-break) space
    expect(parseCurrency('EUR 1234.5', 'de-DE')).toMatchObject({
      fallback: expect.stringMatching(/^1\.234,50\s€$/),
    });
    // a language Intl does not know falls back to the code and the amount as written
    expect(parseCurrency('USD 5', 'zz_ZZ_bad')).toMatchObject({ fallback: 'USD 5' });
  });

  it('refuses a currency that is not "CODE amount", naming what was given', () => {
    for (const bad of ['100 USD', 'USD', 'USD 1.2345', 'US 10', 'USDX 10', 'USD 1,000', ''])
      refusal(() => parseCurrency(bad, 'en'), 'usage.bad_currency', /is not "CODE amount"/);
    refusal(
      () => parseCurrency('100 USD', 'en', '--currency'),
      'usage.bad_currency',
      /^--currency "100 USD" is not "CODE amount" \(e\.g\. "USD 100\.99", "INR 499"\)$/,
    );
  });

  it('a list file: sections and rows kept, optional fields only when given, the flags win', () => {
    const file = {
      body: 'Choose a cake',
      button: 'Cakes',
      footer: 'Fresh today',
      sections: [
        { title: 'Chocolate', rows: [{ id: 'choc-s', title: 'Small', description: 'Serves 4' }] },
        { rows: [{ title: 'Mango', extra: 1 }] },
      ],
    };
    expect(parseList(file)).toEqual({
      type: 'list',
      body: 'Choose a cake',
      button: 'Cakes',
      footer: 'Fresh today',
      sections: [
        { title: 'Chocolate', rows: [{ id: 'choc-s', title: 'Small', description: 'Serves 4' }] },
        { rows: [{ title: 'Mango' }] },
      ],
    });
    expect(parseList(file, { body: 'Pick one', header: 'Menu' })).toMatchObject({
      body: 'Pick one',
      header: 'Menu',
      footer: 'Fresh today',
    });
    // the body can come from the flag alone; a missing button is left for listMessage to refuse
    const bare = parseList({ sections: [{ rows: [{ title: 'A' }] }] }, { body: 'b' });
    expect(bare).toEqual({ type: 'list', body: 'b', button: '', sections: [{ rows: [{ title: 'A' }] }] });
    refuses(() => buildMessage(env, bare), /a list needs the text of its button/);
  });

  it('refuses a list file of the wrong shape, naming the place', () => {
    const rows = [{ title: 'A' }];
    const cases: Array<[unknown, string, RegExp]> = [
      [[], 'usage.bad_list', /^--list: expected an object \{body, button, sections\}$/],
      [null, 'usage.bad_list', /expected an object/],
      ['menu', 'usage.bad_list', /expected an object/],
      [{ button: 'B', sections: [{ rows }] }, 'usage.missing_body', /^--list needs the message text/],
      [{ body: 'b', sections: {} }, 'usage.bad_list', /^--list: "sections" is not a list$/],
      [{ body: 5, sections: [] }, 'usage.bad_list', /^--list: "body" is not a string$/],
      [{ body: 'b', button: 1, sections: [] }, 'usage.bad_list', /"button" is not a string/],
      [{ body: 'b', sections: [{ title: 'x' }] }, 'usage.bad_list', /^--list: section 1 needs "rows"$/],
      [{ body: 'b', sections: [null] }, 'usage.bad_list', /section 1 needs "rows"/],
      [
        { body: 'b', sections: [{ rows }, { rows: [{ title: 'A' }, { id: 'x' }] }] },
        'usage.bad_list',
        /^--list: section 2 row 2 needs a "title"$/,
      ],
    ];
    for (const [data, code, message] of cases) refusal(() => parseList(data, {}, '--list'), code, message);
  });

  it("contact cards: the short form expanded, one card or a list, checked like Meta's objects", () => {
    expect(
      parseContacts({
        name: ' Asha Rao ',
        phone: '+91 98765 43210',
        email: 'asha@example.com',
        company: 'Bakery',
      }),
    ).toEqual([
      {
        name: { formatted_name: 'Asha Rao', first_name: 'Asha', last_name: 'Rao' },
        phones: [{ phone: '+91 98765 43210', type: 'WORK', wa_id: '919876543210' }],
        emails: [{ email: 'asha@example.com', type: 'WORK' }],
        org: { company: 'Bakery' },
      },
    ]);
    // no wa_id for a number without its country code; one word is a first name
    expect(parseContacts([{ name: 'Ravi', phone: '098765 43210' }])).toEqual([
      {
        name: { formatted_name: 'Ravi', first_name: 'Ravi' },
        phones: [{ phone: '098765 43210', type: 'WORK' }],
      },
    ]);
    const meta = { name: { formatted_name: 'Asha Rao', first_name: 'Asha' }, birthday: '1990-01-31' };
    expect(parseContacts([meta, { name: 'Ravi' }])).toEqual([
      meta,
      { name: { formatted_name: 'Ravi', first_name: 'Ravi' } },
    ]);
  });

  it('refuses contact cards that are wrong in either form, with one schema', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [[], 'message.no_contacts', /at least one contact card/],
      ['Asha', 'message.bad_contact', /^contact #1 is not an object$/],
      [
        { name: 'Asha', nickname: 'A' },
        'usage.bad_contacts',
        /^--contacts: unknown field "nickname" in the short form \{name, phone, email, company\}$/,
      ],
      [
        { name: 'Asha', phone: 919876543210 },
        'usage.bad_contacts',
        /^--contacts: "phone" of "Asha" is not a string$/,
      ],
      [
        { name: 'Asha', email: 'not-an-address' },
        'message.bad_contact',
        /"not-an-address" is not an email address/,
      ],
      [{ name: '  ' }, 'message.bad_contact', /needs name\.formatted_name/],
      [
        [{ name: 'Asha' }, { name: { formatted_name: 'R' } }],
        'message.bad_contact',
        /^contact #2 needs one of/,
      ],
      [
        { name: { formatted_name: 'A', first_name: 'A' }, phone: '1' },
        'message.bad_contact',
        /unknown field "phone"/,
      ],
    ];
    for (const [data, code, message] of cases)
      refusal(() => parseContacts(data, '--contacts'), code, message);
  });
});

describe('reply buttons', () => {
  const buttons = (...titles: string[]) => titles.map((title) => ({ title }));
  it(`${LIMITS.buttonsMin}-${LIMITS.buttonsMax} buttons`, () => {
    expect(() => buttonsMessage(env, { body: 'b', buttons: buttons('a') })).not.toThrow();
    expect(() => buttonsMessage(env, { body: 'b', buttons: buttons('a', 'b', 'c') })).not.toThrow();
    refuses(
      () => buttonsMessage(env, { body: 'b', buttons: [] }),
      /number of reply buttons is 0; WhatsApp's limit is 1-3/,
    );
    refuses(
      () => buttonsMessage(env, { body: 'b', buttons: buttons('a', 'b', 'c', 'd') }),
      /is 4; WhatsApp's limit is 1-3/,
    );
  });
  it(`titles at most ${LIMITS.buttonTitle}, not empty, unique`, () => {
    expect(() => buttonsMessage(env, { body: 'b', buttons: buttons(x(20)) })).not.toThrow();
    refuses(
      () => buttonsMessage(env, { body: 'b', buttons: buttons(x(21)) }),
      /button title "x{21}" is 21 characters; WhatsApp's limit is 20/,
    );
    refuses(() => buttonsMessage(env, { body: 'b', buttons: buttons(' ') }), /a button title is empty/);
    refuses(() => buttonsMessage(env, { body: 'b', buttons: buttons('Yes', 'yes') }), /used twice/);
  });
  it(`ids at most ${LIMITS.buttonId}, unique, without surrounding spaces`, () => {
    expect(() => buttonsMessage(env, { body: 'b', buttons: [{ id: x(256), title: 'a' }] })).not.toThrow();
    refuses(
      () => buttonsMessage(env, { body: 'b', buttons: [{ id: x(257), title: 'a' }] }),
      /is 257 characters; WhatsApp's limit is 256/,
    );
    refuses(
      () => buttonsMessage(env, { body: 'b', buttons: [{ id: ' a', title: 'a' }] }),
      /leading\/trailing spaces/,
    );
    refuses(
      () =>
        buttonsMessage(env, {
          body: 'b',
          buttons: [
            { id: 'same', title: 'a' },
            { id: 'same', title: 'b' },
          ],
        }),
      /button ids must be unique/,
    );
  });
  it('derived ids are unique even for titles that slug alike', () => {
    const m = buttonsMessage(env, { body: 'b', buttons: buttons('Yes!', 'Yes?') });
    const ids = (
      m.interactive as { action: { buttons: Array<{ reply: { id: string } }> } }
    ).action.buttons.map((b) => b.reply.id);
    expect(ids).toEqual(['yes', 'yes-2']);
  });
  it(`body at most ${LIMITS.interactiveBody} and required, header and footer at most 60`, () => {
    refuses(
      () => buttonsMessage(env, { body: x(1025), buttons: buttons('a') }),
      /the body is 1,025 characters; WhatsApp's limit is 1,024/,
    );
    refuses(
      () => buttonsMessage(env, { body: '', buttons: buttons('a') }),
      /the message body \(--body\) is empty/,
    );
    refuses(
      () => buttonsMessage(env, { body: 'b', header: x(61), buttons: buttons('a') }),
      /the header is 61 characters; WhatsApp's limit is 60/,
    );
    refuses(
      () => buttonsMessage(env, { body: 'b', footer: x(61), buttons: buttons('a') }),
      /the footer is 61 characters; WhatsApp's limit is 60/,
    );
  });
});

describe('lists', () => {
  const rows = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => ({ title: `${prefix}${i}` }));
  const list = (sections: Parameters<typeof listMessage>[1]['sections'], button = 'Options') =>
    listMessage(env, { body: 'Pick', button, sections });
  it(`button text 1-${LIMITS.listButton}`, () => {
    expect(() => list([{ rows: rows(1) }], x(20))).not.toThrow();
    refuses(
      () => list([{ rows: rows(1) }], x(21)),
      /the list button text is 21 characters; WhatsApp's limit is 20/,
    );
    refuses(() => list([{ rows: rows(1) }], ''), /needs the text of its button/);
  });
  it(`at most ${LIMITS.listSections} sections, each with rows`, () => {
    refuses(() => list([]), /at least one section/);
    refuses(
      () => list(Array.from({ length: 11 }, (_, i) => ({ title: `s${i}`, rows: [{ title: `r${i}` }] }))),
      /number of list sections is 11; WhatsApp's limit is 10/,
    );
    refuses(() => list([{ title: 'a', rows: [] }]), /section 1 has no rows/);
  });
  it(`at most ${LIMITS.listRows} rows in total, across sections`, () => {
    expect(() =>
      list([
        { title: 'a', rows: rows(5, 'a') },
        { title: 'b', rows: rows(5, 'b') },
      ]),
    ).not.toThrow();
    refuses(
      () =>
        list([
          { title: 'a', rows: rows(6, 'a') },
          { title: 'b', rows: rows(5, 'b') },
        ]),
      /number of list rows \(all sections together\) is 11; WhatsApp's limit is 10 in total/,
    );
  });
  it(`section titles at most ${LIMITS.sectionTitle}, required with more than one section`, () => {
    expect(() => list([{ rows: rows(1) }])).not.toThrow();
    refuses(
      () => list([{ title: 'a', rows: rows(1, 'a') }, { rows: rows(1, 'b') }]),
      /section 2 needs a title/,
    );
    refuses(
      () => list([{ title: x(25), rows: rows(1) }]),
      /section title "x{25}" is 25 characters; WhatsApp's limit is 24/,
    );
  });
  it(`rows: title at most ${LIMITS.rowTitle}, description at most ${LIMITS.rowDescription}, id at most ${LIMITS.rowId} and unique`, () => {
    refuses(
      () => list([{ rows: [{ title: x(25) }] }]),
      /row title "x{25}" is 25 characters; WhatsApp's limit is 24/,
    );
    refuses(
      () => list([{ rows: [{ title: 'a', description: x(73) }] }]),
      /description of row "a" is 73 characters; WhatsApp's limit is 72/,
    );
    refuses(
      () => list([{ rows: [{ id: x(201), title: 'a' }] }]),
      /is 201 characters; WhatsApp's limit is 200/,
    );
    refuses(() => list([{ rows: [{ title: '' }] }]), /has no title/);
    refuses(
      () =>
        list([
          { title: 'a', rows: [{ id: 'x', title: 'a' }] },
          { title: 'b', rows: [{ id: 'x', title: 'b' }] },
        ]),
      /row ids must be unique across the list/,
    );
  });
});

describe('templates', () => {
  const t = (content: Partial<Parameters<typeof templateMessage>[1]>) =>
    templateMessage(env, { name: 'order_update', language: 'en_US', ...content });
  it('language policy deterministic; codes normalised', () => {
    expect(t({}).template).toEqual({
      name: 'order_update',
      language: { policy: 'deterministic', code: 'en_US' },
    });
    expect(templateLanguage('pt-br')).toBe('pt_BR');
    expect(templateLanguage('HI')).toBe('hi');
    refuses(() => templateLanguage('english'), /not a template language code/);
  });
  it('names are lowercase letters, digits and _', () => {
    refuses(() => t({ name: 'Order Update' }), /is not a template name/);
    refuses(() => t({ name: x(513, 'a') }), /the template name is 513 characters; WhatsApp's limit is 512/);
  });
  it('positional or named parameters, not both; named ones carry parameter_name', () => {
    expect(t({ body: [{ type: 'text', text: 'Asha', name: 'first_name' }] }).template).toMatchObject({
      components: [
        { type: 'body', parameters: [{ type: 'text', text: 'Asha', parameter_name: 'first_name' }] },
      ],
    });
    refuses(
      () =>
        t({
          body: [
            { type: 'text', text: 'a', name: 'x' },
            { type: 'text', text: 'b' },
          ],
        }),
      /positional or named parameters, not both/,
    );
    refuses(
      () => t({ body: [{ type: 'text', text: 'a', name: 'First Name' }] }),
      /must be lowercase letters/,
    );
    refuses(
      () =>
        t({
          body: [
            { type: 'text', text: 'a', name: 'x' },
            { type: 'text', text: 'b', name: 'x' },
          ],
        }),
      /given twice/,
    );
    refuses(() => t({ body: [{ type: 'text', text: '' }] }), /parameter 1 is empty/);
  });
  it('currency and date_time parameters', () => {
    expect(
      t({
        body: [
          { type: 'currency', code: 'INR', amount1000: 499000, fallback: '₹499' },
          { type: 'date_time', fallback: 'Monday' },
        ],
      }).template,
    ).toMatchObject({
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'currency', currency: { fallback_value: '₹499', code: 'INR', amount_1000: 499000 } },
            { type: 'date_time', date_time: { fallback_value: 'Monday' } },
          ],
        },
      ],
    });
    refuses(() => t({ body: [{ type: 'currency', code: 'inr', amount1000: 1, fallback: 'x' }] }), /ISO 4217/);
    refuses(
      () => t({ body: [{ type: 'currency', code: 'INR', amount1000: 1.5, fallback: 'x' }] }),
      /whole number/,
    );
    refuses(() => t({ body: [{ type: 'date_time', fallback: '' }] }), /is empty/);
  });
  it('header media by link or id; a filename only on a document header', () => {
    expect(t({ header: { type: 'video', source: { id: '77' } } }).template).toMatchObject({
      components: [{ type: 'header', parameters: [{ type: 'video', video: { id: '77' } }] }],
    });
    refuses(
      () => t({ header: { type: 'image', source: { link: 'https://e.com/a.jpg' }, filename: 'a.jpg' } }),
      /only a document header/,
    );
  });
  it('buttons: index 0-9, once each; payloads and URL suffixes not empty', () => {
    expect(t({ buttons: [{ subType: 'url', index: 9, text: 'abc' }] }).template).toMatchObject({
      components: [
        { type: 'button', sub_type: 'url', index: '9', parameters: [{ type: 'text', text: 'abc' }] },
      ],
    });
    refuses(
      () => t({ buttons: [{ subType: 'quick_reply', index: 10, payload: 'p' }] }),
      /index 10 is outside 0-9/,
    );
    refuses(
      () =>
        t({
          buttons: [
            { subType: 'quick_reply', index: 0, payload: 'p' },
            { subType: 'url', index: 0, text: 't' },
          ],
        }),
      /button 0 is given twice/,
    );
    refuses(
      () => t({ buttons: [{ subType: 'quick_reply', index: 0, payload: '' }] }),
      /payload of template button 0 is empty/,
    );
  });
  it('a TEXT header takes one text parameter, named in a named template', () => {
    expect(t({ header: { type: 'text', text: 'Diwali' } }).template).toMatchObject({
      components: [{ type: 'header', parameters: [{ type: 'text', text: 'Diwali' }] }],
    });
    const named = t({
      header: { type: 'text', text: 'Diwali', name: 'sale' },
      body: [{ type: 'text', text: 'Asha', name: 'first_name' }],
    }).template as { components: unknown[] };
    expect(named.components[0]).toEqual({
      type: 'header',
      parameters: [{ type: 'text', text: 'Diwali', parameter_name: 'sale' }],
    });
    refuses(() => t({ header: { type: 'text', text: '' } }), /parameter 1 is empty/);
  });
  it('a COPY_CODE button carries its coupon code', () => {
    expect(t({ buttons: [{ subType: 'copy_code', index: 1, code: 'DIWALI25' }] }).template).toMatchObject({
      components: [
        {
          type: 'button',
          sub_type: 'copy_code',
          index: '1',
          parameters: [{ type: 'coupon_code', coupon_code: 'DIWALI25' }],
        },
      ],
    });
    refuses(
      () => t({ buttons: [{ subType: 'copy_code', index: 1, code: ' ' }] }),
      /coupon code of template button 1 is empty/,
    );
  });
});

describe('mark as read', () => {
  it('with and without the typing indicator', () => {
    expect(markReadPayload('wamid.M')).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.M',
    });
    expect(markReadPayload('wamid.M', { typing: true }).typing_indicator).toEqual({ type: 'text' });
    refuses(() => markReadPayload('has space'), /not a WhatsApp message id/);
  });
});

describe('media types and sizes (cloud-api.md §5)', () => {
  const ok = (kind: Parameters<typeof checkMedia>[0], mimeType: string, size: number, animated?: boolean) =>
    checkMedia(kind, { name: 'f', mimeType, size, ...(animated === undefined ? {} : { animated }) });
  it.each([
    ['image', 'image/jpeg', 5_000_000, 'images is 5 MB'],
    ['image', 'image/png', 5_000_000, 'images is 5 MB'],
    ['video', 'video/mp4', 16_000_000, 'videos is 16 MB'],
    ['video', 'video/3gpp', 16_000_000, 'videos is 16 MB'],
    ['audio', 'audio/ogg', 16_000_000, 'audios is 16 MB'],
    ['audio', 'audio/mpeg', 16_000_000, 'audios is 16 MB'],
    ['document', 'application/pdf', 100_000_000, 'documents is 100 MB'],
    ['document', 'text/plain', 100_000_000, 'documents is 100 MB'],
  ] as const)('%s %s: at most %d bytes', (kind, mime, max, words) => {
    expect(() => ok(kind, mime, max)).not.toThrow();
    refuses(() => ok(kind, mime, max + 1), new RegExp(`WhatsApp's limit for ${words}$`));
  });
  it('stickers: 100 KB static, 500 KB animated', () => {
    expect(() => ok('sticker', 'image/webp', 100_000, false)).not.toThrow();
    refuses(() => ok('sticker', 'image/webp', 100_001, false), /limit for static stickers is 100 KB/);
    expect(() => ok('sticker', 'image/webp', 500_000, true)).not.toThrow();
    refuses(() => ok('sticker', 'image/webp', 500_001, true), /limit for animated stickers is 500 KB/);
  });
  it('types outside the table are refused with what is accepted', () => {
    refuses(() => ok('image', 'image/gif', 10), /image\/gif, which WhatsApp does not accept as an image/);
    refuses(() => ok('image', 'image/webp', 10), /does not accept as an image/);
    refuses(() => ok('video', 'video/quicktime', 10), /as a video/);
    refuses(() => ok('document', 'application/zip', 10), /as a document/);
    refuses(() => ok('audio', 'audio/wav', 10), /as an audio/);
    refuses(() => ok('image', 'image/png', 0), /is empty/);
  });
  it('kinds from MIME types, magic bytes, animated WebP', () => {
    expect(mediaKindOf('image/webp')).toBe('sticker');
    expect(mediaKindOf('application/pdf')).toBe('document');
    expect(mediaKindOf('image/gif')).toBeUndefined();
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xdb]))).toBe('image/jpeg');
    const vp8x = Buffer.concat([
      Buffer.from('RIFF\0\0\0\0WEBPVP8X', 'latin1'),
      Buffer.from([0, 0, 0, 0, 0x02]),
    ]);
    expect(sniff(vp8x)).toBe('image/webp');
    expect(isAnimatedWebp(vp8x)).toBe(true);
    expect(
      isAnimatedWebp(Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'), Buffer.alloc(9)])),
    ).toBe(false);
  });
});

describe('business profile', () => {
  it('reads both response shapes', () => {
    const flat = { data: [{ about: 'Hi', websites: ['https://a.example'], vertical: 'RETAIL' }] };
    const nested = { data: [{ business_profile: flat.data[0] }] };
    expect(parseBusinessProfile(flat)).toEqual(parseBusinessProfile(nested));
    expect(parseBusinessProfile(nested)).toMatchObject({
      about: 'Hi',
      websites: ['https://a.example'],
      vertical: 'RETAIL',
      email: null,
    });
  });
  it('checks every field limit', () => {
    expect(profileUpdateBody({ about: x(139), vertical: 'restaurant' })).toEqual({
      messaging_product: 'whatsapp',
      about: x(139),
      vertical: 'RESTAURANT',
    });
    refuses(() => profileUpdateBody({ about: x(140) }), /about is 140 characters; WhatsApp's limit is 139/);
    refuses(() => profileUpdateBody({ about: ' ' }), /about must be 1-139/);
    refuses(
      () => profileUpdateBody({ address: x(257) }),
      /the address is 257 characters; WhatsApp's limit is 256/,
    );
    refuses(
      () => profileUpdateBody({ description: x(257) }),
      /the description is 257 characters; WhatsApp's limit is 256/,
    );
    refuses(
      () => profileUpdateBody({ email: `${x(120)}@example.com` }),
      /the email is 132 characters; WhatsApp's limit is 128/,
    );
    refuses(() => profileUpdateBody({ email: 'not-an-email' }), /is not an email address/);
    refuses(
      () => profileUpdateBody({ websites: ['https://a.ex', 'https://b.ex', 'https://c.ex'] }),
      /number of websites is 3; WhatsApp's limit is 2/,
    );
    refuses(() => profileUpdateBody({ websites: [`https://e.com/${x(250)}`] }), /WhatsApp's limit is 256/);
    refuses(
      () => profileUpdateBody({ websites: ['example.com'] }),
      /must start with http:\/\/ or https:\/\//,
    );
    refuses(() => profileUpdateBody({ vertical: 'BAKERY' }), /unknown vertical "BAKERY"/);
    refuses(() => profileUpdateBody({}), /nothing to change/);
  });
});

describe('error table and retry timing', () => {
  it('retries exactly the codes Meta says to retry (cloud-api.md §2.2), plus 1 and 131057', () => {
    expect([...RETRYABLE_CODES].sort((a, b) => a - b)).toEqual([
      1, 2, 4, 80007, 130429, 131000, 131016, 131056, 131057, 133004,
    ]);
  });
  it('categories and exit kinds', () => {
    expect(classify(190)).toMatchObject({ category: 'auth', kind: 'config', retry: 'none' });
    expect(classify(250)).toMatchObject({ category: 'permission', kind: 'config' });
    expect(classify(131047)).toMatchObject({ category: 'window-closed', kind: 'refused' });
    expect(classify(132001)).toMatchObject({ category: 'template', kind: 'not-found' });
    expect(classify(131053)).toMatchObject({ category: 'media', kind: 'refused' });
    expect(classify(130429)).toMatchObject({ category: 'rate-limit', kind: 'transient', retry: 'backoff' });
    expect(classify(131056)).toMatchObject({ category: 'pair-rate-limit', retry: 'pair' });
    expect(classify(368)).toMatchObject({ category: 'policy', kind: 'refused' });
    expect(classify(null, { status: 502 })).toMatchObject({ category: 'transient', retry: 'backoff' });
    expect(classify(424242, { status: 400 })).toMatchObject({
      category: 'unknown',
      kind: 'refused',
      retry: 'none',
    });
    expect(classify(424242, { status: 400, isTransient: true })).toMatchObject({ category: 'transient' });
  });
  it('full-jitter exponential backoff, capped', () => {
    const top = () => 0.999999;
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, DEFAULT_RETRY, top))).toEqual([
      499, 999, 1999, 3999, 7999, 7999, 7999,
    ]);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0)).toBe(0);
  });
  it('Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2025-06-01T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
  it('pair rate: 4^X s per recipient, forgotten after a success', () => {
    const p = new PairBackoff();
    expect([p.hit('a', 0), p.hit('a', 0), p.hit('a', 0)]).toEqual([1000, 4000, 16000]);
    expect(p.hit('b', 0)).toBe(1000);
    expect(p.waitFor('a', 10_000)).toBe(6000);
    p.clear('a');
    expect(p.waitFor('a', 10_000)).toBe(0);
    expect(p.hit('a', 0)).toBe(1000);
  });
});
