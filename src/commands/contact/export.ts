// `wabox contact export <contact>`: everything the store keeps about one person, as one JSON document
// (a data subject's access request): contact, identifiers, events, conversation, labels, notes, messages
// with their payloads and statuses, automatic replies.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { ContactExport } from '../../store/store.js';
import { type InboxConversation, loadSla, toInboxConversation } from '../inbox/shared.js';
import { contactArgument } from '../shared/contact-arg.js';
import { type ContactJson, knownContact, toContactJson } from './shared.js';

export interface ContactExportOptions {
  contact: string;
  country?: string;
}

/** `contact export`: its JSON document. Part of the interface: keep it stable. */
export interface ContactExportResult extends Omit<ContactExport, 'contact' | 'conversation'> {
  /** When the export was made, ISO 8601. */
  exportedAt: string;
  contact: ContactJson;
  /** As `inbox --json` shows it; null when there is none. */
  conversation: InboxConversation | null;
}

export type ContactExportRunner = (options: ContactExportOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: ContactExportRunner): void {
  contactArgument(
    parent.command('export').description('everything stored about one contact, as one JSON document'),
  )
    .option('--json', 'the output is JSON either way (accepted so scripts may always pass it)')
    .addHelpText(
      'after',
      `
Examples:
  wabox contact export +919876543210 > asha.json
  wabox contact export @asha.bakes | jq '.messages | length'

The document (always JSON): {exportedAt, contact, identifiers, events, conversation, labels, notes,
messages (each with its payload and statuses), autoReplies, otherStatuses}. Times are ISO 8601 (UTC).`,
    )
    .action(async (contact: string, flags: Omit<ContactExportOptions, 'contact'> & { json?: boolean }) => {
      const options = { contact, ...(flags.country === undefined ? {} : { country: flags.country }) };
      if (runF) return runF(options);
      emit(deps, { json: true }, await runContactExport(options, deps), () => '');
    });
}

export async function runContactExport(
  options: ContactExportOptions,
  deps: Deps,
): Promise<ContactExportResult> {
  const contact = await knownContact(deps, options.contact, options.country);
  const store = await deps.store();
  const doc = await store.exportContact(contact.waId);
  const now = deps.clock();
  const conversation =
    doc.conversation === null ? null : toInboxConversation(doc.conversation, now, await loadSla(deps));
  return {
    exportedAt: now.toISOString(),
    ...doc,
    contact: toContactJson(doc.contact),
    conversation,
  };
}
