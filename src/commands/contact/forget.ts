// `wabox contact forget <contact> [--yes]`: erase a person (a data subject's erasure request): their
// messages, statuses, labels, notes, conversation and identifiers. An erasure record without personal
// data stays (a random id, the time, the counts), and their wamids are remembered as digests so Meta
// redelivering an old event of theirs stores nothing.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { contactLabel } from '../../core/contact-id.js';
import type { ErasureRecord } from '../../store/store.js';
import { confirmOrCancel, requireConsent } from '../shared/confirm.js';
import { contactArgument } from '../shared/contact-arg.js';
import { knownContact } from './shared.js';

export interface ContactForgetOptions {
  contact: string;
  country?: string;
  yes?: boolean;
  json?: boolean;
}

/** `contact forget --json`: the erasure record. Part of the interface. */
export type ContactForgetResult = ErasureRecord;

export type ContactForgetRunner = (options: ContactForgetOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: ContactForgetRunner): void {
  contactArgument(
    parent
      .command('forget')
      .description('erase everything stored about a contact; keeps an erasure record without personal data'),
  )
    .option('-y, --yes', 'do not ask (needed when nobody can be asked: a pipe, --no-input)')
    .option('--json', 'print the erasure record {id, at, counts}')
    .addHelpText(
      'after',
      `
Examples:
  wabox contact export +919876543210 > asha.json && wabox contact forget +919876543210
  wabox contact forget @asha.bakes --yes --json

Erased in one transaction: their messages (both ways) and delivery statuses, automatic replies, labels,
notes, conversation, identifiers, merges and opt-out history, and raw webhook parts naming them. Kept:
an erasure record (a random id, the time, how much was erased) and a digest of each of their message
ids, so a redelivered old webhook event stores nothing. A new message from them later starts a new
contact. wabox keeps no media files itself; delete any you downloaded.`,
    )
    .action(async (contact: string, flags: Omit<ContactForgetOptions, 'contact'>) => {
      const options = { ...flags, contact };
      if (runF) return runF(options);
      emit(deps, flags, await runContactForget(options, deps), human);
    });
}

export async function runContactForget(
  options: ContactForgetOptions,
  deps: Deps,
): Promise<ContactForgetResult> {
  requireConsent(deps, options.yes, 'forget a contact');
  const contact = await knownContact(deps, options.contact, options.country);
  await confirmOrCancel(
    deps,
    options.yes,
    `Erase everything stored about ${contactLabel(contact)}? This cannot be undone.`,
  );
  return (await deps.store()).forgetContact(contact.waId);
}

function human(r: ContactForgetResult): string {
  const c = r.counts;
  return `forgot the contact: ${c.messages} messages (${c.media} with media), ${c.statusEvents} statuses, ${c.labels} labels, ${c.notes} notes, ${c.identifiers} identifiers (erasure ${r.id})`;
}
