import { type Command, Option } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { note, warn } from '../../cli/output.js';
import { AGENT_GRACE_MINUTES_MAX, GREETING_AFTER_DAYS_MAX, tokens } from '../../core/autoreply.js';
import { DEFAULT_STOP_KEYWORDS } from '../../core/contact-id.js';
import {
  CSAT_DELAY_MAX_MINUTES,
  CSAT_SCALES,
  CSAT_SETTINGS_KEY,
  type CsatScale,
  normalizeCsat,
} from '../../core/csat.js';
import { parseDuration } from '../../core/duration.js';
import { invalidInput } from '../../core/errors.js';
import { STOP_KEYWORDS_SETTING } from '../../store/store.js';
import { intInRange } from '../shared/int-arg.js';
import { loadHours } from '../template/shared.js';
import { dedupe, library, loadSettings, same, saveSettings } from './shared.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('set')
    .description(
      'change a setting: greeting|away|csat on|off, greeting-after-days <n>, handoff <word,...>, agent-grace-minutes <n>, stop-words <word,...>',
    )
    .argument(
      '<setting>',
      'greeting, away, csat, greeting-after-days, handoff, agent-grace-minutes or stop-words',
    )
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
  wabox autoreply set stop-words default
  wabox autoreply set csat on --after resolve --delay 10m   # rate the conversation 10 minutes after wabox resolve
  wabox autoreply set csat on --delay 0 --scale list        # ask at once, with a 1-5 list
  wabox autoreply set csat off

csat: the receiver (wabox webhook serve) asks when the delay has passed; with --delay 0, wabox resolve
asks itself. Once per resolution, only within the customer's 24-hour window (else skipped).`,
    )
    .option('--after <event>', 'csat: what triggers the question (resolve)')
    .option('--delay <duration>', 'csat: how long after it, in whole minutes: 0, 10m, 2h (default 10m)')
    .addOption(
      new Option('--scale <scale>', 'csat: 😞 😐 😀 reply buttons or a 1-5 list').choices(CSAT_SCALES),
    )
    .action(async (setting: string, value: string[], flags: CsatFlags) => {
      const line = await runSet(setting, value, deps, flags);
      note(deps.io, line);
    });
}

/** The flags of `set csat`. */
export interface CsatFlags {
  after?: string;
  delay?: string;
  scale?: CsatScale;
}

const SETTINGS = [
  'greeting',
  'away',
  'csat',
  'greeting-after-days',
  'handoff',
  'agent-grace-minutes',
  'stop-words',
];

export async function runSet(
  setting: string,
  value: string[],
  deps: Deps,
  flags: CsatFlags = {},
): Promise<string> {
  if (!SETTINGS.includes(setting))
    throw invalidInput(`unknown automatic reply setting "${setting}"`, {
      code: 'autoreply.unknown_setting',
      hint: `settings: ${SETTINGS.join(', ')}`,
    });
  const joined = value.join(' ').trim();
  if (setting === 'csat') return setCsat(joined, flags, deps);
  const flag = (['after', 'delay', 'scale'] as const).find((f) => flags[f] !== undefined);
  if (flag !== undefined)
    throw invalidInput(`--${flag} is a csat option, not one of ${setting}`, { code: 'usage.bad_flag' });
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

/** `csat on|off [--after resolve] [--delay 10m] [--scale buttons|list]`: the store setting the resolve and the receiver read. */
async function setCsat(joined: string, flags: CsatFlags, deps: Deps): Promise<string> {
  const on = onOff(joined, 'csat');
  if (flags.after !== undefined && flags.after !== 'resolve')
    throw invalidInput(`--after: "${flags.after}" is not an event csat follows`, {
      code: 'autoreply.bad_after',
      hint: 'the one event today: --after resolve',
    });
  const store = await deps.store();
  const settings = normalizeCsat(await store.getSetting(CSAT_SETTINGS_KEY));
  settings.on = on;
  if (flags.delay !== undefined) settings.delayMinutes = delayMinutes(flags.delay);
  if (flags.scale !== undefined) settings.scale = flags.scale;
  if (on && !(await library(deps)).some((t) => t.kind === 'csat'))
    warn(
      deps.io,
      'there is no csat template yet: add one with wabox template add --kind csat (or wabox template init --pack en)',
    );
  await store.setSetting(CSAT_SETTINGS_KEY, settings);
  if (!on) return 'csat questions off';
  const when =
    settings.delayMinutes === 0
      ? 'as wabox resolve runs'
      : `${settings.delayMinutes} min after wabox resolve (sent by wabox webhook serve)`;
  return `csat questions on: asked ${when}, with ${settings.scale === 'buttons' ? 'buttons 😞 😐 😀' : 'a 1-5 list'}`;
}

function delayMinutes(text: string): number {
  const ms = text.trim() === '0' ? 0 : parseDuration(text);
  const bad = (why: string) =>
    invalidInput(`--delay: "${text}" ${why}`, {
      code: 'usage.bad_duration',
      hint: 'write it as 0, 10m, 2h or 1d (at most 7d)',
    });
  if (ms === null) throw bad('is not a duration');
  if (ms % 60_000 !== 0) throw bad('is not a whole number of minutes');
  if (ms / 60_000 > CSAT_DELAY_MAX_MINUTES) throw bad('is longer than 7 days');
  return ms / 60_000;
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
