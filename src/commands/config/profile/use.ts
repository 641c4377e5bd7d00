import type { Command } from 'commander';
import type { Deps } from '../../../cli/deps.js';
import { note } from '../../../cli/output.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('use')
    .description('make a profile the active one (saved in the config file)')
    .argument('<name>')
    .addHelpText('after', '\nExamples:\n  wabox config profile use shop2\n  wabox config profile use default')
    .action(async (name: string) => {
      await runProfileUse(name, deps);
      if (deps.io.isStderrTTY) note(deps.io, `now using profile "${name}"`);
    });
}

export async function runProfileUse(name: string, deps: Deps): Promise<void> {
  (await deps.config()).useProfile(name);
}
