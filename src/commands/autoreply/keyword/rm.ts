import type { Command } from 'commander';
import type { Deps } from '../../../cli/deps.js';
import { note } from '../../../cli/output.js';
import { notFound } from '../../../core/errors.js';
import { lookupKey } from '../../../core/template.js';
import { loadSettings, same, saveSettings } from '../shared.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('rm')
    .description('remove phrases, or a whole rule by its quick reply')
    .argument('<phrase-or-reply...>', 'phrases, or the /shortcut or name of a rule')
    .addHelpText(
      'after',
      `
Examples:
  wabox autoreply keyword rm timings        # one phrase
  wabox autoreply keyword rm /hours         # the whole rule`,
    )
    .action(async (items: string[]) => {
      const removed = await runKeywordRm(items, deps);
      note(deps.io, `removed ${removed.join(', ')}`);
    });
}

export async function runKeywordRm(items: string[], deps: Deps): Promise<string[]> {
  const settings = await loadSettings(deps);
  const removed: string[] = [];
  for (const item of items) {
    const key = lookupKey(item.trim());
    // a rule by its reply exactly as listed (/price); anything else is a phrase
    const byReply = settings.keywords.findIndex((r) => lookupKey(r.reply) === key);
    if (byReply >= 0) {
      removed.push(`the rule ${settings.keywords[byReply]!.reply}`);
      settings.keywords.splice(byReply, 1);
      continue;
    }
    const rule = settings.keywords.find((r) => r.phrases.some((p) => same(p, item)));
    if (!rule)
      throw notFound(`no keyword rule has "${item}"`, {
        code: 'autoreply.keyword_not_found',
        hint: 'list them with: wabox autoreply keyword list',
      });
    rule.phrases = rule.phrases.filter((p) => !same(p, item));
    removed.push(`"${item}"`);
  }
  settings.keywords = settings.keywords.filter((r) => r.phrases.length > 0);
  await saveSettings(deps, settings);
  return removed;
}
