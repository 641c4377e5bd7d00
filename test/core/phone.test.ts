import examples from 'libphonenumber-js/examples.mobile.json' with { type: 'json' };
import { type CountryCode, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import {
  hasCountryCode,
  normalizePhone,
  type PhoneOptions,
  parseCountry,
  phoneTypeWarning,
} from '../../src/core/phone.js';
import { thrownWaboxError } from '../helpers/assert.js';

const refused = (input: string, options?: PhoneOptions) =>
  thrownWaboxError(() => normalizePhone(input, options));

describe('normalizePhone: the written forms of the issue', () => {
  it.each([
    ['+91 98765 43210', undefined, '+919876543210', 'IN'],
    ['0044 7700 900123', undefined, '+447700900123', 'GB'],
    ['(650) 555-1234', 'US', '+16505551234', 'US'],
    ['07700 900123', 'GB', '+447700900123', 'GB'],
  ])('%s (country %s) -> %s', (input, country, phone, region) => {
    const n = normalizePhone(input, { defaultCountry: country });
    expect(n.phone).toBe(phone);
    expect(n.waId).toBe(phone.slice(1));
    expect(n.country).toBe(region);
  });
});

describe('normalizePhone: other common forms', () => {
  it.each([
    ['+91-98765.43210', '+919876543210'],
    ['+91 98765/43210', '+919876543210'],
    [' \t+91 98765 43210\n', '+919876543210'],
    ['+1 (650) 253-0000', '+16502530000'],
    ['(+44) 7911 123456', '+447911123456'],
    ['+44 (0) 7911 123456', '+447911123456'],
    ['0091 98765 43210', '+919876543210'],
    ['+49 1512 3456789', '+4915123456789'],
    ['+55 11 91234-5678', '+5511912345678'],
    ['+971 50 123 4567', '+971501234567'],
    ['+92 300 1234567', '+923001234567'],
  ])('%j -> %s without a default country', (input, phone) => {
    expect(normalizePhone(input).phone).toBe(phone);
  });

  it('reads 00 as the international prefix even when the default country dials something else', () => {
    expect(normalizePhone('0044 7911 123456', { defaultCountry: 'US' }).phone).toBe('+447911123456');
  });

  it("goes through the default country's own international prefix (US 011)", () => {
    expect(normalizePhone('011 44 7911 123456', { defaultCountry: 'US' }).phone).toBe('+447911123456');
  });

  it('drops the national trunk prefix with a default country', () => {
    expect(normalizePhone('098765 43210', { defaultCountry: 'IN' }).phone).toBe('+919876543210');
    expect(normalizePhone('1 650 253 0000', { defaultCountry: 'US' }).phone).toBe('+16502530000');
  });

  it('ignores the default country when the number has its own code', () => {
    expect(normalizePhone('+91 98765 43210', { defaultCountry: 'GB' }).country).toBe('IN');
  });

  it('takes the country in any case and trims it', () => {
    expect(normalizePhone('07700 900123', { defaultCountry: 'gb' }).phone).toBe('+447700900123');
    expect(normalizePhone('07700 900123', { defaultCountry: ' Gb ' }).phone).toBe('+447700900123');
  });

  it.each([
    ['tel:+919876543210', '+919876543210'],
    ['TEL:+91-98765-43210', '+919876543210'],
    ['tel: +44 7911 123456', '+447911123456'],
  ])('reads the tel: URI %j', (input, phone) => {
    expect(normalizePhone(input).phone).toBe(phone);
  });

  it('reads a local tel: number with a default country, and wants one without', () => {
    expect(normalizePhone('tel:07911123456', { defaultCountry: 'GB' }).phone).toBe('+447911123456');
    expect(refused('tel:07911123456').code).toBe('phone.missing_country');
  });
});

describe('normalizePhone: types and assignment', () => {
  it('knows mobiles as assigned, with their type', () => {
    const n = normalizePhone('+91 98765 43210');
    expect(n).toEqual({
      phone: '+919876543210',
      waId: '919876543210',
      country: 'IN',
      type: 'MOBILE',
      assigned: true,
    });
    expect(phoneTypeWarning(n)).toBeNull();
  });

  it('accepts a possible length in no assigned range (UK 07700 900xxx) with assigned: false', () => {
    const n = normalizePhone('+44 7700 900123');
    expect(n).toEqual({
      phone: '+447700900123',
      waId: '447700900123',
      country: 'GB',
      type: null,
      assigned: false,
    });
    expect(phoneTypeWarning(n)).toBe(
      '+447700900123 has a possible length but is in no assigned range for GB (libphonenumber metadata): check it',
    );
  });

  it('refuses such a number with strict, saying how to allow it', () => {
    const err = refused('+44 7700 900123', { strict: true });
    expect(err.code).toBe('phone.invalid');
    expect(err.kind).toBe('invalid-input');
    expect(err.message).toBe('"+44 7700 900123" is not a valid number for GB');
    expect(err.hint).toBe('its length is possible but no such number is assigned; drop --strict to allow it');
  });

  it('lets strict pass assigned numbers', () => {
    expect(normalizePhone('+91 98765 43210', { strict: true }).assigned).toBe(true);
  });

  it.each([
    [
      '+44 20 7946 0958',
      'FIXED_LINE',
      '+442079460958 is a fixed-line number: it has WhatsApp only if a business registered the landline for WhatsApp Business',
    ],
    [
      '+1 800 555 0199',
      'TOLL_FREE',
      '+18005550199 is a toll-free number: WhatsApp accounts are rarely on toll-free numbers',
    ],
    [
      '+44 9090 123456',
      'PREMIUM_RATE',
      '+449090123456 is a premium-rate number, which cannot have a WhatsApp account',
    ],
  ])('warns about %s (%s)', (input, type, warning) => {
    const n = normalizePhone(input);
    expect(n.type).toBe(type);
    expect(n.assigned).toBe(true);
    expect(phoneTypeWarning(n)).toBe(warning);
  });

  it('gives no warning for numbers that may be mobile', () => {
    expect(phoneTypeWarning(normalizePhone('(650) 253-0000', { defaultCountry: 'US' }))).toBeNull();
  });
});

describe('normalizePhone: bad numbers say why', () => {
  it.each([
    ['+91 98765', 'phone.too_short', '"+91 98765" is too short for IN'],
    ['+1 650 555 123', 'phone.too_short', '"+1 650 555 123" is too short for +1'],
    ['+91 98765 43210 1234567', 'phone.too_long', '"+91 98765 43210 1234567" is too long for IN'],
    ['+44 7700 9001', 'phone.invalid', '"+44 7700 9001" is not a valid number for +44'],
    [
      '+999 1234 5678',
      'phone.unknown_country_code',
      '"+999 1234 5678" starts with an unknown country calling code',
    ],
    [
      '+0 1234 5678',
      'phone.unknown_country_code',
      '"+0 1234 5678" starts with an unknown country calling code',
    ],
    ['+', 'phone.not_a_number', '"+" is not a phone number'],
  ])('%j: %s', (input, code, message) => {
    const err = refused(input);
    expect(err.code).toBe(code);
    expect(err.kind).toBe('invalid-input');
    expect(err.message).toBe(message);
  });

  it('names the default country when the number is too short or of the wrong length for it', () => {
    expect(refused('7700 90', { defaultCountry: 'GB' }).message).toBe('"7700 90" is too short for GB');
    const err = refused('7700 9001', { defaultCountry: 'GB' });
    expect(err.code).toBe('phone.invalid');
    expect(err.message).toBe('"7700 9001" is not a valid number for GB');
    expect(err.hint).toBeUndefined();
  });

  it('says to add the country code or --country when there is none', () => {
    const err = refused('07700 900123');
    expect(err.code).toBe('phone.missing_country');
    expect(err.message).toBe('"07700 900123" has no country code');
    expect(err.hint).toBe(
      'write the number with its country code (+44 7700 900123) or pass --country (e.g. --country GB)',
    );
    expect(refused('(650) 555-1234').code).toBe('phone.missing_country');
  });

  it('hints at the country code for an unknown calling code', () => {
    expect(refused('+999 1234 5678').hint).toContain('--country');
  });

  it.each(['', '   ', '\n'])('refuses the empty number %j', (input) => {
    const err = refused(input);
    expect(err.code).toBe('phone.empty');
    expect(err.message).toBe('empty phone number');
  });

  it.each([
    'abc',
    '+91 98765 4321a',
    'call me',
    '+91 98765 43210 ext 5',
    '+1-800-FLOWERS',
    '+91_9876543210',
    'tel:+1-650-555-1234;ext=1',
    'tel:',
  ])('refuses %j, which holds more than digits and separators', (input) => {
    const err = refused(input);
    expect(err.code).toBe(input === 'tel:' ? 'phone.empty' : 'phone.not_a_number');
    if (input !== 'tel:')
      expect(err.message).toBe(
        `"${input}" is not a phone number: use digits with an optional leading + and spaces, dashes, dots or brackets`,
      );
  });

  it.each(['XX', 'ZZ', 'GBR', 'G', '44', 'U.S.'])('refuses the unknown --country %j', (country) => {
    const err = refused('07700 900123', { defaultCountry: country });
    expect(err.code).toBe('phone.unknown_country');
    expect(err.message).toBe(
      `unknown country "${country}": expected a two-letter ISO 3166-1 code such as IN, GB or US`,
    );
  });
});

describe('normalizePhone: why an invalid number is refused (--strict)', () => {
  // the reason comes from the one parse where validatePhoneNumberLength() would agree, else from it: a
  // default country that shares its calling code, or a national number that still starts with a prefix
  it.each([
    ['+91 98765 4321', 'IN', 'phone.invalid', 'is not a valid number for IN'],
    ['98765 43210 123', 'IN', 'phone.invalid', 'is not a valid number for IN'],
    ['+918123458230123', 'IN', 'phone.invalid', 'is not a valid number for IN'],
    ['0 98765 4321', 'IN', 'phone.invalid', 'is not a valid number for IN'],
    ['(11) 96125-6405', 'IN', 'phone.invalid', 'is not a valid number for IN'],
    ['+55 11 96125-640', 'IN', 'phone.invalid', 'is not a valid number for BR'],
    ['+1 201 555 012', undefined, 'phone.too_short', 'is too short for +1'],
    ['+49 1512 34', undefined, 'phone.invalid', 'is not a valid number for DE'],
    ['+49 1512 3456 78901', undefined, 'phone.invalid', 'is not a valid number for DE'],
    ['+44 7400 162', undefined, 'phone.invalid', 'is not a valid number for GB'],
    ['+7 8 912 345 67', undefined, 'phone.too_short', 'is too short for RU'],
    // CA, CX and GG share +1, +61 and +44 with the country their calling code stands for
    ['490 8415', 'CA', 'phone.too_short', 'is too short for CA'],
    ['87661', 'CX', 'phone.invalid', 'is not a valid number for CX'],
    ['07700 9001', 'GG', 'phone.invalid', 'is not a valid number for GG'],
    // the national numbers left by the parse start with a national prefix again (1, 0)
    ['+1 113625495166', undefined, 'phone.invalid', 'is not a valid number for +1'],
    ['+61 0828601572400', 'AU', 'phone.invalid', 'is not a valid number for AU'],
  ])('%j with --country %s: %s', (input, defaultCountry, code, why) => {
    const err = refused(input, { defaultCountry, strict: true });
    expect(err.code).toBe(code);
    expect(err.message).toBe(`"${input}" ${why}`);
  });

  it('says a possible length is allowed without --strict, also where the parse left a prefix', () => {
    expect(refused('+1 113625495166', { strict: true }).hint).toBe(
      'its length is possible but no such number is assigned; drop --strict to allow it',
    );
    expect(normalizePhone('+1 113625495166').assigned).toBe(false);
    expect(refused('+1 201 555 012', { strict: true }).hint).toBeUndefined();
  });
});

describe('parseCountry and hasCountryCode', () => {
  it('upper-cases known countries', () => {
    expect(parseCountry('in')).toBe('IN');
    expect(parseCountry(' us ')).toBe('US');
  });

  it.each([
    ['+91 98765 43210', true],
    ['(+44) 7911 123456', true],
    ['0044 7911 123456', true],
    ['tel:+919876543210', true],
    ['07911 123456', false],
    ['(650) 555-1234', false],
    ['00', false],
  ])('hasCountryCode(%j) is %s', (input, expected) => {
    expect(hasCountryCode(input)).toBe(expected);
  });
});

describe('normalizePhone: assigned and type from one getType()', () => {
  it("says what libphonenumber-js's isValid() and getType() say, for every country's numbers", () => {
    let assigned = 0;
    let unassigned = 0;
    for (const [country, example] of Object.entries(examples)) {
      // the example mobile number, and numbers with another digit early on: other types, unassigned ranges
      const variants = [
        example,
        ...'0123456789'.split('').map((d) => example.slice(0, 2) + d + example.slice(3)),
      ];
      for (const variant of variants) {
        let parsed: ReturnType<typeof parsePhoneNumberWithError>;
        try {
          parsed = parsePhoneNumberWithError(variant, country as CountryCode);
        } catch {
          continue;
        }
        let normalized: ReturnType<typeof normalizePhone>;
        try {
          normalized = normalizePhone(variant, { defaultCountry: country });
        } catch {
          // refused: only a number that is not valid (too short, too long, ...)
          expect(parsed.isValid()).toBe(false);
          continue;
        }
        expect(normalized.assigned).toBe(parsed.isValid());
        expect(normalized.type).toBe(parsed.getType() ?? null);
        if (normalized.assigned) assigned++;
        else unassigned++;
      }
    }
    // both branches are exercised
    expect(assigned).toBeGreaterThan(500);
    expect(unassigned).toBeGreaterThan(50);
  });
});
