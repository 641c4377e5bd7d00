// `wabox resolve <contact>`: mark a conversation resolved.
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import type { ConversationChange } from './inbox/shared.js';
import {
  type ConversationStatusOptions,
  registerStatusCommand,
  setConversationStatus,
} from './shared/conversation-status.js';

export function register(program: Command, deps: Deps): void {
  registerStatusCommand(program, deps, {
    name: 'resolve',
    description: 'mark a conversation resolved (a new message from the customer reopens it)',
    done: 'resolved',
    already: 'already resolved',
    listed: 'resolved',
    run: runResolve,
  });
}

export async function runResolve(
  options: ConversationStatusOptions,
  deps: Deps,
): Promise<ConversationChange> {
  return setConversationStatus(options, 'resolved', deps);
}
