import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note } from '../../cli/output.js';
import { invalidInput, WaboxError } from '../../core/errors.js';
import { findTemplate, lookupKey } from '../../core/template.js';
import { templateLibrary } from './shared.js';

export interface RmOptions {
  refs: string[];
  yes?: boolean;
  json?: boolean;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('rm')
    .alias('remove')
    .description('remove templates (asks on a terminal; --yes otherwise)')
    .argument('<name|/shortcut...>', 'one or more templates')
    .option('-y, --yes', 'do not ask')
    .option('--json', 'print {removed: [names]}')
    .addHelpText(
      'after',
      `
Examples:
  wabox template rm price
  wabox template rm /price /hours --yes`,
    )
    .action(async (refs: string[], flags: Omit<RmOptions, 'refs'>) => {
      const result = await runRm({ ...flags, refs }, deps);
      emit(deps, flags, result, () => '');
      if (!flags.json && result.removed.length > 0) note(deps.io, `removed ${result.removed.join(', ')}`);
    });
}

export async function runRm(options: RmOptions, deps: Deps): Promise<{ removed: string[] }> {
  const library = templateLibrary(deps);
  // every name must exist before anything is removed
  const names = [
    ...new Set(await library.load().then((all) => options.refs.map((r) => findTemplate(all, r).name))),
  ];
  if (!options.yes) {
    if (!deps.io.canPrompt)
      throw invalidInput(`refusing to remove ${names.join(', ')} without --yes`, {
        code: 'usage.confirm',
        hint: 'pass --yes (nobody can be asked: not a terminal or --no-input)',
      });
    const prompt = await deps.prompt();
    const ok = await prompt.confirm({
      message: `Remove ${names.map((n) => `"${n}"`).join(', ')}?`,
      default: false,
    });
    if (!ok) throw new WaboxError('cancelled', 'nothing removed', { code: 'cancelled' });
  }
  const keys = new Set(names.map(lookupKey));
  await library.update((templates) => ({
    templates: templates.filter((t) => !keys.has(lookupKey(t.name))),
    result: undefined,
  }));
  return { removed: names };
}
