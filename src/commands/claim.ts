// `wabox claim <contact>`: take an unassigned conversation, atomically — of two agents claiming it at
// once one wins, the other exits 1 naming who has it.
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit } from '../cli/output.js';
import { invalidInput, WaboxError } from '../core/errors.js';
import { type ConversationChange, changed, changeLine, resolveKnownContact, who } from './inbox/shared.js';
import { contactArgument } from './shared/contact-arg.js';
import { currentAgent, IDENTITY_HINT } from './shared/current-agent.js';

export interface ClaimOptions {
  contact: string;
  as?: string;
  country?: string;
  json?: boolean;
}

export type ClaimRunner = (options: ClaimOptions) => Promise<void>;

export function register(program: Command, deps: Deps, runF?: ClaimRunner): void {
  contactArgument(
    program.command('claim').description('take an unassigned conversation (one agent wins; exit 1 if taken)'),
  )
    .option('--as <agent>', 'who you are; default: WABOX_AGENT, else config agent-name')
    .option('--json', 'print {changed, conversation}')
    .addHelpText(
      'after',
      `
Examples:
  wabox claim +919876543210
  wabox claim @asha.bakes --as ravi --json
  wabox inbox --unassigned                 # what is left to claim

Already yours: exit 0 ("already yours"). Someone else's: exit 1 with who has it (wabox assign
<contact> <you> takes it over). An unknown contact exits 6.`,
    )
    .action(async (contact: string, flags: Omit<ClaimOptions, 'contact'>) => {
      const options = { ...flags, contact };
      if (runF) return runF(options);
      emit(deps, flags, await runClaim(options, deps), (r) => changeLine(r, 'claimed', 'already yours'));
    });
}

export async function runClaim(options: ClaimOptions, deps: Deps): Promise<ConversationChange> {
  const me = await currentAgent(deps, options.as);
  if (me === undefined)
    throw invalidInput('claim needs to know who you are', { code: 'usage.no_agent', hint: IDENTITY_HINT });
  const { store, waId } = await resolveKnownContact(deps, options.contact, { country: options.country });
  const { claimed, assignee } = await store.claimConversation(waId, me);
  const result = await changed(deps, store, waId, claimed);
  if (assignee !== me)
    throw new WaboxError('failure', `${who(result.conversation)} is assigned to ${assignee}`, {
      code: 'conversation.taken',
      hint: `to take it over: wabox assign ${options.contact} ${me}`,
      details: { assignee },
    });
  return result;
}
