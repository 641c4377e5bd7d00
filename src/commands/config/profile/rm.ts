import type { Command } from 'commander';
import type { Deps } from '../../../cli/deps.js';
import { note } from '../../../cli/output.js';
import { invalidInput, notFound } from '../../../core/errors.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('rm')
    .alias('remove')
    .description('delete a profile and its settings (asks first; --yes when it cannot ask)')
    .argument('<name>')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      '\nExamples:\n  wabox config profile rm shop2\n  wabox config profile rm shop2 --yes',
    )
    .action(async (name: string, flags: { yes?: boolean }) => {
      const removed = await runProfileRm(name, flags, deps);
      if (removed && deps.io.isStderrTTY) note(deps.io, `removed profile "${name}"`);
    });
}

/** Returns false when the user declined at the prompt. */
export async function runProfileRm(name: string, flags: { yes?: boolean }, deps: Deps): Promise<boolean> {
  const config = await deps.config();
  // the same checks removeProfile makes, before asking anything
  if (name === config.activeProfile)
    throw invalidInput(`profile "${name}" is the active profile`, {
      code: 'config.profile_in_use',
      hint: 'switch first: wabox config profile use <other>',
    });
  if (!config.hasProfile(name))
    throw notFound(`no profile named "${name}"`, {
      code: 'config.unknown_profile',
      hint: 'list them with: wabox config profile list',
    });
  if (!flags.yes) {
    if (!deps.io.canPrompt)
      throw invalidInput(`removing profile "${name}" deletes its settings: pass --yes to confirm`, {
        code: 'usage.confirm',
        hint: `wabox config profile rm ${name} --yes`,
      });
    const ok = await (await deps.prompt()).confirm({
      message: `Delete profile "${name}" and all its settings?`,
      default: false,
    });
    if (!ok) {
      note(deps.io, 'nothing removed');
      return false;
    }
  }
  config.removeProfile(name);
  return true;
}
