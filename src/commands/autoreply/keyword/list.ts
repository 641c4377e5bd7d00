import type { Command } from 'commander';
import type { Deps } from '../../../cli/deps.js';
import { emit, note } from '../../../cli/output.js';
import type { KeywordRule } from '../../../core/autoreply.js';
import { loadSettings } from '../shared.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('list')
    .alias('ls')
    .description('the keyword rules in matching order (the first rule that matches answers)')
    .option('--json', 'print [{phrases, reply}]')
    .addHelpText(
      'after',
      '\nExamples:\n  wabox autoreply keyword list\n  wabox autoreply keyword list --json',
    )
    .action(async (flags: { json?: boolean }) => {
      const rules = await runKeywordList(deps);
      if (!flags.json && rules.length === 0) {
        note(deps.io, 'no keyword rules; add one with: wabox autoreply keyword add hours --reply /hours');
        return;
      }
      emit(deps, flags, rules, (list) => list.map((r) => `${r.phrases.join(', ')}\t${r.reply}`).join('\n'));
    });
}

export async function runKeywordList(deps: Deps): Promise<KeywordRule[]> {
  return (await loadSettings(deps)).keywords;
}
