// Puts a widget together: checks the flags, reads the hours, the agents file and the measured reply time,
// and fills the configuration into the built script. Loaded on use: it reads hours (luxon) and the store.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Deps } from '../../cli/deps.js';
import { fileError, invalidInput, WaboxError } from '../../core/errors.js';
import type { BusinessHours } from '../../core/hours.js';
import { validateRef } from '../../core/link.js';
import {
  medianReplyMinutes,
  parseAgentsData,
  parseColor,
  parsePosition,
  validateLabel,
  type WidgetConfig,
  type WidgetPerson,
  widgetHours,
} from '../../core/widget.js';
import { packageDir } from '../shared/package-dir.js';
import { loadHours } from '../template/shared.js';
import { DEFAULT_COLOR, DEFAULT_LABEL, type WidgetFlags } from './shared.js';

/** How far back the measured reply time looks. */
const REPLY_WINDOW_MS = 30 * 86_400_000;
/** How many of the latest conversations it measures. */
const REPLY_SAMPLE = 1000;

export interface BuiltWidget {
  script: string;
  config: WidgetConfig;
}

/** Checks the flags, reads hours, agents and the measured reply time, and fills the built script. */
export async function buildWidget(flags: WidgetFlags, deps: Deps): Promise<BuiltWidget> {
  const color = parseColor(flags.color ?? DEFAULT_COLOR);
  const position = parsePosition(flags.position ?? 'right');
  const label = validateLabel(flags.label ?? DEFAULT_LABEL);
  const ref = flags.ref === undefined ? null : validateRef(flags.ref);
  if (flags.text !== undefined && flags.text.trim() === '')
    throw invalidInput('the text is empty', {
      code: 'text.empty',
      hint: 'omit --text for no prefilled text',
    });
  const text = flags.text ?? null;
  if (text !== null && !text.isWellFormed())
    throw invalidInput('text holds a lone UTF-16 surrogate and cannot be encoded', {
      code: 'text.malformed',
    });
  let replyMs: number | null = null;
  if (flags.replyTime !== undefined) {
    const { parseDuration } = await import('../../core/duration.js');
    replyMs = parseDuration(flags.replyTime);
    if (replyMs === null || replyMs === 0)
      throw invalidInput(`invalid --reply-time "${flags.replyTime}"`, {
        code: 'widget.invalid_reply_time',
        hint: 'accepted form: a duration such as 5m, 90s or 2h',
      });
  }
  if (flags.phone !== undefined && flags.agents !== undefined)
    throw invalidInput('--phone and --agents both say who answers: choose one', { code: 'usage.conflict' });
  if (flags.phone === undefined && flags.agents === undefined)
    throw invalidInput('missing --phone or --agents', {
      code: 'usage.missing_flag',
      hint: 'e.g. wabox widget build --phone +919876543210 -o wabox-widget.js',
    });

  const hours = await loadHours(deps);
  const people =
    flags.agents !== undefined
      ? await agentPeople(flags.agents, hours, flags.country, deps)
      : [await person(null, flags.phone!, hours, flags.country, deps)];
  const replyMinutes =
    replyMs !== null ? Math.max(1, Math.ceil(replyMs / 60_000)) : await measuredReplyMinutes(hours, deps);
  const config: WidgetConfig = { people, text, ref, position, color, label, replyMinutes };
  return { script: await fillScript(config), config };
}

async function fillScript(config: WidgetConfig): Promise<string> {
  let template: string;
  try {
    template = await readFile(join(packageDir('dist'), 'widget.js'), 'utf8');
  } catch (err) {
    throw new WaboxError(
      'failure',
      `cannot read the widget script of this wabox: ${(err as Error).message}`,
      {
        code: 'widget.missing_script',
        hint: 'reinstall wabox (or run node scripts/build.mjs in a checkout)',
      },
    );
  }
  return template.replace('__WABOX_WIDGET__', () => JSON.stringify(config));
}

async function person(
  name: string | null,
  phone: string,
  hours: BusinessHours | undefined | null,
  country: string | undefined,
  deps: Deps,
): Promise<WidgetPerson> {
  const { normalizePhone, hasCountryCode } = await import('../../core/phone.js');
  const defaultCountry =
    country ?? (hasCountryCode(phone) ? undefined : (await deps.config()).get('default-country'));
  const { waId } = normalizePhone(phone, { defaultCountry });
  return { name, waId, hours: hours ? widgetHours(hours) : null };
}

async function agentPeople(
  path: string,
  hours: BusinessHours | undefined,
  country: string | undefined,
  deps: Deps,
): Promise<WidgetPerson[]> {
  const { loadYaml } = await import('../template/transfer.js');
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (err) {
    throw fileError(err, path, 'read');
  }
  let data: unknown;
  try {
    data = (await loadYaml()).parse(source, { prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    throw invalidInput(`${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, {
      code: 'widget.invalid_agents',
    });
  }
  const entries = parseAgentsData(data, path, hours?.timeZone, hours?.closed ?? []);
  return Promise.all(
    entries.map(async (entry, i) => {
      try {
        return await person(entry.name, entry.phone, entry.hours, country, deps);
      } catch (err) {
        if (!(err instanceof WaboxError)) throw err;
        throw invalidInput(`${path}: entry ${i + 1} (${entry.name}): ${err.message}`, {
          code: 'widget.invalid_agents',
        });
      }
    }),
  );
}

/** The median first response (business time) of the conversations answered in the last 30 days. */
async function measuredReplyMinutes(hours: BusinessHours | undefined, deps: Deps): Promise<number | null> {
  const { businessMs } = await import('../../core/business-time.js');
  const since = deps.clock().getTime() - REPLY_WINDOW_MS;
  const conversations = await (await deps.store()).listConversations({ limit: REPLY_SAMPLE });
  const seconds: number[] = [];
  for (const c of conversations) {
    if (c.responseAt === null || c.responseAwaitedSince === null) continue;
    const answered = new Date(c.responseAt);
    if (answered.getTime() < since) continue;
    seconds.push(Math.round(businessMs(hours, new Date(c.responseAwaitedSince), answered) / 1000));
  }
  return medianReplyMinutes(seconds);
}
