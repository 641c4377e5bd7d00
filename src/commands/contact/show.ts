import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { oneLine } from '../../core/text.js';
import type { ContactEventRecord } from '../../store/store.js';
import { contactArgument } from '../shared/contact-arg.js';
import { type ContactJson, eventText, knownContact, toContactJson } from './shared.js';

export interface ContactShowOptions {
  contact: string;
  country?: string;
  json?: boolean;
}

export interface ContactShowResult {
  contact: ContactJson;
  /** Merges, opt-outs and resumes, oldest first. */
  events: ContactEventRecord[];
}

export type ContactShowRunner = (options: ContactShowOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: ContactShowRunner): void {
  contactArgument(parent.command('show').description("a contact's identifiers, opt-out and history"))
    .option('--json', 'print {contact, events} as JSON')
    .addHelpText(
      'after',
      `
Examples:
  wabox contact show +919876543210
  wabox contact show @asha.bakes --json`,
    )
    .action(async (contact: string, flags: Omit<ContactShowOptions, 'contact'>) => {
      const options = { ...flags, contact };
      if (runF) return runF(options);
      emit(deps, flags, await runContactShow(options, deps), human);
    });
}

export async function runContactShow(options: ContactShowOptions, deps: Deps): Promise<ContactShowResult> {
  const contact = await knownContact(deps, options.contact, options.country);
  const store = await deps.store();
  return { contact: toContactJson(contact), events: await store.contactEvents(contact.waId) };
}

function human(r: ContactShowResult): string {
  const c = r.contact;
  const rows: Array<[string, string | null]> = [
    ['name', c.name],
    ['phone', c.phone],
    ['username', c.username === null ? null : `@${c.username}`],
    ['BSUID', c.userId],
    ['parent BSUID', c.parentUserId],
    ['former ids', c.formerIds.length === 0 ? null : c.formerIds.map((f) => f.value).join(', ')],
    [
      'marketing',
      c.optOut.optedOut ? `stopped ${c.optOut.at ?? ''} (${c.optOut.source ?? 'unknown'})`.trim() : 'allowed',
    ],
    ['first seen', c.firstSeenAt],
  ];
  return [
    ...rows.map(([k, v]) => `${k.padEnd(13)}${oneLine(v ?? '-')}`),
    ...(r.events.length === 0 ? [] : ['', ...r.events.map((e) => oneLine(eventText(e)))]),
  ].join('\n');
}
