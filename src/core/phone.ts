// Phone numbers in any written form -> E.164 and WhatsApp's digits-only id.
// The `max` metadata is used on purpose: `min` validates by length only and cannot tell a fixed-line
// number from a mobile one (getType() needs `max`), and both matter to the warnings we give.
import {
  type CountryCode,
  isSupportedCountry,
  Metadata,
  type NumberType,
  ParseError,
  type PhoneNumber,
  parsePhoneNumberWithError,
  type ValidatePhoneNumberLengthResult,
  validatePhoneNumberLength,
} from 'libphonenumber-js/max';
import { invalidInput } from './errors.js';

export interface NormalizedPhone {
  /** E.164, e.g. `+447700900123`. */
  phone: string;
  /** Digits only, as wa.me and the Cloud API's `wa_id` use it, e.g. `447700900123`. */
  waId: string;
  /** ISO 3166-1 alpha-2 region of the number, when the metadata knows it. */
  country: string | null;
  type: NumberType | null;
  /**
   * False when the number has a possible length but the metadata knows no such assigned range (e.g. the
   * UK's reserved 07700 900xxx): it may be new, unassigned or reserved. Only `strict` refuses it.
   */
  assigned: boolean;
}

export interface PhoneOptions {
  /** Region for numbers written without a country code (ISO 3166-1 alpha-2, any case). */
  defaultCountry?: string | undefined;
  /** Refuse numbers the metadata does not know as assigned, not only impossible ones. */
  strict?: boolean;
}

/** Number types that cannot be a WhatsApp account, or only as a landline registered for Business. */
const UNLIKELY_TYPES: Record<string, string | undefined> = {
  FIXED_LINE:
    'a fixed-line number: it has WhatsApp only if a business registered the landline for WhatsApp Business',
  TOLL_FREE: 'a toll-free number: WhatsApp accounts are rarely on toll-free numbers',
  PREMIUM_RATE: 'a premium-rate number, which cannot have a WhatsApp account',
  SHARED_COST: 'a shared-cost number, which cannot have a WhatsApp account',
  PAGER: 'a pager number, which cannot have a WhatsApp account',
  VOICEMAIL: 'a voicemail number, which cannot have a WhatsApp account',
};

const COUNTRY_HINT =
  'write the number with its country code (+44 7700 900123) or pass --country (e.g. --country GB)';

/** Validates an ISO 3166-1 alpha-2 code that libphonenumber knows; returns it upper-cased. */
export function parseCountry(value: string): CountryCode {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || !isSupportedCountry(code)) {
    throw invalidInput(
      `unknown country "${value}": expected a two-letter ISO 3166-1 code such as IN, GB or US`,
      {
        code: 'phone.unknown_country',
      },
    );
  }
  return code;
}

/** parseCountry() of the last default country given: a batch gives the same one for every row. */
function knownCountry(value: string): CountryCode {
  if (value !== lastCountry.value) lastCountry = { value, code: parseCountry(value) };
  return lastCountry.code;
}

let lastCountry: { value: string; code: CountryCode } = { value: '', code: 'US' };

/**
 * Normalises a written phone number. Throws an invalid-input WaboxError whose message says why
 * (too short, too long, not valid for that country, unknown country code, missing country).
 */
export function normalizePhone(input: string, options: PhoneOptions = {}): NormalizedPhone {
  const written = withoutTelScheme(input);
  if (written === '') throw invalidInput('empty phone number', { code: 'phone.empty' });
  if (!/^[+\d\s().\-/]+$/.test(written)) {
    throw invalidInput(
      `"${input}" is not a phone number: use digits with an optional leading + and spaces, dashes, dots or brackets`,
      {
        code: 'phone.not_a_number',
      },
    );
  }
  const defaultCountry = options.defaultCountry ? knownCountry(options.defaultCountry) : undefined;
  // "00" is the international prefix in most of the world (ITU-T E.164 recommends it) and no national
  // number begins with it, so a leading 00 always means "+" (libphonenumber knows 00 only when the
  // default country uses it; other prefixes such as the US 011 still go through the default country).
  const digits = compact(written);
  const text = DOUBLE_ZERO.test(digits) ? `+${digits.slice(2)}` : written;
  const international = startsWithCountryCode(digits);
  if (!international && !defaultCountry) {
    throw invalidInput(`"${input}" has no country code`, {
      code: 'phone.missing_country',
      hint: COUNTRY_HINT,
    });
  }
  let parsed: ReturnType<typeof parsePhoneNumberWithError>;
  try {
    parsed = parsePhoneNumberWithError(text, defaultCountry ? { defaultCountry } : undefined);
  } catch (err) {
    throw phoneParseError(input, err);
  }
  // an unassigned number has no region of its own; the calling code's main region (listed first) stands in
  const region = parsed.country ?? parsed.getPossibleCountries()[0];
  const where =
    region ?? (defaultCountry && !international ? defaultCountry : `+${parsed.countryCallingCode}`);
  // isValid() is getType() !== undefined when the number's numbering plan has types (with `max` metadata,
  // nearly all do), so one getType() does the type matching that the two would run twice. A plan without
  // types has no type but may still be valid: isValid() decides then.
  const type = parsed.getType();
  const assigned =
    type !== undefined ||
    (!numberingPlan(parsed.country ?? parsed.countryCallingCode).types && parsed.isValid());
  if (!assigned) {
    const length = lengthProblem(parsed);
    if (length === 'TOO_SHORT')
      throw invalidInput(`"${input}" is too short for ${where}`, { code: 'phone.too_short' });
    if (length === 'TOO_LONG')
      throw invalidInput(`"${input}" is too long for ${where}`, { code: 'phone.too_long' });
    if (length === 'INVALID_COUNTRY') throw unknownCallingCode(input);
    if (length !== undefined || options.strict) {
      throw invalidInput(`"${input}" is not a valid number for ${where}`, {
        code: 'phone.invalid',
        ...(length === undefined
          ? { hint: 'its length is possible but no such number is assigned; drop --strict to allow it' }
          : {}),
      });
    }
  }
  return {
    phone: parsed.number,
    waId: parsed.number.slice(1),
    country: region ?? null,
    type: type ?? null,
    assigned,
  };
}

/**
 * What validatePhoneNumberLength() says of a number, from the parse already done where that gives the same
 * answer: it parses the E.164 form again only to compare the national number's length with its plan's.
 * That second parse finds the country from the number alone (not from a default country sharing the
 * calling code) and strips a national prefix again: where either can differ, it still decides.
 */
function lengthProblem(parsed: PhoneNumber): ValidatePhoneNumberLengthResult | undefined {
  const plan = numberingPlan(parsed.country ?? parsed.countryCallingCode);
  if (!plan.main || plan.nationalPrefix?.test(parsed.nationalNumber))
    return validatePhoneNumberLength(parsed.number);
  const lengths = plan.lengths;
  const length = parsed.nationalNumber.length;
  if (lengths === undefined || lengths.includes(length)) return undefined;
  if (length < (lengths[0] as number)) return 'TOO_SHORT';
  if (length > (lengths.at(-1) as number)) return 'TOO_LONG';
  return 'INVALID_LENGTH';
}

interface NumberingPlan {
  /** The possible national number lengths, ascending. */
  lengths: readonly number[] | undefined;
  /** What a parse strips from the start of a national number as its national prefix. */
  nationalPrefix: RegExp | null;
  /** A calling code, or the country its calling code stands for (the first of those sharing it). */
  main: boolean;
  /** The plan has number types, by which isValid() validates. */
  types: boolean;
}

/** The numbering plan of a country or a calling code, from the metadata's parts that the typings omit. */
function numberingPlan(code: string): NumberingPlan {
  let plan = PLANS.get(code);
  if (plan === undefined) {
    const metadata = new Metadata() as Metadata & {
      selectNumberingPlan(code: string): void;
      getCountryCodesForCallingCode(code: string): string[] | undefined;
      countryCallingCode(): string;
      nationalPrefixForParsing(): string | undefined;
      possibleLengths(): number[] | undefined;
      hasTypes(): boolean;
    };
    metadata.selectNumberingPlan(code);
    const prefix = metadata.nationalPrefixForParsing();
    plan = {
      lengths: metadata.possibleLengths(),
      nationalPrefix: prefix ? new RegExp(`^(?:${prefix})`) : null,
      main:
        metadata.getCountryCodesForCallingCode(metadata.countryCallingCode())?.[0] === code ||
        /^\d+$/.test(code),
      types: metadata.hasTypes(),
    };
    PLANS.set(code, plan);
  }
  return plan;
}

const PLANS = new Map<string, NumberingPlan>();

/** True when the written number starts with + or 00, so it needs no default country. */
export function hasCountryCode(input: string): boolean {
  return startsWithCountryCode(compact(withoutTelScheme(input)));
}

const DOUBLE_ZERO = /^00[1-9]/;

/** hasCountryCode() of a number already compacted. */
function startsWithCountryCode(digits: string): boolean {
  return digits.startsWith('+') || DOUBLE_ZERO.test(digits);
}

/**
 * RFC 3966 `tel:` links (web pages, vCards) carry the written number after the scheme; parameters such
 * as `;ext=` are then refused like any other character that is not part of a number.
 */
function withoutTelScheme(input: string): string {
  return input.trim().replace(/^tel:/i, '').trim();
}

function compact(written: string): string {
  return written.replace(/[\s().\-/]/g, '');
}

/** A warning for numbers unlikely to have WhatsApp (unassigned ranges, landlines, premium rate), or null. */
export function phoneTypeWarning(phone: NormalizedPhone): string | null {
  if (!phone.assigned) {
    return `${phone.phone} has a possible length but is in no assigned range${phone.country ? ` for ${phone.country}` : ''} (libphonenumber metadata): check it`;
  }
  const why = phone.type ? UNLIKELY_TYPES[phone.type] : undefined;
  return why ? `${phone.phone} is ${why}` : null;
}

function unknownCallingCode(input: string) {
  return invalidInput(`"${input}" starts with an unknown country calling code`, {
    code: 'phone.unknown_country_code',
    hint: COUNTRY_HINT,
  });
}

function phoneParseError(input: string, err: unknown) {
  if (!(err instanceof ParseError)) throw err;
  switch (err.message) {
    case 'INVALID_COUNTRY':
      return unknownCallingCode(input);
    case 'TOO_SHORT':
      return invalidInput(`"${input}" is too short to be a phone number`, { code: 'phone.too_short' });
    case 'TOO_LONG':
      return invalidInput(`"${input}" is too long to be a phone number`, { code: 'phone.too_long' });
    default:
      return invalidInput(`"${input}" is not a phone number`, { code: 'phone.not_a_number' });
  }
}
