// `wabox autoreply show|set|keyword`: the automatic replies the webhook receiver sends (greeting, away,
// keyword answers, hand-off words). Stored in the store's settings table, so every receiver and every
// CLI using the same store shares them; a running receiver picks a change up within a second.

import type { ChalkInstance } from 'chalk';
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note, warn } from '../../cli/output.js';
import {
  AGENT_GRACE_MINUTES_MAX,
  type AutoReplySettings,
  GREETING_AFTER_DAYS_MAX,
  type KeywordRule,
  normalizeSettings,
  SETTINGS_KEY,
  tokens,
} from '../../core/autoreply.js';
import { invalidInput, notFound } from '../../core/errors.js';
import type { Template } from '../../core/template.js';
import { intInRange } from '../shared/int-arg.js';

/** `autoreply show --json`: part of the interface, keep it stable. */
export interface AutoReplyShowJson extends AutoReplySettings {
  /** The templates the receiver can use, by kind (names). */
  templates: { greeting: string[]; away: string[] };
  /** Business hours are set (away messages need them). */
  hoursSet: boolean;
}

export function register(program: Command, deps: Deps): void {
  const autoreply = program
    .command('autoreply')
    .description('automatic replies while `wabox webhook serve` runs: greeting, away, keywords, hand-off')
    .addHelpText(
      'after',
      `
Examples:
  wabox autoreply show
  wabox autoreply set greeting on
  wabox autoreply set away on                      # needs business hours: wabox hours set ...
  wabox autoreply set greeting-after-days 30
  wabox autoreply keyword add hours timings "when are you open" --reply /hours
  wabox autoreply set handoff agent,human,manager

All off by default. Greeting: a contact's first message ever, or after N days without messages.
Away: outside business hours, once per contact per closed period, not right after an agent replied.
Keywords: whole words, case- and accent-insensitive, answered with a quick reply.
A hand-off word stops automatic replies for that conversation: a person takes over.`,
    );

  autoreply
    .command('show')
    .description('the automatic reply settings, and the templates and hours they use')
    .option('--json', 'print the settings with {templates, hoursSet}')
    .addHelpText('after', '\nExamples:\n  wabox autoreply show\n  wabox autoreply show --json | jq .keywords')
    .action(async (flags: { json?: boolean }) => emit(deps, flags, await runShow(deps), humanShow));

  autoreply
    .command('set')
    .description(
      'change a setting: greeting|away on|off, greeting-after-days <n>, handoff <word,...>, agent-grace-minutes <n>',
    )
    .argument('<setting>', 'greeting, away, greeting-after-days, handoff or agent-grace-minutes')
    .argument('<value...>', 'on|off, a number, or comma-separated words (handoff none: no hand-off words)')
    .addHelpText(
      'after',
      `
Examples:
  wabox autoreply set greeting on
  wabox autoreply set away off
  wabox autoreply set greeting-after-days 14
  wabox autoreply set handoff agent,human,"talk to a person"
  wabox autoreply set agent-grace-minutes 10       # no away message this soon after an agent replied`,
    )
    .action(async (setting: string, value: string[]) => {
      const line = await runSet(setting, value, deps);
      note(deps.io, line);
    });

  const keyword = autoreply
    .command('keyword')
    .description('keyword rules: words or phrases answered with a quick reply')
    .addHelpText(
      'after',
      `
Examples:
  wabox autoreply keyword add hours timings --reply /hours
  wabox autoreply keyword list`,
    );
  keyword
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
  keyword
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
  keyword
    .command('list')
    .alias('ls')
    .description('the keyword rules in matching order (the first rule that matches answers)')
    .option('--json', 'print [{phrases, reply}]')
    .addHelpText(
      'after',
      '\nExamples:\n  wabox autoreply keyword list\n  wabox autoreply keyword list --json',
    )
    .action(async (flags: { json?: boolean }) => {
      const rules = (await loadSettings(deps)).keywords;
      if (!flags.json && rules.length === 0) {
        note(deps.io, 'no keyword rules; add one with: wabox autoreply keyword add hours --reply /hours');
        return;
      }
      emit(deps, flags, rules, (list) => list.map((r) => `${r.phrases.join(', ')}\t${r.reply}`).join('\n'));
    });
}

export async function loadSettings(deps: Deps): Promise<AutoReplySettings> {
  const store = await deps.store();
  return normalizeSettings(await store.getSetting(SETTINGS_KEY));
}

async function saveSettings(deps: Deps, settings: AutoReplySettings): Promise<void> {
  const store = await deps.store();
  await store.setSetting(SETTINGS_KEY, settings);
}

async function library(deps: Deps): Promise<Template[]> {
  const { templateLibrary } = await import('../template/shared.js');
  return templateLibrary(deps).load();
}

export async function runShow(deps: Deps): Promise<AutoReplyShowJson> {
  const settings = await loadSettings(deps);
  const templates = await library(deps);
  const { loadHours } = await import('../template/shared.js');
  const names = (kind: string) => templates.filter((t) => t.kind === kind).map((t) => t.name);
  return {
    ...settings,
    templates: { greeting: names('greeting'), away: names('away') },
    hoursSet: (await loadHours(deps)) !== undefined,
  };
}

function humanShow(s: AutoReplyShowJson, c: ChalkInstance): string {
  const onOff = (v: boolean) => (v ? c.green('on') : 'off');
  const using = (names: string[], kind: string) =>
    names.length > 0
      ? `template ${names.join(', ')}`
      : c.yellow(`no ${kind} template: wabox template add --kind ${kind}`);
  const lines = [
    `greeting        ${onOff(s.greeting)}  (${using(s.templates.greeting, 'greeting')}; again after ${s.greetingAfterDays} days without messages)`,
    `away            ${onOff(s.away)}  (${using(s.templates.away, 'away')}; ${s.hoursSet ? 'business hours set' : c.yellow('no business hours: wabox hours set ...')}; not within ${s.agentGraceMinutes} min of an agent's reply)`,
    `hand-off words  ${s.handoff.length > 0 ? s.handoff.join(', ') : '(none)'}`,
    s.keywords.length === 0 ? 'keywords        (none)' : 'keywords',
    ...s.keywords.map((r) => `  ${r.phrases.join(', ')} -> ${r.reply}`),
  ];
  return lines.join('\n');
}

const SETTINGS = ['greeting', 'away', 'greeting-after-days', 'handoff', 'agent-grace-minutes'];

export async function runSet(setting: string, value: string[], deps: Deps): Promise<string> {
  if (!SETTINGS.includes(setting))
    throw invalidInput(`unknown automatic reply setting "${setting}"`, {
      code: 'autoreply.unknown_setting',
      hint: `settings: ${SETTINGS.join(', ')}`,
    });
  const settings = await loadSettings(deps);
  const joined = value.join(' ').trim();
  let line: string;
  switch (setting) {
    case 'greeting':
    case 'away': {
      const on = onOff(joined, setting);
      settings[setting] = on;
      line = `${setting} messages ${on ? 'on' : 'off'}`;
      if (on) await warnIfUnusable(setting, deps);
      break;
    }
    case 'greeting-after-days':
      settings.greetingAfterDays = intInRange(joined, setting, 1, GREETING_AFTER_DAYS_MAX);
      line = `a greeting goes out again after ${settings.greetingAfterDays} days without messages`;
      break;
    case 'agent-grace-minutes':
      settings.agentGraceMinutes = intInRange(joined, setting, 0, AGENT_GRACE_MINUTES_MAX);
      line = `no away message within ${settings.agentGraceMinutes} minutes of an agent's reply`;
      break;
    default: {
      const words = /^(none|-)$/i.test(joined)
        ? []
        : value
            .join(',')
            .split(',')
            .map((w) => w.trim())
            .filter((w) => w !== '');
      for (const w of words)
        if (tokens(w).length === 0)
          throw invalidInput(`hand-off word "${w}" has no letters or digits`, { code: 'autoreply.bad_word' });
      const clash = settings.keywords.flatMap((r) => r.phrases).find((p) => words.some((w) => same(w, p)));
      if (clash !== undefined)
        throw invalidInput(`"${clash}" is a keyword phrase; a word cannot both answer and hand off`, {
          code: 'autoreply.word_conflict',
          hint: `remove it first: wabox autoreply keyword rm "${clash}"`,
        });
      settings.handoff = dedupe(words);
      line = `hand-off words: ${settings.handoff.length > 0 ? settings.handoff.join(', ') : '(none)'}`;
    }
  }
  await saveSettings(deps, settings);
  return line;
}

async function warnIfUnusable(kind: 'greeting' | 'away', deps: Deps): Promise<void> {
  const templates = await library(deps);
  if (!templates.some((t) => t.kind === kind))
    warn(
      deps.io,
      `there is no ${kind} template yet: add one with wabox template add --kind ${kind} (or wabox template init --pack en)`,
    );
  if (kind === 'away') {
    const { loadHours } = await import('../template/shared.js');
    if ((await loadHours(deps)) === undefined)
      warn(deps.io, 'no business hours are set, so the business never counts as closed: wabox hours set ...');
  }
}

function onOff(value: string, setting: string): boolean {
  const v = value.toLowerCase();
  if (['on', 'true', 'yes', '1'].includes(v)) return true;
  if (['off', 'false', 'no', '0'].includes(v)) return false;
  throw invalidInput(`${setting} takes on or off, got "${value}"`, { code: 'autoreply.bad_value' });
}

/** Two phrases match the same words (case and accents ignored). */
function same(a: string, b: string): boolean {
  return tokens(a).join(' ') === tokens(b).join(' ');
}

function dedupe(phrases: string[]): string[] {
  const out: string[] = [];
  for (const p of phrases) if (!out.some((q) => same(p, q))) out.push(p);
  return out;
}

export async function runKeywordAdd(phrases: string[], reply: string, deps: Deps): Promise<KeywordRule> {
  const { describeVariables, findTemplate, lookupKey } = await import('../../core/template.js');
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

export async function runKeywordRm(items: string[], deps: Deps): Promise<string[]> {
  const { lookupKey } = await import('../../core/template.js');
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
