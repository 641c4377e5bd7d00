import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { AssignPolicy } from '../../core/assign.js';
import { invalidInput } from '../../core/errors.js';
import { normalizeAgent } from '../../core/label.js';
import type { AgentJson } from './json.js';
import { unknownAgent } from './shared.js';

export interface AgentSetOptions {
  name: string;
  available?: boolean;
  away?: boolean;
  reassign?: boolean;
  json?: boolean;
}

/** A conversation taken from the agent, and who has it now (null: nobody). */
export interface ReassignedJson {
  waId: string;
  assignee: string | null;
}

export type AgentSetRunner = (options: AgentSetOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: AgentSetRunner): void {
  parent
    .command('set')
    .description('mark an agent available or away')
    .argument('<name>', 'the agent')
    .option('--available', 'back: takes conversations')
    .option('--away', 'away: does not take conversations')
    .option(
      '--reassign',
      'with --away: hand their open conversations to the others, as `assign` does (manual: unassigned)',
    )
    .option('--json', 'print {changed, agent, reassigned: [{waId, assignee}]}')
    .addHelpText(
      'after',
      `
Examples:
  wabox agent set asha --away
  wabox agent set asha --away --reassign     # her open conversations go to whoever is in
  wabox agent set asha --available --json

Going away keeps an agent's conversations unless --reassign: each open one then goes to the agent the
\`assign\` policy picks among those available and within their hours, the longest-quiet first; with
\`manual\`, or nobody in, it becomes unassigned (wabox inbox --unassigned). An unknown agent exits 6.`,
    )
    .action(async (name: string, flags: Omit<AgentSetOptions, 'name'>) => {
      const options = { ...flags, name };
      if (runF) return runF(options);
      const result = await runAgentSet(options, deps);
      const state = result.agent.available ? 'available' : 'away';
      emit(
        deps,
        flags,
        result,
        (r) =>
          `${r.agent.name}: ${r.changed ? '' : 'already '}${state}${reassignedLine(r.reassigned, flags)}`,
      );
    });
}

export async function runAgentSet(
  options: AgentSetOptions,
  deps: Deps,
): Promise<{ changed: boolean; agent: AgentJson; reassigned: ReassignedJson[] }> {
  const { toAgentJson } = await import('./json.js');
  if (options.reassign && !options.away)
    throw invalidInput('--reassign goes with --away', {
      code: 'usage.conflict',
      hint: 'wabox agent set <name> --away --reassign',
    });
  if (options.available === options.away)
    throw invalidInput(
      options.away ? 'give --available or --away, not both' : 'missing --available or --away',
      {
        code: options.away ? 'usage.conflict' : 'usage.missing_flag',
        hint: 'wabox agent set <name> --away; back with: wabox agent set <name> --available',
      },
    );
  const name = normalizeAgent(options.name);
  const store = await deps.store();
  const result = await store.setAgentAvailable(name, options.available === true);
  if (result === null) throw unknownAgent(name);
  const reassigned = options.reassign
    ? await store.reassignConversations(name, await assignPolicy(deps), deps.clock())
    : [];
  return { changed: result.changed, agent: toAgentJson(result.agent, deps.clock()), reassigned };
}

async function assignPolicy(deps: Deps): Promise<AssignPolicy> {
  // loaded on use: config/settings loads conf
  const { resolveSetting } = await import('../../config/settings.js');
  return ((await resolveSetting(deps, 'assign')) ?? 'manual') as AssignPolicy;
}

/** `; 3 conversations reassigned (ravi 2, unassigned 1)`, or nothing without --reassign. */
function reassignedLine(reassigned: readonly ReassignedJson[], flags: { reassign?: boolean }): string {
  if (!flags.reassign) return '';
  const counts = new Map<string, number>();
  for (const r of reassigned)
    counts.set(r.assignee ?? 'unassigned', (counts.get(r.assignee ?? 'unassigned') ?? 0) + 1);
  const who = [...counts].map(([name, n]) => `${name} ${n}`).join(', ');
  const n = reassigned.length;
  return `; ${n} conversation${n === 1 ? '' : 's'} reassigned${n > 0 ? ` (${who})` : ''}`;
}
