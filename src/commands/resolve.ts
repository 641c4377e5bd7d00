// `wabox resolve <contact>`: mark a conversation resolved (a new message from the customer reopens it).
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit } from '../cli/output.js';
import { type ConversationChange, changed, changeLine, resolveKnownContact } from './inbox/shared.js';

export interface ResolveOptions {
  contact: string;
  country?: string;
  json?: boolean;
}

export function register(program: Command, deps: Deps): void {
  program
    .command('resolve')
    .description('mark a conversation resolved (a new message from the customer reopens it)')
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
  wabox resolve +919876543210
  wabox resolve "098765 43210" --country IN --json
  wabox inbox --status resolved

A resolved conversation is never "unanswered"; a new message from the customer reopens it.
An unknown contact exits 6.`,
    )
    .action(async (contact: string, flags: Omit<ResolveOptions, 'contact'>) => {
      const result = await runResolve({ ...flags, contact }, deps);
      emit(deps, flags, result, (r) => changeLine(r, 'resolved', 'already resolved'));
    });
}

export async function runResolve(options: ResolveOptions, deps: Deps): Promise<ConversationChange> {
  const { store, waId } = await resolveKnownContact(deps, options.contact, { country: options.country });
  return changed(deps, store, waId, await store.setConversationStatus(waId, 'resolved'));
}
