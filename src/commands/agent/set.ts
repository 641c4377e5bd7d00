import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { invalidInput } from '../../core/errors.js';
import { normalizeAgent } from '../../core/label.js';
import { type AgentJson, toAgentJson, unknownAgent } from './shared.js';

export interface AgentSetOptions {
  name: string;
  available?: boolean;
  away?: boolean;
  json?: boolean;
}

export type AgentSetRunner = (options: AgentSetOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: AgentSetRunner): void {
  parent
    .command('set')
    .description('mark an agent available or away')
    .argument('<name>', 'the agent')
    .option('--available', 'back: takes conversations')
    .option('--away', 'away: does not take conversations')
    .option('--json', 'print {changed, agent}')
    .addHelpText(
      'after',
      `
Examples:
  wabox agent set asha --away
  wabox agent set asha --available --json

An unknown agent exits 6.`,
    )
    .action(async (name: string, flags: Omit<AgentSetOptions, 'name'>) => {
      const options = { ...flags, name };
      if (runF) return runF(options);
      const result = await runAgentSet(options, deps);
      const state = result.agent.available ? 'available' : 'away';
      emit(deps, flags, result, (r) => `${r.agent.name}: ${r.changed ? '' : 'already '}${state}`);
    });
}

export async function runAgentSet(
  options: AgentSetOptions,
  deps: Deps,
): Promise<{ changed: boolean; agent: AgentJson }> {
  if (options.available === options.away)
    throw invalidInput(
      options.away ? 'give --available or --away, not both' : 'missing --available or --away',
      {
        code: options.away ? 'usage.conflict' : 'usage.missing_flag',
        hint: 'wabox agent set <name> --away; back with: wabox agent set <name> --available',
      },
    );
  const name = normalizeAgent(options.name);
  const result = await (await deps.store()).setAgentAvailable(name, options.available === true);
  if (result === null) throw unknownAgent(name);
  return { changed: result.changed, agent: toAgentJson(result.agent, deps.clock()) };
}
