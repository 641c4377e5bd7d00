import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { note, warn } from '../../cli/output.js';
import { AGENT_GRACE_MINUTES_MAX, GREETING_AFTER_DAYS_MAX, tokens } from '../../core/autoreply.js';
import { DEFAULT_STOP_KEYWORDS } from '../../core/contact-id.js';
import { invalidInput } from '../../core/errors.js';
import { STOP_KEYWORDS_SETTING } from '../../store/store.js';
import { intInRange } from '../shared/int-arg.js';
import { loadHours } from '../template/shared.js';
import { dedupe, library, loadSettings, same, saveSettings } from './shared.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('set')
    .description(
      'change a setting: greeting|away on|off, greeting-after-days <n>, handoff <word,...>, agent-grace-minutes <n>, stop-words <word,...>',
    )
    .argument('<setting>', 'greeting, away, greeting-after-days, handoff, agent-grace-minutes or stop-words')
    .argument(
      '<value...>',
      'on|off, a number, or comma-separated words (none: no words; stop-words default: the built-in list)',
    )
    .addHelpText(
      'after',
      `
Examples:
  wabox autoreply set greeting on
  wabox autoreply set away off
  wabox autoreply set greeting-after-days 14
  wabox autoreply set handoff agent,human,"talk to a person"
  wabox autoreply set agent-grace-minutes 10       # no away message this soon after an agent replied
  wabox autoreply set stop-words STOP,UNSUBSCRIBE,"बंद करो"   # a whole message of one opts out of marketing
  wabox autoreply set stop-words default`,
    )
    .action(async (setting: string, value: string[]) => {
      const line = await runSet(setting, value, deps);
      note(deps.io, line);
    });
}

const SETTINGS = ['greeting', 'away', 'greeting-after-days', 'handoff', 'agent-grace-minutes', 'stop-words'];

export async function runSet(setting: string, value: string[], deps: Deps): Promise<string> {
  if (!SETTINGS.includes(setting))
    throw invalidInput(`unknown automatic reply setting "${setting}"`, {
      code: 'autoreply.unknown_setting',
      hint: `settings: ${SETTINGS.join(', ')}`,
    });
  const joined = value.join(' ').trim();
  if (setting === 'stop-words') return setStopWords(joined, value, deps);
  const settings = await loadSettings(deps);
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
      const words = wordList(joined, value, 'hand-off word');
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

/** `stop-words`: the store setting the receiver reads for marketing opt-outs (default: the built-in list). */
async function setStopWords(joined: string, value: string[], deps: Deps): Promise<string> {
  const store = await deps.store();
  if (/^default$/i.test(joined)) {
    await store.setSetting(STOP_KEYWORDS_SETTING, null);
    return `stop words: the defaults (${DEFAULT_STOP_KEYWORDS.join(', ')})`;
  }
  const words = dedupe(wordList(joined, value, 'stop word'));
  await store.setSetting(STOP_KEYWORDS_SETTING, words);
  return `stop words: ${words.length > 0 ? words.join(', ') : "(none: only WhatsApp's own opt-out stops marketing)"}`;
}

/** Comma-separated words (`none` or `-`: none), each with a letter or digit. */
function wordList(joined: string, value: string[], what: string): string[] {
  const words = /^(none|-)$/i.test(joined)
    ? []
    : value
        .join(',')
        .split(',')
        .map((w) => w.trim())
        .filter((w) => w !== '');
  for (const w of words)
    if (tokens(w).length === 0)
      throw invalidInput(`${what} "${w}" has no letters or digits`, { code: 'autoreply.bad_word' });
  return words;
}

async function warnIfUnusable(kind: 'greeting' | 'away', deps: Deps): Promise<void> {
  const templates = await library(deps);
  if (!templates.some((t) => t.kind === kind))
    warn(
      deps.io,
      `there is no ${kind} template yet: add one with wabox template add --kind ${kind} (or wabox template init --pack en)`,
    );
  if (kind === 'away') {
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
