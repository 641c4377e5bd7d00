import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { sendRecorded } from '../shared/cloud-args.js';
import { contactArgument, resolveContactArg } from '../shared/contact-arg.js';
import { assertWindowOpen } from '../shared/window-guard.js';

export interface RequestPhoneOptions {
  contact: string;
  country?: string;
  text?: string;
  json?: boolean;
}

export const DEFAULT_REQUEST_TEXT = 'Could you share your phone number with us?';

export type RequestPhoneRunner = (options: RequestPhoneOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: RequestPhoneRunner): void {
  contactArgument(
    parent
      .command('request-phone')
      .description('ask a customer to share their phone number (inside the 24-hour window)'),
  )
    .option(
      '--text <text>',
      `the message above WhatsApp's "Share contact info" button (default: "${DEFAULT_REQUEST_TEXT}")`,
    )
    .option('--json', 'print {id, waId, userId, status} as JSON')
    .addHelpText(
      'after',
      `
Examples:
  wabox contact request-phone @asha.bakes
  wabox contact request-phone US.13491208655302741918 --text "Share your number for delivery updates?"

The answer comes as a contacts message; \`wabox webhook serve\` then links the number to the customer.`,
    )
    .action(async (contact: string, flags: Omit<RequestPhoneOptions, 'contact'>) => {
      const options = { ...flags, contact };
      if (runF) return runF(options);
      emit(deps, flags, await runRequestPhone(options, deps), (r) => r.id);
    });
}

export async function runRequestPhone(
  options: RequestPhoneOptions,
  deps: Deps,
): Promise<{ id: string; waId: string | null; userId: string | null; status: string }> {
  const messages = await import('../../cloud/messages.js');
  const target = await resolveContactArg(deps, options.contact, { country: options.country, known: true });
  const text = options.text ?? DEFAULT_REQUEST_TEXT;
  const message = messages.requestContactInfoMessage(messages.addressTo(target), text);
  const store = await deps.store();
  await assertWindowOpen(store, target.waId, deps.clock());
  const client = await deps.cloud();
  const base = { waId: target.waId, type: 'interactive', text, phoneNumberId: client.phoneNumberId };
  const sent = await sendRecorded(deps, client, base, message);
  return { id: sent.id, waId: sent.waId ?? target.phone, userId: target.userId, status: sent.status };
}
