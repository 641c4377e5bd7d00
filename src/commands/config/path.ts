import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('path')
    .description('print the config file path')
    .addHelpText('after', '\nExamples:\n  wabox config path')
    .action(async () => emit(deps, {}, (await deps.config()).path, (p) => p));
}
