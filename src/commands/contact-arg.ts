// A contact given on the command line (`messages list --to`, `send <to>`, `inbox show <contact>`): the
// same phone forms as `wabox link`, with --country or the config's default-country for national numbers.
import type { Deps } from '../cli/deps.js';

export interface ContactArgOptions {
  /** --country: region for numbers without a country code. */
  country?: string | undefined;
  strict?: boolean | undefined;
}

/** The contact's WhatsApp id (digits only) for a written phone number. */
export async function resolveContactWaId(
  deps: Deps,
  input: string,
  options: ContactArgOptions = {},
): Promise<string> {
  const { normalizePhone, hasCountryCode } = await import('../core/phone.js');
  const defaultCountry =
    options.country ?? (hasCountryCode(input) ? undefined : (await deps.config()).get('default-country'));
  return normalizePhone(input, { defaultCountry, strict: options.strict }).waId;
}
