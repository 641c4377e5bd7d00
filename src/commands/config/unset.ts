import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('unset')
    .description('remove one setting')
    .argument('<key>')
    .addHelpText('after', '\nExamples:\n  wabox config unset default-country\n  wabox config unset token')
    .action(async (key: string) => {
      await runConfigUnset(key, deps);
    });
}

export async function runConfigUnset(key: string, deps: Deps): Promise<boolean> {
  return (await deps.config()).unset(key);
}
