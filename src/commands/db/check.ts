// `wabox db check [--repair]`: recompute every value the inbox keeps on a conversation (unread, last
// message, awaiting since, ...) from the messages and report each one that differs; --repair fixes them.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note } from '../../cli/output.js';
import { contactLabel } from '../../core/contact-id.js';
import type { ConversationDrift } from '../../store/store.js';

export interface DbCheckOptions {
  repair?: boolean;
  json?: boolean;
}

export interface DbCheckResult {
  /** Every kept value that differed from its recomputation (before --repair fixed it). */
  differences: ConversationDrift[];
  repaired: boolean;
}

export type DbCheckRunner = (options: DbCheckOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: DbCheckRunner): void {
  parent
    .command('check')
    .description('recompute what the inbox keeps from the messages; exit 1 when something differs')
    .option('--repair', 'set every value that differs to its recomputation (one transaction)')
    .option('--json', 'print {differences: [{waId, field, kept, expected}], repaired}')
    .addHelpText(
      'after',
      `
Examples:
  wabox db check
  wabox db check --repair
  wabox db check --json | jq '.differences | length'

Lines: contact, field, kept value, recomputed value (times in ISO 8601; "conversation": messages whose
contact has no conversation). It reads every conversation: a minute or so for a million messages.`,
    )
    .action(async (flags: DbCheckOptions) => {
      if (runF) return runF(flags);
      const result = await runDbCheck(flags, deps);
      if (result.differences.length > 0 && !result.repaired) deps.exitCode = 1;
      if (!flags.json && result.differences.length === 0) {
        note(deps.io, 'every kept value matches the messages');
        return;
      }
      emit(deps, flags, result, (r) => r.differences.map(line).join('\n'));
      if (!flags.json)
        note(
          deps.io,
          result.repaired
            ? `repaired ${count(result.differences)}`
            : `${count(result.differences)} differ from the messages (wabox db check --repair fixes them)`,
        );
    });
}

export async function runDbCheck(options: DbCheckOptions, deps: Deps): Promise<DbCheckResult> {
  const store = await deps.store();
  const differences = options.repair ? await store.repairConversations() : await store.checkConversations();
  return { differences, repaired: options.repair === true && differences.length > 0 };
}

function count(differences: ConversationDrift[]): string {
  return differences.length === 1 ? '1 value' : `${differences.length} values`;
}

function line(d: ConversationDrift): string {
  const value = (v: number | null) =>
    v === null
      ? '-'
      : d.field.endsWith('_at') || d.field === 'awaiting_since'
        ? new Date(v).toISOString()
        : String(v);
  const who = contactLabel({
    waId: d.waId,
    phone: /^\d+$/.test(d.waId) ? d.waId : null,
    userId: null,
    username: null,
  });
  return [who, d.field, value(d.kept), value(d.expected)].join('\t');
}
