import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note } from '../../cli/output.js';
import { contactLabel } from '../../core/contact-id.js';
import { oneLine } from '../../core/text.js';
import { parseLimit } from '../shared/int-arg.js';
import { type ContactJson, toContactJson } from './shared.js';

export interface ContactListOptions {
  optedOut?: boolean;
  limit?: string;
  json?: boolean;
}

export type ContactListRunner = (options: ContactListOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: ContactListRunner): void {
  parent
    .command('list')
    .description('the contacts the store knows, newest first')
    .option('--opted-out', 'only those who stopped marketing messages')
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--json', 'print an array of contacts as JSON')
    .addHelpText(
      'after',
      `
Examples:
  wabox contact list
  wabox contact list --opted-out --json`,
    )
    .action(async (flags: ContactListOptions) => {
      if (runF) return runF(flags);
      const contacts = await runContactList(flags, deps);
      if (!flags.json && contacts.length === 0) note(deps.io, 'no contacts');
      emit(deps, flags, contacts, (list) => list.map(line).join('\n'));
    });
}

export async function runContactList(options: ContactListOptions, deps: Deps): Promise<ContactJson[]> {
  const limit = parseLimit(options.limit, 10_000);
  const store = await deps.store();
  const contacts = await store.listContacts({ ...(options.optedOut ? { optedOut: true } : {}), limit });
  return contacts.map(toContactJson);
}

/** Tab-separated: who (phone, else @username, else BSUID), name, marketing (stopped/allowed). */
function line(c: ContactJson): string {
  const who = contactLabel({ waId: c.key, phone: c.waId, userId: c.userId, username: c.username });
  return [who, c.name ?? '-', c.optOut.optedOut ? 'stopped' : 'allowed'].map(oneLine).join('\t');
}
