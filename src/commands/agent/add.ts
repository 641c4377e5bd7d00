import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { invalidInput, WaboxError } from '../../core/errors.js';
import { normalizeAgent } from '../../core/label.js';
import { shellWord } from '../shared/shell-word.js';
import type { AgentJson } from './json.js';

export interface AgentAddOptions {
  name: string;
  email?: string;
  hours?: string;
  tz?: string;
  json?: boolean;
}

export type AgentAddRunner = (options: AgentAddOptions) => Promise<void>;

/** One @, something before it, a dot in the domain, no spaces: a typo check, not RFC 5322. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function register(parent: Command, deps: Deps, runF?: AgentAddRunner): void {
  parent
    .command('add')
    .description('add an agent, with an email and working hours')
    .argument('<name>', 'the name conversations are assigned to, e.g. asha')
    .option('--email <address>', 'their email address')
    .option(
      '--hours <spec>',
      'working hours as wabox hours set takes them, e.g. "mon-fri 09:00-17:00" (default: always)',
    )
    .option(
      '--tz <zone>',
      "IANA time zone of the hours (default: the business hours' zone, else this machine's)",
    )
    .option('--json', 'print the agent as JSON')
    .addHelpText(
      'after',
      `
Examples:
  wabox agent add asha --email asha@example.com --hours "mon-fri 09:00-17:00" --tz Asia/Kolkata
  wabox agent add "Ravi K" --hours "mon-fri 09:00-13:00,14:00-18:00 sat 10:00-14:00"

An existing name exits 1: change availability with wabox agent set, or rm and add again.`,
    )
    .action(async (name: string, flags: Omit<AgentAddOptions, 'name'>) => {
      const options = { ...flags, name };
      if (runF) return runF(options);
      const agent = await runAgentAdd(options, deps);
      emit(deps, flags, agent, (a) => `added agent ${a.name}`);
    });
}

export async function runAgentAdd(options: AgentAddOptions, deps: Deps): Promise<AgentJson> {
  const [{ parseHoursSpec, validateTimeZone }, { hoursFile }, { toAgentJson }] = await Promise.all([
    import('../../core/hours.js'),
    import('../hours/shared.js'),
    import('./json.js'),
  ]);
  const name = normalizeAgent(options.name);
  const email = options.email?.trim();
  if (email !== undefined && !EMAIL.test(email))
    throw invalidInput(`"${options.email}" is not an email address`, {
      code: 'agent.invalid_email',
      hint: 'accepted form: name@example.com',
    });
  const week = options.hours === undefined ? null : parseHoursSpec([options.hours]);
  const timeZone =
    options.tz !== undefined
      ? validateTimeZone(options.tz)
      : ((await (await hoursFile(deps)).load())?.timeZone ??
        Intl.DateTimeFormat().resolvedOptions().timeZone);
  const store = await deps.store();
  const agent = await store.addAgent({ name, email: email ?? null, week, timeZone });
  if (agent === null)
    throw new WaboxError('failure', `agent ${shellWord(name)} already exists`, {
      code: 'agent.exists',
      hint: `availability: wabox agent set ${shellWord(name)} --away; anything else: wabox agent rm ${shellWord(name)}, then add it again`,
    });
  return toAgentJson(agent, deps.clock());
}
