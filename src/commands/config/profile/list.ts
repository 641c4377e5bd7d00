import type { Command } from 'commander';
import type { Deps } from '../../../cli/deps.js';
import { emit } from '../../../cli/output.js';

export interface ProfileEntry {
  name: string;
  active: boolean;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('list')
    .alias('ls')
    .description('every profile; * marks the one in use')
    .option('--json', 'print an array of {name, active}')
    .addHelpText('after', '\nExamples:\n  wabox config profile list\n  wabox config profile list --json')
    .action(async (flags: { json?: boolean }) =>
      emit(deps, flags, await runProfileList(deps), (list) =>
        list.map((p) => `${p.active ? '*' : ' '} ${p.name}`).join('\n'),
      ),
    );
}

export async function runProfileList(deps: Deps): Promise<ProfileEntry[]> {
  return (await deps.config()).profiles();
}
