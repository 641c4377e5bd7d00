// `wabox label add|rm <contact> <label>`: organise conversations (labels are per contact).
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit } from '../cli/output.js';
import { type ConversationChange, changed, changeLine, resolveKnownContact } from './inbox/shared.js';
import { contactArgument } from './shared/contact-arg.js';

export interface LabelOptions {
  contact: string;
  label: string;
  country?: string;
  json?: boolean;
}

const VERBS = [
  { verb: 'add', description: 'add a label to a contact' },
  { verb: 'rm', description: 'remove a label from a contact' },
] as const;

export function register(program: Command, deps: Deps): void {
  const label = program
    .command('label')
    .description('add or remove labels on a contact (filter the inbox with --label)')
    .addHelpText(
      'after',
      `
Examples:
  wabox label add +919876543210 vip
  wabox label add +919876543210 "pending payment"
  wabox label rm +919876543210 vip --json
  wabox inbox --label vip

A label is 1-40 letters (any script), digits, spaces and - _ . / & +; it is stored in lower case.`,
    );
  for (const { verb, description } of VERBS) {
    contactArgument(label.command(verb).description(description))
      .argument('<label>', 'the label, e.g. vip or "pending payment"')
      .option('--json', 'print {changed, conversation}')
      .addHelpText(
        'after',
        `
Examples:
  wabox label ${verb} +919876543210 vip
  wabox label ${verb} "098765 43210" "pending payment" --country IN --json

An unknown contact exits 6; an invalid label exits 2.`,
      )
      .action(async (contact: string, name: string, flags: Omit<LabelOptions, 'contact' | 'label'>) => {
        const options = { ...flags, contact, label: name };
        const result = verb === 'add' ? await runLabelAdd(options, deps) : await runLabelRm(options, deps);
        emit(deps, flags, result, (r) => {
          const labels = r.conversation.labels.length === 0 ? 'none' : r.conversation.labels.join(', ');
          const done =
            verb === 'add' ? `label added (labels: ${labels})` : `label removed (labels: ${labels})`;
          return changeLine(r, done, `unchanged (labels: ${labels})`);
        });
      });
  }
}

export async function runLabelAdd(options: LabelOptions, deps: Deps): Promise<ConversationChange> {
  return changeLabel(options, deps, 'add');
}

export async function runLabelRm(options: LabelOptions, deps: Deps): Promise<ConversationChange> {
  return changeLabel(options, deps, 'rm');
}

async function changeLabel(
  options: LabelOptions,
  deps: Deps,
  verb: 'add' | 'rm',
): Promise<ConversationChange> {
  const { normalizeLabel } = await import('../core/label.js');
  const label = normalizeLabel(options.label);
  const { store, waId } = await resolveKnownContact(deps, options.contact, { country: options.country });
  const didChange = verb === 'add' ? await store.addLabel(waId, label) : await store.removeLabel(waId, label);
  return changed(deps, store, waId, didChange);
}
