// `wabox assign <contact> <agent>`: give a conversation to a person (`--me`: yourself, see
// shared/current-agent.ts; `--none`: unassign).
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit } from '../cli/output.js';
import { configInvalid, invalidInput } from '../core/errors.js';
import { normalizeAgent } from '../core/label.js';
import { type ConversationChange, changed, changeLine, resolveKnownContact } from './inbox/shared.js';
import { contactArgument } from './shared/contact-arg.js';
import { currentAgent, IDENTITY_HINT } from './shared/current-agent.js';

export interface AssignOptions {
  contact: string;
  agent?: string;
  me?: boolean;
  as?: string;
  none?: boolean;
  country?: string;
  json?: boolean;
}

export function register(program: Command, deps: Deps): void {
  contactArgument(
    program.command('assign').description('assign a conversation to an agent, or unassign it with --none'),
  )
    .argument('[agent]', 'the agent, e.g. asha or asha@example.com')
    .option('--me', 'assign to yourself: --as, else WABOX_AGENT, else config agent-name')
    .option('--as <agent>', 'who you are, for --me')
    .option('--none', 'unassign the conversation')
    .option('--json', 'print {changed, conversation}')
    .addHelpText(
      'after',
      `
Examples:
  wabox assign +919876543210 asha
  wabox assign +919876543210 --me
  wabox assign +919876543210 --me --as asha
  wabox assign +919876543210 --none
  wabox inbox --assigned asha
  wabox inbox --unassigned

An agent name is 1-64 letters, digits, spaces and . _ - @ +. An unknown contact exits 6.`,
    )
    .action(
      async (contact: string, agent: string | undefined, flags: Omit<AssignOptions, 'contact' | 'agent'>) => {
        const result = await runAssign({ ...flags, contact, agent }, deps);
        emit(deps, flags, result, (r) => {
          const who = r.conversation.assignee;
          return changeLine(
            r,
            who === null ? 'unassigned' : `assigned to ${who}`,
            who === null ? 'already unassigned' : `already assigned to ${who}`,
          );
        });
      },
    );
}

export async function runAssign(options: AssignOptions, deps: Deps): Promise<ConversationChange> {
  const given = [options.agent !== undefined, options.me === true, options.none === true].filter(
    Boolean,
  ).length;
  if (given !== 1)
    throw invalidInput(given === 0 ? 'missing the agent' : 'give one of <agent>, --me or --none', {
      code: given === 0 ? 'usage.missing_agent' : 'usage.conflict',
      hint: 'wabox assign <contact> <agent>; or, for yourself: wabox assign <contact> --me; or, for nobody: wabox assign <contact> --none',
    });
  if (options.as !== undefined && !options.me)
    throw invalidInput('--as goes with --me', {
      code: 'usage.conflict',
      hint: 'wabox assign <contact> --me --as <agent>',
    });
  let agent: string | null = null;
  if (options.agent !== undefined) agent = normalizeAgent(options.agent);
  if (options.me) {
    agent = (await currentAgent(deps, options.as)) ?? null;
    if (agent === null)
      throw configInvalid('--me needs to know who you are', {
        code: 'config.no_agent_name',
        hint: IDENTITY_HINT,
      });
  }
  const { store, waId } = await resolveKnownContact(deps, options.contact, { country: options.country });
  return changed(deps, store, waId, await store.setAssignee(waId, agent));
}
