// Every input the link tests use, in one table: test/core/link.test.ts builds and parses each through the
// library, test/commands/link.test.ts through `wabox link --json` and `wabox inspect --json`; both check
// that inspect(link(x)) gives back x.

export interface LinkExpectation {
  url: string;
  phone: string | null;
  waId: string | null;
  country: string | null;
  /** The text as written (placeholders filled), without the ref tag. */
  text: string | null;
  ref: string | null;
}

export interface LinkCase {
  name: string;
  /** Arguments of `wabox link` (without --json). */
  args: string[];
  form: 'wa.me' | 'api' | 'share';
  expected: LinkExpectation;
}

/**
 * An encoder written independently of encodeURIComponent: UTF-8 bytes, everything but the RFC 3986
 * unreserved characters and ! * ' ( ) (which encodeURIComponent also leaves) as %XX.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.!~*'()]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function url(form: LinkCase['form'], waId: string | null, message: string | null): string {
  const query = message === null ? '' : `text=${percentEncode(message)}`;
  if (form === 'share') return `https://wa.me/?${query}`;
  if (form === 'api') return `https://api.whatsapp.com/send?phone=${waId}${query ? `&${query}` : ''}`;
  return `https://wa.me/${waId}${query ? `?${query}` : ''}`;
}

const IN = { phone: '+919876543210', waId: '919876543210', country: 'IN' };
const GB = { phone: '+447700900123', waId: '447700900123', country: 'GB' };
const US = { phone: '+16505551234', waId: '16505551234', country: 'US' };

/** A case for `wabox link <number> --text <text> [--ref <ref>]`, with the URL from percentEncode. */
function textCase(
  name: string,
  text: string,
  ref: string | null = null,
  form: LinkCase['form'] = 'wa.me',
): LinkCase {
  const message = ref === null ? text : `${text} [ref:${ref}]`;
  const args = [...(form === 'share' ? ['--share'] : [IN.phone]), '--text', text];
  if (ref !== null) args.push('--ref', ref);
  if (form === 'api') args.push('--api');
  const who = form === 'share' ? { phone: null, waId: null, country: null } : IN;
  return { name, args, form, expected: { ...who, url: url(form, who.waId, message), text, ref } };
}

export const LINK_CASES: LinkCase[] = [
  // numbers in the written forms of the issue
  {
    name: 'Indian mobile with spaces',
    args: ['+91 98765 43210'],
    form: 'wa.me',
    expected: { ...IN, url: 'https://wa.me/919876543210', text: null, ref: null },
  },
  {
    name: '00 international prefix',
    args: ['0044 7700 900123'],
    form: 'wa.me',
    expected: { ...GB, url: 'https://wa.me/447700900123', text: null, ref: null },
  },
  {
    name: 'US national form with --country US',
    args: ['(650) 555-1234', '--country', 'US'],
    form: 'wa.me',
    expected: { ...US, url: 'https://wa.me/16505551234', text: null, ref: null },
  },
  {
    name: 'UK national form with --country GB drops the trunk 0',
    args: ['07700 900123', '--country', 'GB'],
    form: 'wa.me',
    expected: { ...GB, url: 'https://wa.me/447700900123', text: null, ref: null },
  },
  {
    name: 'lowercase --country',
    args: ['07700 900123', '--country', 'gb'],
    form: 'wa.me',
    expected: { ...GB, url: 'https://wa.me/447700900123', text: null, ref: null },
  },
  {
    name: 'tel: URI',
    args: ['tel:+91-98765-43210'],
    form: 'wa.me',
    expected: { ...IN, url: 'https://wa.me/919876543210', text: null, ref: null },
  },
  // encoding, hand-written URLs
  {
    name: 'spaces are %20, never +',
    args: [IN.phone, '--text', 'Hello there, friend'],
    form: 'wa.me',
    expected: {
      ...IN,
      url: 'https://wa.me/919876543210?text=Hello%20there%2C%20friend',
      text: 'Hello there, friend',
      ref: null,
    },
  },
  {
    name: '& # ? + % = and a newline',
    args: [IN.phone, '--text', 'a&b #1? 1+1=2 100%\nbye'],
    form: 'wa.me',
    expected: {
      ...IN,
      url: 'https://wa.me/919876543210?text=a%26b%20%231%3F%201%2B1%3D2%20100%25%0Abye',
      text: 'a&b #1? 1+1=2 100%\nbye',
      ref: null,
    },
  },
  {
    name: 'text that looks already encoded stays literal',
    args: [IN.phone, '--text', 'Hi%20there+you'],
    form: 'wa.me',
    expected: {
      ...IN,
      url: 'https://wa.me/919876543210?text=Hi%2520there%2Byou',
      text: 'Hi%20there+you',
      ref: null,
    },
  },
  {
    name: 'emoji',
    args: [IN.phone, '--text', 'Hi 🙏'],
    form: 'wa.me',
    expected: { ...IN, url: 'https://wa.me/919876543210?text=Hi%20%F0%9F%99%8F', text: 'Hi 🙏', ref: null },
  },
  {
    name: 'ref only',
    args: [IN.phone, '--ref', 'spring-24'],
    form: 'wa.me',
    expected: {
      ...IN,
      url: 'https://wa.me/919876543210?text=%5Bref%3Aspring-24%5D',
      text: null,
      ref: 'spring-24',
    },
  },
  {
    name: 'text and ref',
    args: [IN.phone, '--text', 'Book a table', '--ref', 'window.2024_A'],
    form: 'wa.me',
    expected: {
      ...IN,
      url: 'https://wa.me/919876543210?text=Book%20a%20table%20%5Bref%3Awindow.2024_A%5D',
      text: 'Book a table',
      ref: 'window.2024_A',
    },
  },
  {
    name: 'api form',
    args: [IN.phone, '--text', 'Hi & bye', '--api'],
    form: 'api',
    expected: {
      ...IN,
      url: 'https://api.whatsapp.com/send?phone=919876543210&text=Hi%20%26%20bye',
      text: 'Hi & bye',
      ref: null,
    },
  },
  {
    name: 'api form without text',
    args: ['(650) 555-1234', '--country', 'US', '--api'],
    form: 'api',
    expected: { ...US, url: 'https://api.whatsapp.com/send?phone=16505551234', text: null, ref: null },
  },
  {
    name: 'share link',
    args: ['--share', '--text', 'Our menu is out!'],
    form: 'share',
    expected: {
      phone: null,
      waId: null,
      country: null,
      url: 'https://wa.me/?text=Our%20menu%20is%20out!',
      text: 'Our menu is out!',
      ref: null,
    },
  },
  {
    name: 'placeholders filled from --var',
    args: [
      IN.phone,
      '--text',
      'Hi {{name}}, {{city|Pune}} \\{{x}}',
      '--var',
      'name=Asha & Co',
      '--var',
      'city==',
    ],
    form: 'wa.me',
    expected: {
      ...IN,
      url: 'https://wa.me/919876543210?text=Hi%20Asha%20%26%20Co%2C%20%3D%20%7B%7Bx%7D%7D',
      text: 'Hi Asha & Co, = {{x}}',
      ref: null,
    },
  },
  // scripts, directions and sequences, URLs from percentEncode
  textCase('Gujarati', 'નમસ્તે, કેમ છો? ઓર્ડર #૪૨'),
  textCase('Urdu (right to left)', 'السلام علیکم! آپ کا آرڈر تیار ہے۔'),
  textCase('Arabic with RTL marks and mixed digits', '\u200fمرحبا 123 بكم\u200f'),
  textCase('bidi mixed with Latin and Hindi', 'Order नमस्ते مرحبا OK'),
  textCase('combining marks stay decomposed (NFD)', 'e\u0301te\u0301 n\u0303 a\u030a Z\u0351\u0308'),
  textCase('ZWJ emoji sequences and skin tones', '👨‍👩‍👧‍👦 🏳️‍🌈 👩🏽‍💻 ❤️‍🔥'),
  textCase('flags and keycaps', '🇮🇳 🇬🇧 1️⃣ #️⃣'),
  textCase('CRLF, tabs and several lines', 'line 1\r\nline\t2\n\nline 4'),
  textCase('leading and trailing spaces', '  padded  '),
  textCase('text ending in a space, with a ref', 'Hi ', 'r1'),
  textCase('multi-line text with a ref', 'Hello\nWorld\n', 'multi'),
  textCase('an older ref tag in the text stays text', 'see [ref:old] here', 'new'),
  textCase('brackets, quotes and backslashes', `[x] {y} <z> "q" 'a' \\ / | ^ \` ~ ;:@$,`),
  textCase('Gujarati with a ref', 'નમસ્તે 🙏', 'guj-1'),
  textCase('share link with emoji and a ref', 'Menu 🍛 & more', 'share.1', 'share'),
  textCase('api form with Urdu', 'شکریہ', null, 'api'),
  textCase('a long text (3,000 characters)', 'abc def '.repeat(375)),
];
