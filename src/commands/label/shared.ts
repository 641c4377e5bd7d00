// What `wabox label add` and `wabox label rm` share: one command shape, changing a contact's labels.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { normalizeLabel } from '../../core/label.js';
import { type ConversationChange, changed, changeLine, resolveKnownContact } from '../inbox/shared.js';
import { contactArgument } from '../shared/contact-arg.js';

export interface LabelOptions {
  contact: string;
  label: string;
  country?: string;
  json?: boolean;
}

export type LabelVerb = 'add' | 'rm';

export function registerLabelVerb(
  parent: Command,
  deps: Deps,
  verb: LabelVerb,
  description: string,
  run: (options: LabelOptions, deps: Deps) => Promise<ConversationChange>,
): void {
  contactArgument(parent.command(verb).description(description))
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
      const result = await run({ ...flags, contact, label: name }, deps);
      emit(deps, flags, result, (r) => {
        const labels = r.conversation.labels.length === 0 ? 'none' : r.conversation.labels.join(', ');
        const done = verb === 'add' ? `label added (labels: ${labels})` : `label removed (labels: ${labels})`;
        return changeLine(r, done, `unchanged (labels: ${labels})`);
      });
    });
}

export async function changeLabel(
  options: LabelOptions,
  deps: Deps,
  verb: LabelVerb,
): Promise<ConversationChange> {
  const label = normalizeLabel(options.label);
  const { store, waId } = await resolveKnownContact(deps, options.contact, { country: options.country });
  const didChange = verb === 'add' ? await store.addLabel(waId, label) : await store.removeLabel(waId, label);
  return changed(deps, store, waId, didChange);
}
