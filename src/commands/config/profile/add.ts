import type { Command } from 'commander';
import type { Deps } from '../../../cli/deps.js';
import { note } from '../../../cli/output.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('add')
    .description('create an empty profile')
    .argument('<name>', '1-40 letters, digits, _ . or -')
    .option('--use', 'also make it the active profile')
    .addHelpText(
      'after',
      '\nExamples:\n  wabox config profile add shop2\n  wabox config profile add staging --use',
    )
    .action(async (name: string, flags: { use?: boolean }) => {
      await runProfileAdd(name, flags, deps);
      note(
        deps.io,
        flags.use
          ? `added profile "${name}" and made it active`
          : `added profile "${name}"; use it with --profile ${name}, or make it active: wabox config profile use ${name}`,
      );
    });
}

export async function runProfileAdd(name: string, flags: { use?: boolean }, deps: Deps): Promise<void> {
  const config = await deps.config();
  config.addProfile(name);
  if (flags.use) config.useProfile(name);
}
