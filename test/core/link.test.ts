import { describe, expect, it } from 'vitest';
import {
  buildLink,
  composeText,
  containsRefTag,
  encodeText,
  extractRef,
  parseLink,
  validateRef,
} from '../../src/core/link.js';
import { thrownWaboxError } from '../helpers/assert.js';
import { LINK_CASES, percentEncode } from '../helpers/link-cases.js';

describe('encodeText', () => {
  it('writes spaces as %20 and never +', () => {
    expect(encodeText('a b  c')).toBe('a%20b%20%20c');
    expect(encodeText('a+b')).toBe('a%2Bb');
  });

  it.each([
    ['&', '%26'],
    ['#', '%23'],
    ['?', '%3F'],
    ['+', '%2B'],
    ['%', '%25'],
    ['=', '%3D'],
    ['\n', '%0A'],
    ['\r\n', '%0D%0A'],
    ['/', '%2F'],
    [':', '%3A'],
    ['[ref:x]', '%5Bref%3Ax%5D'],
    ['🙏', '%F0%9F%99%8F'],
    ['ન', '%E0%AA%A8'],
    ['م', '%D9%85'],
    ['e\u0301', 'e%CC%81'],
    ['👩‍💻', '%F0%9F%91%A9%E2%80%8D%F0%9F%92%BB'],
    ["-_.!~*'()", "-_.!~*'()"],
  ])('%j -> %s', (text, encoded) => {
    expect(encodeText(text)).toBe(encoded);
  });

  it('refuses a lone surrogate, which has no UTF-8 form', () => {
    const err = thrownWaboxError(() => encodeText('bad \ud800 text'));
    expect(err.code).toBe('text.malformed');
  });
});

describe('refs', () => {
  it.each(['a', 'A1', 'spring-24', 'window.2024_A', 'x'.repeat(40), '9lives'])('accepts %j', (ref) => {
    expect(validateRef(ref)).toBe(ref);
  });

  it.each(['', ' ', 'has space', '-lead', '_lead', '.lead', 'x'.repeat(41), 'a/b', 'a]b', 'ü', 'a:b'])(
    'refuses %j with the rule',
    (ref) => {
      const err = thrownWaboxError(() => validateRef(ref));
      expect(err.code).toBe('link.invalid_ref');
      expect(err.message).toBe(
        `invalid ref "${ref}": use 1-40 letters, digits, _ . or -, starting with a letter or digit`,
      );
    },
  );

  it('composes the tag after the text, or alone', () => {
    expect(composeText('Hi', 'r1')).toBe('Hi [ref:r1]');
    expect(composeText(null, 'r1')).toBe('[ref:r1]');
    expect(composeText('', 'r1')).toBe('[ref:r1]');
    expect(composeText('Hi', null)).toBe('Hi');
    expect(composeText(null, null)).toBeNull();
  });

  it('extracts the last tag and the text around it', () => {
    expect(extractRef('Hi [ref:r1]')).toEqual({ text: 'Hi', ref: 'r1' });
    expect(extractRef('[ref:r1]')).toEqual({ text: '', ref: 'r1' });
    expect(extractRef('Hi')).toEqual({ text: 'Hi', ref: null });
    expect(extractRef('a [ref:one] b [ref:two]')).toEqual({ text: 'a [ref:one] b', ref: 'two' });
    // a customer edited around it
    expect(extractRef('Hello [ref:r1] can I book?')).toEqual({ text: 'Hello can I book?', ref: 'r1' });
    // not tags
    expect(extractRef('[ref:] [ref:bad ref] [ref:-x]')).toEqual({
      text: '[ref:] [ref:bad ref] [ref:-x]',
      ref: null,
    });
  });

  it('round-trips composeText through extractRef for texts with edge whitespace', () => {
    for (const text of ['Hi ', ' Hi', 'Hi\n', 'a [ref:old]', 'x  ']) {
      expect(extractRef(composeText(text, 'r')!)).toEqual({ text, ref: 'r' });
    }
  });

  it('detects a tag in text', () => {
    expect(containsRefTag('see [ref:abc]')).toBe(true);
    expect(containsRefTag('see [ref:a b]')).toBe(false);
    // the regex is global: a second call must not depend on the first
    expect(containsRefTag('[ref:abc]')).toBe(true);
  });
});

describe('buildLink', () => {
  it('builds each form', () => {
    expect(buildLink({ waId: '447700900123', text: null, ref: null })).toBe('https://wa.me/447700900123');
    expect(buildLink({ waId: '447700900123', text: 'Hi there', ref: null }, 'api')).toBe(
      'https://api.whatsapp.com/send?phone=447700900123&text=Hi%20there',
    );
    expect(buildLink({ waId: null, text: 'Hi', ref: 'r' }, 'share')).toBe(
      'https://wa.me/?text=Hi%20%5Bref%3Ar%5D',
    );
  });

  it('refuses a share link without text', () => {
    const err = thrownWaboxError(() => buildLink({ waId: null, text: null, ref: null }, 'share'));
    expect(err.code).toBe('link.share_needs_text');
    expect(err.message).toBe('a share link needs text: pass --text');
  });

  it.each(['+447700900123', '44 7700', '', 'abc'])('refuses the wa id %j', (waId) => {
    const err = thrownWaboxError(() => buildLink({ waId, text: null, ref: null }));
    expect(err.code).toBe('link.bad_wa_id');
    expect(err.message).toBe(`"${waId}" is not a digits-only WhatsApp id`);
  });

  it('refuses an invalid ref', () => {
    expect(thrownWaboxError(() => buildLink({ waId: '44', text: 'x', ref: 'bad ref' })).code).toBe(
      'link.invalid_ref',
    );
  });
});

describe('every link case: build, then parse back', () => {
  it.each(LINK_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { url, waId, text, ref } = c.expected;
    expect(buildLink({ waId, text, ref }, c.form)).toBe(url);
    expect(parseLink(url)).toEqual({ form: c.form, waId, text, ref });
  });

  it('the independent encoder agrees with the hand-written URLs', () => {
    expect(percentEncode('Hello there, friend')).toBe('Hello%20there%2C%20friend');
    expect(percentEncode('a&b #1? 1+1=2 100%\nbye')).toBe('a%26b%20%231%3F%201%2B1%3D2%20100%25%0Abye');
  });
});

describe('parseLink', () => {
  it.each([
    ['https://wa.me/447700900123', 'wa.me', '447700900123', null],
    ['https://wa.me/447700900123/', 'wa.me', '447700900123', null],
    ['http://wa.me/447700900123?text=Hi', 'wa.me', '447700900123', 'Hi'],
    ['https://www.wa.me/447700900123?text=Hi', 'wa.me', '447700900123', 'Hi'],
    ['HTTPS://WA.ME/447700900123?text=Hi', 'wa.me', '447700900123', 'Hi'],
    ['wa.me/447700900123?text=Hi', 'wa.me', '447700900123', 'Hi'],
    ['  https://wa.me/447700900123?text=Hi  ', 'wa.me', '447700900123', 'Hi'],
    ['https://wa.me/?text=Hi', 'share', null, 'Hi'],
    ['https://wa.me?text=Hi', 'share', null, 'Hi'],
    ['wa.me/?text=Hi', 'share', null, 'Hi'],
    ['https://wa.me/447700900123?text=Hi#fragment', 'wa.me', '447700900123', 'Hi'],
    ['https://api.whatsapp.com/send?phone=447700900123&text=Hi', 'api', '447700900123', 'Hi'],
    ['https://api.whatsapp.com/send/?phone=447700900123&text=Hi', 'api', '447700900123', 'Hi'],
    [
      'https://api.whatsapp.com/send/?phone=447700900123&text=Hi&type=phone_number&app_absent=0',
      'api',
      '447700900123',
      'Hi',
    ],
    ['https://api.whatsapp.com/send/?text=Hi&type=custom_url&app_absent=0', 'api', null, 'Hi'],
    ['https://api.whatsapp.com/send?phone=%2B447700900123', 'api', '447700900123', null],
    ['api.whatsapp.com/send?phone=447700900123', 'api', '447700900123', null],
    // a hand-written raw + in a query reads as a space
    ['https://api.whatsapp.com/send?phone=+447700900123', 'api', '447700900123', null],
    ['whatsapp://send?text=Hi', 'whatsapp', null, 'Hi'],
    ['whatsapp://send?phone=447700900123&text=Hi', 'whatsapp', '447700900123', 'Hi'],
    ['WhatsApp://send?text=Hi', 'whatsapp', null, 'Hi'],
  ])('%s', (input, form, waId, text) => {
    expect(parseLink(input)).toEqual({ form, waId, text, ref: null });
  });

  it('reads + as a space, and %2B as a plus', () => {
    expect(parseLink('https://wa.me/447700900123?text=Hello+there%2Bthere').text).toBe('Hello there+there');
  });

  it('reads the first text parameter and ignores the others', () => {
    const parsed = parseLink('https://wa.me/447700900123?app_absent=0&text=one&text=two&x=%ZZ');
    expect(parsed.text).toBe('one');
  });

  it('keeps a % that starts no escape, as browsers do', () => {
    expect(parseLink('https://wa.me/447700900123?text=50%off%2').text).toBe('50%off%2');
  });

  it('reads raw non-ASCII text as typed in a browser', () => {
    expect(parseLink('https://wa.me/447700900123?text=નમસ્તે 🙏').text).toBe('નમસ્તે 🙏');
  });

  it('refuses escapes that are not UTF-8 rather than inventing U+FFFD', () => {
    for (const bad of ['%E0%A4', '%FF', '%C3%28', 'ok%80']) {
      const err = thrownWaboxError(() => parseLink(`https://wa.me/447700900123?text=${bad}`));
      expect(err.code).toBe('link.bad_text');
      expect(err.message).toBe(
        `the text in https://wa.me/447700900123?text=${bad} is not UTF-8 once percent-decoded`,
      );
    }
  });

  it('reads an empty or absent text as none, and a lone tag as a ref without text', () => {
    expect(parseLink('https://wa.me/447700900123?text=').text).toBeNull();
    expect(parseLink('https://wa.me/447700900123?text').text).toBeNull();
    expect(parseLink('https://wa.me/447700900123?text=%5Bref%3Ax%5D')).toEqual({
      form: 'wa.me',
      waId: '447700900123',
      text: null,
      ref: 'x',
    });
  });

  it.each([
    'https://wa.me/message/ABCDEF123GHIJ1',
    'https://wa.me/message/ABCDEF123GHIJ1?src=qr',
    'wa.me/message/ABC',
    'https://api.whatsapp.com/message/ABCDEF123GHIJ1?autoload=1&app_absent=0',
  ])('refuses the managed short link %s, saying why', (input) => {
    const err = thrownWaboxError(() => parseLink(input));
    expect(err.code).toBe('link.short_link');
    expect(err.message).toBe(
      `${input} is a managed short link: its text is stored by WhatsApp and cannot be read offline`,
    );
  });

  it.each([
    'https://example.com/447700900123',
    'https://wa.me.evil.com/447700900123',
    'https://evilwa.me/447700900123',
    'https://api.whatsapp.com/',
    'https://api.whatsapp.com/sendx?phone=1',
    'https://web.whatsapp.com/send?phone=447700900123',
    'ftp://wa.me/447700900123',
    'mailto:someone@example.com',
    'whatsapp://chat?phone=447700900123',
    'not a url at all',
    'http://',
    '',
  ])('refuses %j as not a WhatsApp link', (input) => {
    const err = thrownWaboxError(() => parseLink(input));
    expect(err.code).toBe('link.not_a_link');
    expect(err.message).toBe(
      `"${input}" is not a WhatsApp link (expected https://wa.me/..., https://api.whatsapp.com/send?... or whatsapp://send?...)`,
    );
  });

  it.each([
    [
      'https://wa.me/+447700900123',
      'the number in https://wa.me/+447700900123 is not digits only ("+447700900123")',
    ],
    [
      'https://wa.me/44-7700-900123',
      'the number in https://wa.me/44-7700-900123 is not digits only ("44-7700-900123")',
    ],
    [
      'https://wa.me/447700900123/extra',
      'the number in https://wa.me/447700900123/extra is not digits only ("447700900123/extra")',
    ],
    [
      'https://api.whatsapp.com/send?phone=44abc',
      'the phone parameter in https://api.whatsapp.com/send?phone=44abc is not digits only ("44abc")',
    ],
  ])('refuses the malformed number in %s', (input, message) => {
    const err = thrownWaboxError(() => parseLink(input));
    expect(err.code).toBe('link.bad_wa_id');
    expect(err.message).toBe(message);
  });
});
