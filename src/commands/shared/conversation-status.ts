// What `wabox resolve` and `wabox reopen` share: one command shape, setting a conversation's status.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { type ConversationChange, changed, changeLine, resolveKnownContact } from '../inbox/shared.js';
import { contactArgument } from './contact-arg.js';

export interface ConversationStatusOptions {
  contact: string;
  country?: string;
  json?: boolean;
}

export interface StatusCommand {
  name: string;
  description: string;
  /** The human line when the status changed, and when it already was the one asked for. */
  done: string;
  already: string;
  /** The `wabox inbox --status` value that lists such conversations. */
  listed: 'open' | 'resolved';
  run(options: ConversationStatusOptions, deps: Deps): Promise<ConversationChange>;
}

export function registerStatusCommand(program: Command, deps: Deps, c: StatusCommand): void {
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
      const result = await c.run({ ...flags, contact }, deps);
      emit(deps, flags, result, (r) => changeLine(r, c.done, c.already));
    });
}

export async function setConversationStatus(
  options: ConversationStatusOptions,
  status: 'open' | 'resolved',
  deps: Deps,
): Promise<ConversationChange> {
  const { store, waId } = await resolveKnownContact(deps, options.contact, { country: options.country });
  return changed(deps, store, waId, await store.setConversationStatus(waId, status));
}
