import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import type { ConversationChange } from '../inbox/shared.js';
import { changeLabel, type LabelOptions, registerLabelVerb } from './shared.js';

export function register(parent: Command, deps: Deps): void {
  registerLabelVerb(parent, deps, 'rm', 'remove a label from a contact', runLabelRm);
}

export async function runLabelRm(options: LabelOptions, deps: Deps): Promise<ConversationChange> {
  return changeLabel(options, deps, 'rm');
}
