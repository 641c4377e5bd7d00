// A contact given on the command line (`messages list --to`, `send <to>`, `inbox show <contact>`): a phone
// in the same forms as `wabox link` (--country or the config's default-country for national numbers), a
// business-scoped user id (BSUID), a parent BSUID or `@username`; the last three are looked up in the store.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import type { ContactIdentifiers, ContactRecord } from '../../store/store.js';

export interface ContactArgOptions {
  /** --country: region for numbers without a country code. */
  country?: string | undefined;
  strict?: boolean | undefined;
}

/** Whom a contact argument names. */
export interface ContactTarget {
  /** What the store's calls take: phone digits for a written number, else the contact's key. */
  waId: string;
  /** Digits only; null when not known. */
  phone: string | null;
  userId: string | null;
  parentUserId: string | null;
  username: string | null;
}

/** The contact's WhatsApp id (digits only) for a written phone number. */
export async function resolveContactWaId(
  deps: Deps,
  input: string,
  options: ContactArgOptions = {},
): Promise<string> {
  // loaded on use: libphonenumber's metadata is costly to load, and only a phone number argument needs it
  const { normalizePhone, hasCountryCode } = await import('../../core/phone.js');
  const defaultCountry =
    options.country ?? (hasCountryCode(input) ? undefined : (await deps.config()).get('default-country'));
  return normalizePhone(input, { defaultCountry, strict: options.strict }).waId;
}

/**
 * The person a contact argument names. A phone number needs no store (a send may go to a new
 * customer); a BSUID the store does not know is still a target to send to unless `known` is set;
 * `@username` and a parent BSUID must be in the store (else contact.not_found, exit 6).
 */
export async function resolveContactArg(
  deps: Deps,
  input: string,
  options: ContactArgOptions & { known?: boolean } = {},
): Promise<ContactTarget> {
  const { bsuidCountry, isBsuid } = await import('../../core/contact-id.js');
  const ref = input.trim();
  if (!ref.startsWith('@') && bsuidCountry(ref) === null) {
    const phone = await resolveContactWaId(deps, input, options);
    return { waId: phone, phone, userId: null, parentUserId: null, username: null };
  }
  const store = await deps.store();
  try {
    return targetOf(await store.resolveContact(ref));
  } catch (err) {
    const { WaboxError } = await import('../../core/errors.js');
    const unknownBsuid =
      err instanceof WaboxError && err.code === 'contact.not_found' && isBsuid(ref) && !options.known;
    if (!unknownBsuid) throw err;
    return { waId: ref, phone: null, userId: ref, parentUserId: null, username: null };
  }
}

export function targetOf(c: ContactRecord): ContactTarget {
  return {
    waId: c.waId,
    phone: c.phone,
    userId: c.userId,
    parentUserId: c.parentUserId,
    username: c.username,
  };
}

/** `<contact>` and `-c, --country`: how every command about one customer names them. */
export function contactArgument(command: Command): Command {
  return command
    .argument(
      '<contact>',
      'the customer: +919876543210, "07700 900123" with --country GB, a BSUID (US.1349...) or @username',
    )
    .option(
      '-c, --country <code>',
      'region for a number without a country code; default: config default-country',
    );
}

/** A contact's identifiers in JSON: `waId` the phone digits and `phone` E.164 (null when not known). */
export function identifiersJson(c: ContactIdentifiers): {
  waId: string | null;
  phone: string | null;
  userId: string | null;
  parentUserId: string | null;
  username: string | null;
} {
  return {
    waId: c.phone,
    phone: c.phone === null ? null : `+${c.phone}`,
    userId: c.userId,
    parentUserId: c.parentUserId,
    username: c.username,
  };
}
