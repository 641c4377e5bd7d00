import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { WaboxError } from '../../core/errors.js';
import { checkMediaId } from './info.js';

export interface MediaRmOptions {
  id: string;
  yes?: boolean;
  json?: boolean;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('rm')
    .description('delete an uploaded media id (asks on a terminal; --yes otherwise)')
    .argument('<id>', 'the media id')
    .option('-y, --yes', 'do not ask')
    .option('--json', 'print {id, deleted}')
    .addHelpText(
      'after',
      '\nExamples:\n  wabox media rm 1003383421387256\n  wabox media rm 1003383421387256 --yes --json',
    )
    .action(async (id: string, flags: Omit<MediaRmOptions, 'id'>) =>
      emit(deps, flags, await runMediaRm({ ...flags, id }, deps), () => ''),
    );
}

export async function runMediaRm(
  options: MediaRmOptions,
  deps: Deps,
): Promise<{ id: string; deleted: boolean }> {
  const id = checkMediaId(options.id);
  if (!options.yes) {
    if (!deps.io.canPrompt)
      throw new WaboxError('invalid-input', `refusing to delete media ${id} without --yes`, {
        code: 'usage.confirm',
        hint: 'pass --yes (nobody can be asked: not a terminal or --no-input)',
      });
    const ok = await (await deps.prompt()).confirm({ message: `Delete media ${id}?`, default: false });
    if (!ok) throw new WaboxError('cancelled', 'not deleted', { code: 'cancelled' });
  }
  const client = await deps.cloud();
  const { success } = await client.deleteMedia(id);
  return { id, deleted: success };
}
