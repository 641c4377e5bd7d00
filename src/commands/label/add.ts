import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import type { ConversationChange } from '../inbox/shared.js';
import { changeLabel, type LabelOptions, registerLabelVerb } from './shared.js';

export function register(parent: Command, deps: Deps): void {
  registerLabelVerb(parent, deps, 'add', 'add a label to a contact', runLabelAdd);
}

export async function runLabelAdd(options: LabelOptions, deps: Deps): Promise<ConversationChange> {
  return changeLabel(options, deps, 'add');
}
