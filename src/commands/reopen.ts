// `wabox reopen <contact>`: reopen a resolved conversation.
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit } from '../cli/output.js';
import { type ConversationChange, changed, changeLine, resolveKnownContact } from './inbox/shared.js';

export interface ReopenOptions {
  contact: string;
  country?: string;
  json?: boolean;
}

export function register(program: Command, deps: Deps): void {
  program
    .command('reopen')
    .description('reopen a resolved conversation')
    .argument('<contact>', 'the customer: +919876543210, "07700 900123" with --country GB, ...')
    .option(
      '-c, --country <code>',
      'region for a number without a country code; default: config default-country',
    )
    .option('--json', 'print {changed, conversation}')
    .addHelpText(
      'after',
      `
Examples:
  wabox reopen +919876543210
  wabox reopen "098765 43210" --country IN --json
  wabox inbox --status open

A resolved conversation is never "unanswered"; a new message from the customer reopens it.
An unknown contact exits 6.`,
    )
    .action(async (contact: string, flags: Omit<ReopenOptions, 'contact'>) => {
      const result = await runReopen({ ...flags, contact }, deps);
      emit(deps, flags, result, (r) => changeLine(r, 'reopened', 'already open'));
    });
}

export async function runReopen(options: ReopenOptions, deps: Deps): Promise<ConversationChange> {
  const { store, waId } = await resolveKnownContact(deps, options.contact, { country: options.country });
  return changed(deps, store, waId, await store.setConversationStatus(waId, 'open'));
}
