import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note } from '../../cli/output.js';
import { oneLine } from '../../core/text.js';
import { alignColumns } from '../shared/table.js';
import type { AgentJson } from './json.js';

export interface AgentListOptions {
  json?: boolean;
}

export type AgentListRunner = (options: AgentListOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: AgentListRunner): void {
  parent
    .command('list')
    .description('every agent: available or away, and whether now is within their hours')
    .option('--json', 'print an array of agents as JSON')
    .addHelpText(
      'after',
      `
Examples:
  wabox agent list
  wabox agent list --json

In a pipe, one tab-separated line per agent: name, email, available|away, in-hours|off-hours,
hours (specs joined with "; ", or "always"), time zone.`,
    )
    .action(async (flags: AgentListOptions) => {
      if (runF) return runF(flags);
      const agents = await runAgentList(flags, deps);
      if (!flags.json && agents.length === 0)
        note(deps.io, 'no agents; add one with: wabox agent add <name>');
      emit(deps, flags, agents, (list) => {
        const rows = list.map(cells);
        if (!deps.io.isStdoutTTY) return rows.map((r) => r.join('\t')).join('\n');
        return alignColumns([['NAME', 'EMAIL', 'STATUS', 'NOW', 'HOURS', 'TIME ZONE'], ...rows]);
      });
    });
}

export async function runAgentList(_options: AgentListOptions, deps: Deps): Promise<AgentJson[]> {
  const { toAgentJson } = await import('./json.js');
  const agents = await (await deps.store()).listAgents();
  const now = deps.clock();
  return agents.map((a) => toAgentJson(a, now));
}

function cells(a: AgentJson): string[] {
  return [
    a.name,
    a.email ?? '-',
    a.available ? 'available' : 'away',
    a.withinHours ? 'in-hours' : 'off-hours',
    a.hours === null ? 'always' : a.hours.join('; '),
    a.timeZone,
  ].map(oneLine);
}
