// `wabox reopen <contact>`: reopen a resolved conversation.
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
    name: 'reopen',
    description: 'reopen a resolved conversation',
    done: 'reopened',
    already: 'already open',
    listed: 'open',
    run: runReopen,
  });
}

export async function runReopen(options: ConversationStatusOptions, deps: Deps): Promise<ConversationChange> {
  return setConversationStatus(options, 'open', deps);
}
