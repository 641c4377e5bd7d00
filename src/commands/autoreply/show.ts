import type { ChalkInstance } from 'chalk';
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { AutoReplySettings } from '../../core/autoreply.js';
import { DEFAULT_STOP_KEYWORDS } from '../../core/contact-id.js';
import { STOP_KEYWORDS_SETTING } from '../../store/store.js';
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
  };
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
    `stop words      ${s.stopWords.length > 0 ? s.stopWords.join(', ') : '(none)'}  (opt out of marketing messages)`,
    s.keywords.length === 0 ? 'keywords        (none)' : 'keywords',
    ...s.keywords.map((r) => `  ${r.phrases.join(', ')} -> ${r.reply}`),
  ];
  return lines.join('\n');
}
