import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { normalizeAgent } from '../../core/label.js';
import { unknownAgent } from './shared.js';

export interface AgentRmOptions {
  name: string;
  json?: boolean;
}

export type AgentRmRunner = (options: AgentRmOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: AgentRmRunner): void {
  parent
    .command('rm')
    .description('remove an agent (conversations assigned to it keep their assignee)')
    .argument('<name>', 'the agent')
    .option('--json', 'print {removed}')
    .addHelpText(
      'after',
      `
Examples:
  wabox agent rm asha
  wabox inbox --assigned asha        # what was theirs: reassign with wabox assign

An unknown agent exits 6.`,
    )
    .action(async (name: string, flags: Omit<AgentRmOptions, 'name'>) => {
      const options = { ...flags, name };
      if (runF) return runF(options);
      const result = await runAgentRm(options, deps);
      emit(deps, flags, result, (r) => `removed agent ${r.removed}`);
    });
}

export async function runAgentRm(options: AgentRmOptions, deps: Deps): Promise<{ removed: string }> {
  const name = normalizeAgent(options.name);
  if (!(await (await deps.store()).removeAgent(name))) throw unknownAgent(name);
  return { removed: name };
}
