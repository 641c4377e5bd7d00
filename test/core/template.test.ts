import { describe, expect, it } from 'vitest';
import {
  checkTemplate,
  findAutoReply,
  findTemplate,
  formatHours,
  formatNextOpen,
  libraryClashes,
  renderTemplate,
  type Template,
  validateTemplate,
} from '../../src/core/template.js';
import { thrownWaboxError } from '../helpers/assert.js';

const now = new Date('2024-03-09T14:30:00Z'); // Saturday 20:00 in Kolkata
const nextOpen = new Date('2024-03-11T03:30:00Z'); // Monday 09:00 in Kolkata

function quick(name: string, shortcut: string, body = 'Hi'): Template {
  return { name, kind: 'quick-reply', shortcut, language: 'en', body };
}

describe('checkTemplate', () => {
  it('normalises: canonical language, a slash on the shortcut, fields in order', () => {
    expect(
      checkTemplate({
        body: 'Hi {{who}}',
        language: 'EN-gb',
        shortcut: 'hello',
        kind: 'quick-reply',
        name: 'hello',
        tags: ['a'],
        variables: [{ name: 'who', default: 'there' }],
      }),
    ).toEqual({
      template: {
        name: 'hello',
        kind: 'quick-reply',
        shortcut: '/hello',
        language: 'en-GB',
        tags: ['a'],
        variables: [{ name: 'who', default: 'there' }],
        body: 'Hi {{who}}',
      },
      problems: [],
    });
    expect(Object.keys(validateTemplate({ body: 'x', language: 'hi', kind: 'cta', name: 'c' }))).toEqual([
      'name',
      'kind',
      'language',
      'body',
    ]);
  });

  it('lists every problem of an entry', () => {
    expect(
      checkTemplate({
        name: '/bad name',
        kind: 'reply',
        language: 'english!',
        body: 'Hi {{ 1x }}',
        tags: ['ok', 'has space', 'ok'],
        colour: 'red',
      }).problems,
    ).toEqual([
      'unknown field "colour"',
      'invalid template name "/bad name": use 1-64 letters, digits, _ . or -, starting with a letter or digit',
      'unknown template kind "reply": use quick-reply, greeting, away, cta, csat',
      'invalid language "english!": use a BCP 47 tag such as en, hi, gu, ur or pt-BR',
      'invalid tag "has space": use 1-32 letters, digits, _ . or -, starting with a letter or digit',
      'tag "ok" is listed twice',
      'malformed placeholder "{{ 1x }}": a name is letters, digits, _ . - (e.g. {{name}} or {{name|default}}); write \\{{ for literal braces',
    ]);
  });

  it.each([
    [{ shortcut: undefined }, 'a quick reply needs a shortcut'],
    [{ kind: 'greeting', shortcut: '/hi' }, 'only quick replies have a shortcut (this is a greeting)'],
    [
      { shortcut: '/two words' },
      'invalid shortcut "/two words": use "/" and 1-32 letters, digits, _ or -, e.g. /price',
    ],
    [{ shortcut: '//x' }, 'invalid shortcut "//x": use "/" and 1-32 letters, digits, _ or -, e.g. /price'],
    [{ shortcut: '/' }, 'invalid shortcut "/": use "/" and 1-32 letters, digits, _ or -, e.g. /price'],
    [
      { shortcut: `/${'a'.repeat(33)}` },
      `invalid shortcut "/${'a'.repeat(33)}": use "/" and 1-32 letters, digits, _ or -, e.g. /price`,
    ],
    [{ body: '   ' }, 'body is empty'],
    [{ body: 'a\u0000b' }, 'body contains a binary control character (U+0000)'],
    [{ body: 'a\ud800' }, 'body holds a lone UTF-16 surrogate'],
    [{ body: 42 }, 'body is not a string'],
    [{ variables: [{ name: 'city' }] }, 'variable "city" is declared but the body has no {{city}}'],
    [{ body: '{{a}}', variables: [{ name: 'a' }, { name: 'a' }] }, 'variable "a" is declared twice'],
    [{ variables: 'x' }, 'variables is not a list of {name, default, description}'],
  ])('refuses %j', (patch, problem) => {
    const { problems } = checkTemplate({
      name: 't',
      kind: 'quick-reply',
      shortcut: '/t',
      language: 'en',
      body: 'Hi',
      ...patch,
    });
    expect(problems).toEqual([problem]);
  });

  it('accepts shortcuts and names in any script', () => {
    expect(
      validateTemplate({ name: 'कीमत', kind: 'quick-reply', shortcut: '/कीमत', language: 'hi', body: 'x' })
        .shortcut,
    ).toBe('/कीमत');
  });
});

describe('library rules', () => {
  it('finds clashes: name and shortcut (case-insensitive), one greeting/away per language', () => {
    const clashes = libraryClashes([
      quick('price', '/price'),
      quick('Price', '/cost'),
      quick('cost', '/PRICE'),
      { name: 'g1', kind: 'greeting', language: 'hi', body: 'x' },
      { name: 'g2', kind: 'greeting', language: 'hi', body: 'y' },
      { name: 'g3', kind: 'greeting', language: 'en', body: 'y' },
      { name: 'a1', kind: 'away', language: 'hi', body: 'y' },
    ]);
    expect(clashes.map((c) => c.message)).toEqual([
      '"Price": the name is taken',
      '"cost": shortcut /PRICE is used by "price"',
      '"g2": there is already a greeting message in hi ("g1"); one per language',
    ]);
  });

  it('finds by name or /shortcut, case-insensitively; not found is exit 6 with a hint', () => {
    const lib = [quick('price', '/Price'), quick('hours', '/h')];
    expect(findTemplate(lib, 'PRICE').name).toBe('price');
    expect(findTemplate(lib, '/price').name).toBe('price');
    const err = thrownWaboxError(() => findTemplate(lib, 'h'));
    expect(err.kind).toBe('not-found');
    expect(err.message).toBe('no template named "h"; did you mean the shortcut /h?');
    expect(thrownWaboxError(() => findTemplate(lib, '/nope')).message).toBe(
      'no quick reply with shortcut /nope',
    );
  });

  it('picks the greeting or away message by language, then base language, then fallback', () => {
    const lib: Template[] = [
      { name: 'g-en', kind: 'greeting', language: 'en', body: 'Hello' },
      { name: 'g-hi', kind: 'greeting', language: 'hi', body: 'नमस्ते' },
      { name: 'a-gu', kind: 'away', language: 'gu', body: 'x' },
    ];
    expect(findAutoReply(lib, 'greeting', 'hi')?.name).toBe('g-hi');
    expect(findAutoReply(lib, 'greeting', 'hi-IN')?.name).toBe('g-hi');
    expect(findAutoReply(lib, 'greeting', 'ur')?.name).toBe('g-en');
    expect(findAutoReply(lib, 'away', 'ur')).toBeUndefined();
    expect(findAutoReply(lib, 'away', 'ur', 'gu')?.name).toBe('a-gu');
  });
});

describe('renderTemplate', () => {
  const context = {
    now,
    timeZone: 'Asia/Kolkata',
    nextOpen,
    contact: { name: 'Asha', phone: '+919876543210' },
    business: { name: "Ravi's Tea" },
    agent: { name: 'Meena' },
  };

  it('fills built-ins, --var, declared and inline defaults, and says where each value came from', () => {
    const t: Template = {
      name: 't',
      kind: 'away',
      language: 'en',
      variables: [{ name: 'city', default: 'Pune' }],
      body: '{{contact.name}} {{contact.phone}} {{business.name}} {{agent.name}} {{today}} {{next_open}} {{city}} {{x|y}} {{item}} \\{{literal}}',
    };
    const r = renderTemplate(t, { ...context, vars: { item: 'chai', 'agent.name': 'Ravi' } });
    expect(r.text).toBe(
      "Asha +919876543210 Ravi's Tea Ravi March 9, 2024 Monday, March 11 at 9:00 AM Pune y chai {{literal}}",
    );
    expect(r.variables).toEqual([
      { name: 'contact.name', value: 'Asha', source: 'contact' },
      { name: 'contact.phone', value: '+919876543210', source: 'contact' },
      { name: 'business.name', value: "Ravi's Tea", source: 'config' },
      { name: 'agent.name', value: 'Ravi', source: 'var' },
      { name: 'today', value: 'March 9, 2024', source: 'clock' },
      { name: 'next_open', value: 'Monday, March 11 at 9:00 AM', source: 'hours' },
      { name: 'city', value: 'Pune', source: 'template' },
      { name: 'x', value: 'y', source: 'default' },
      { name: 'item', value: 'chai', source: 'var' },
    ]);
    expect(r.length).toBe([...r.text].length);
  });

  it('names every missing variable, with a hint for each built-in', () => {
    const t: Template = {
      name: 'away',
      kind: 'away',
      language: 'en',
      body: '{{contact.name}} {{order}} {{next_open}} {{business.name}} {{order}} {{n|ok}}',
    };
    const err = thrownWaboxError(() => renderTemplate(t, { now, timeZone: 'UTC' }));
    expect(err.message).toBe(
      'template "away": no value for {{contact.name}}, {{order}}, {{next_open}}, {{business.name}}',
    );
    expect(err.hint).toBe(
      'give --var order=... (or a default: wabox template edit away --default order=...); give {{contact.name}} with --contact-name; {{next_open}} needs business hours with an opening ahead: wabox hours set ... --tz <zone>; set {{business.name}} with: wabox config set business-name "..."',
    );
    expect(err.details).toEqual({ missing: ['contact.name', 'order', 'next_open', 'business.name'] });
  });

  it('writes {{next_open}} and {{today}} in the template language and the business zone', () => {
    const lang = (language: string) =>
      renderTemplate({ name: 't', kind: 'away', language, body: '{{next_open}} | {{today}}' }, context).text;
    expect(lang('hi')).toBe('सोमवार, 11 मार्च को सुबह 9:00 बजे | 9 मार्च 2024');
    expect(lang('gu')).toBe('સોમવાર, 11 માર્ચ 9:00 AM | 9 માર્ચ, 2024');
    expect(lang('ur')).toBe('پیر، 11 مارچ کو 9:00 AM | 9 مارچ، 2024');
    expect(lang('en-GB')).toBe('Monday 11 March at 9:00 | 9 March 2024');
    // the same instant in Kathmandu (+05:45) reads 15 minutes later
    expect(formatNextOpen(nextOpen, 'en', 'Asia/Kathmandu')).toBe('Monday, March 11 at 9:15 AM');
  });

  it('is byte-exact: emoji, right-to-left text, combining marks, newlines', () => {
    const body = 'سلام {{contact.name}} 👋🏽\u200f\nनमस्ते e\u0301 ZWJ 👩‍👩‍👧\r\n\ttabs  and trailing  \n\n';
    const t = validateTemplate({ name: 't', kind: 'greeting', language: 'ur', body });
    expect(t.body).toBe(body);
    const text = renderTemplate(t, { ...context, contact: { name: 'عائشہ' } }).text;
    expect(Buffer.from(text)).toEqual(Buffer.from(body.replace('{{contact.name}}', 'عائشہ')));
  });
});

describe('{{hours}}', () => {
  const week = {
    mon: [{ start: 540, end: 1080 }],
    tue: [{ start: 540, end: 1080 }],
    wed: [{ start: 540, end: 1080 }],
    thu: [{ start: 540, end: 1080 }],
    fri: [{ start: 540, end: 1080 }],
    sat: [{ start: 600, end: 840 }],
    sun: [],
  };
  const hours = { timeZone: 'Asia/Kolkata', week, closed: ['2024-03-08', '2024-03-25', '2025-01-01'] };
  const now = new Date('2024-03-09T14:30:00Z');
  const render = (language: string) =>
    renderTemplate(
      { name: 'h', kind: 'quick-reply', shortcut: '/h', language, body: '{{hours}}' },
      { now, timeZone: 'Asia/Kolkata', hours },
    ).text;

  it('writes the week and the next closed date in the template language', () => {
    expect(formatHours(hours, 'en', now)).toBe(
      'Mon–Fri: 9:00 AM–6:00 PM\nSat: 10:00 AM–2:00 PM\nClosed: Monday, March 25',
    );
    expect(render('hi')).toBe('सोम–शुक्र: सुबह 9:00–शाम 6:00\nशनि: सुबह 10:00–दोपहर 2:00\nबंद: सोमवार, 25 मार्च');
    expect(render('en-GB')).toBe('Mon–Fri: 9:00–18:00\nSat: 10:00–14:00\nClosed: Monday 25 March');
  });

  it('a closed date in another year carries the year; none left, no line', () => {
    const late = new Date('2024-12-30T10:00:00Z');
    expect(formatHours(hours, 'en', late).split('\n').at(-1)).toBe('Closed: Wednesday, January 1, 2025');
    expect(formatHours({ ...hours, closed: [] }, 'en', late)).toBe(
      'Mon–Fri: 9:00 AM–6:00 PM\nSat: 10:00 AM–2:00 PM',
    );
  });

  it('without business hours it is missing, with the way to set them', () => {
    expect(() =>
      renderTemplate(
        { name: 'h', kind: 'quick-reply', shortcut: '/h', language: 'en', body: '{{hours}}' },
        { now, timeZone: 'Asia/Kolkata' },
      ),
    ).toThrow(/hours/);
  });
});
