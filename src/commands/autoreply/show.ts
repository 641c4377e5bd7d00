import type { ChalkInstance } from 'chalk';
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { AutoReplySettings } from '../../core/autoreply.js';
import { DEFAULT_STOP_KEYWORDS } from '../../core/contact-id.js';
import { CSAT_SETTINGS_KEY, type CsatSettings, normalizeCsat } from '../../core/csat.js';
import { type CsatState, STOP_KEYWORDS_SETTING } from '../../store/store.js';
import { loadHours } from '../template/shared.js';
import { library, loadSettings } from './shared.js';

/** `autoreply show --json`: part of the interface, keep it stable. */
export interface AutoReplyShowJson extends AutoReplySettings {
  /** The templates the receiver can use, by kind (names). */
  templates: { greeting: string[]; away: string[] };
  /** Business hours are set (away messages need them). */
  hoursSet: boolean;
  /** A whole message of one of these opts the customer out of marketing messages. */
  stopWords: string[];
  /** Satisfaction questions after `wabox resolve`: the settings, templates, and questions by state. */
  csat: CsatSettings & { templates: string[]; counts: Record<CsatState, number> };
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('show')
    .description('the automatic reply settings, and the templates and hours they use')
    .option('--json', 'print the settings with {templates, hoursSet}')
    .addHelpText('after', '\nExamples:\n  wabox autoreply show\n  wabox autoreply show --json | jq .keywords')
    .action(async (flags: { json?: boolean }) => emit(deps, flags, await runShow(deps), humanShow));
}

export async function runShow(deps: Deps): Promise<AutoReplyShowJson> {
  const settings = await loadSettings(deps);
  const templates = await library(deps);
  const names = (kind: string) => templates.filter((t) => t.kind === kind).map((t) => t.name);
  return {
    ...settings,
    templates: { greeting: names('greeting'), away: names('away') },
    hoursSet: (await loadHours(deps)) !== undefined,
    stopWords: await stopWords(deps),
    csat: await csat(deps, names('csat')),
  };
}

async function csat(deps: Deps, templates: string[]): Promise<AutoReplyShowJson['csat']> {
  const store = await deps.store();
  const counts: Record<CsatState, number> = { pending: 0, asked: 0, answered: 0, skipped: 0 };
  for (const q of await store.csat.list()) counts[q.state]++;
  return { ...normalizeCsat(await store.getSetting(CSAT_SETTINGS_KEY)), templates, counts };
}

async function stopWords(deps: Deps): Promise<string[]> {
  const value = await (await deps.store()).getSetting(STOP_KEYWORDS_SETTING);
  return Array.isArray(value) ? value.map(String) : [...DEFAULT_STOP_KEYWORDS];
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
    `csat            ${onOff(s.csat.on)}  (${using(s.csat.templates, 'csat')}; ${s.csat.delayMinutes} min after resolve; ${s.csat.scale}; asked ${s.csat.counts.asked + s.csat.counts.answered}, answered ${s.csat.counts.answered}, skipped ${s.csat.counts.skipped})`,
    `stop words      ${s.stopWords.length > 0 ? s.stopWords.join(', ') : '(none)'}  (opt out of marketing messages)`,
    s.keywords.length === 0 ? 'keywords        (none)' : 'keywords',
    ...s.keywords.map((r) => `  ${r.phrases.join(', ')} -> ${r.reply}`),
  ];
  return lines.join('\n');
}
