// A contact given on the command line (`messages list --to`, `send <to>`, `inbox show <contact>`): the
// same phone forms as `wabox link`, with --country or the config's default-country for national numbers.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';

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
  // loaded on use: libphonenumber's metadata is costly to load, and only a phone number argument needs it
  const { normalizePhone, hasCountryCode } = await import('../../core/phone.js');
  const defaultCountry =
    options.country ?? (hasCountryCode(input) ? undefined : (await deps.config()).get('default-country'));
  return normalizePhone(input, { defaultCountry, strict: options.strict }).waId;
}

/** `<contact>` and `-c, --country`: how every command about one customer names them. */
export function contactArgument(command: Command): Command {
  return command
    .argument('<contact>', 'the customer: +919876543210, "07700 900123" with --country GB, ...')
    .option(
      '-c, --country <code>',
      'region for a number without a country code; default: config default-country',
    );
}
