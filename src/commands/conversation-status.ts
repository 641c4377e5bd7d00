// `wabox resolve <contact>` and `wabox reopen <contact>`: a conversation's status (open or resolved).
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit } from '../cli/output.js';
import { type ConversationChange, changed, changeLine, resolveKnownContact } from './inbox/shared.js';
import { contactArgument } from './shared/contact-arg.js';

export interface ConversationStatusOptions {
  contact: string;
  country?: string;
  json?: boolean;
}

type Status = 'open' | 'resolved';

const COMMANDS = [
  {
    name: 'resolve',
    status: 'resolved',
    description: 'mark a conversation resolved (a new message from the customer reopens it)',
    done: 'resolved',
    already: 'already resolved',
    listed: 'resolved',
  },
  {
    name: 'reopen',
    status: 'open',
    description: 'reopen a resolved conversation',
    done: 'reopened',
    already: 'already open',
    listed: 'open',
  },
] as const;

export function register(program: Command, deps: Deps): void {
  for (const c of COMMANDS)
    contactArgument(program.command(c.name).description(c.description))
      .option('--json', 'print {changed, conversation}')
      .addHelpText(
        'after',
        `
Examples:
  wabox ${c.name} +919876543210
  wabox ${c.name} "098765 43210" --country IN --json
  wabox inbox --status ${c.listed}

A resolved conversation is never "unanswered"; a new message from the customer reopens it.
An unknown contact exits 6.`,
      )
      .action(async (contact: string, flags: Omit<ConversationStatusOptions, 'contact'>) => {
        const result = await setStatus({ ...flags, contact }, c.status, deps);
        emit(deps, flags, result, (r) => changeLine(r, c.done, c.already));
      });
}

async function setStatus(
  options: ConversationStatusOptions,
  status: Status,
  deps: Deps,
): Promise<ConversationChange> {
  const { store, waId } = await resolveKnownContact(deps, options.contact, { country: options.country });
  return changed(deps, store, waId, await store.setConversationStatus(waId, status));
}
