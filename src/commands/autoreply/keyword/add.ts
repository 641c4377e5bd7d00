import type { Command } from 'commander';
import type { Deps } from '../../../cli/deps.js';
import { note } from '../../../cli/output.js';
import { type KeywordRule, tokens } from '../../../core/autoreply.js';
import { invalidInput } from '../../../core/errors.js';
import { describeVariables, findTemplate, lookupKey } from '../../../core/template.js';
import { dedupe, library, loadSettings, same, saveSettings } from '../shared.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('add')
    .description('answer these words or phrases with a quick reply (adds to its rule if it has one)')
    .argument('<phrase...>', 'words or quoted phrases')
    .requiredOption(
      '--reply <ref>',
      'the quick reply: /shortcut or name (wabox template list --kind quick-reply)',
    )
    .addHelpText(
      'after',
      `
Examples:
  wabox autoreply keyword add hours timings "when are you open" --reply /hours
  wabox autoreply keyword add thanks "thank you" --reply /thanks

Phrases match whole words, case- and accent-insensitive ("Café" matches "cafe").`,
    )
    .action(async (phrases: string[], flags: { reply: string }) => {
      const rule = await runKeywordAdd(phrases, flags.reply, deps);
      note(deps.io, `${rule.phrases.join(', ')} -> ${rule.reply}`);
    });
}

export async function runKeywordAdd(phrases: string[], reply: string, deps: Deps): Promise<KeywordRule> {
  const template = findTemplate(await library(deps), reply);
  if (template.kind !== 'quick-reply')
    throw invalidInput(
      `"${template.name}" is a ${template.kind} template; a keyword answers with a quick reply`,
      {
        code: 'autoreply.not_quick_reply',
        hint: 'list them with: wabox template list --kind quick-reply',
      },
    );
  // An automatic reply has no one to ask for --var: a placeholder it cannot fill would fail every send
  // at the customer's message, so refuse the rule now rather than log "automatic reply failed" later.
  const unfillable = describeVariables(template)
    .filter((v) => !v.builtin && v.default === undefined)
    .map((v) => `{{${v.name}}}`);
  if (unfillable.length > 0)
    throw invalidInput(
      `"${template.name}" needs ${unfillable.join(', ')}, which an automatic reply cannot fill`,
      {
        code: 'autoreply.unfillable',
        hint: `give defaults: wabox template edit ${template.name} ${unfillable
          .map((v) => `--default ${v.slice(2, -2)}=...`)
          .join(' ')}`,
      },
    );
  const ref = template.shortcut ?? template.name;
  const wanted = dedupe(phrases.map((p) => p.trim()).filter((p) => p !== ''));
  if (wanted.length === 0)
    throw invalidInput('give at least one word or phrase', { code: 'autoreply.bad_word' });
  for (const p of wanted)
    if (tokens(p).length === 0)
      throw invalidInput(`"${p}" has no letters or digits to match`, { code: 'autoreply.bad_word' });
  const settings = await loadSettings(deps);
  const handoff = wanted.find((p) => settings.handoff.some((w) => same(p, w)));
  if (handoff !== undefined)
    throw invalidInput(`"${handoff}" is a hand-off word; it cannot also answer automatically`, {
      code: 'autoreply.word_conflict',
      hint: 'change the hand-off words with: wabox autoreply set handoff <word,...>',
    });
  const refKey = lookupKey(ref);
  for (const rule of settings.keywords) {
    if (lookupKey(rule.reply) === refKey) continue;
    const taken = wanted.find((p) => rule.phrases.some((q) => same(p, q)));
    if (taken !== undefined)
      throw invalidInput(`"${taken}" already answers with ${rule.reply}`, {
        code: 'autoreply.keyword_taken',
        hint: `remove it first: wabox autoreply keyword rm "${taken}"`,
      });
  }
  let rule = settings.keywords.find((r) => lookupKey(r.reply) === refKey);
  if (rule) rule.phrases = dedupe([...rule.phrases, ...wanted]);
  else {
    rule = { phrases: wanted, reply: ref };
    settings.keywords.push(rule);
  }
  await saveSettings(deps, settings);
  return rule;
}
