import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { MediaInfo } from '../../cloud/client.js';
import { invalidInput } from '../../core/errors.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('info')
    .description('show a media id: type, size, SHA-256 and a download URL (valid 5 minutes)')
    .argument('<id>', 'a media id (from an upload or a webhook)')
    .option('--json', 'print {id, url, mimeType, sha256, fileSize}')
    .addHelpText(
      'after',
      '\nExamples:\n  wabox media info 1003383421387256\n  wabox media info 1003383421387256 --json',
    )
    .action(async (id: string, flags: { json?: boolean }) =>
      emit(deps, flags, await runMediaInfo({ id }, deps), (r) =>
        [
          `id        ${r.id}`,
          `type      ${r.mimeType ?? '-'}`,
          `size      ${r.fileSize ?? '-'}`,
          `sha256    ${r.sha256 ?? '-'}`,
          `url       ${r.url ?? '-'}`,
        ].join('\n'),
      ),
    );
}

export async function runMediaInfo(options: { id: string }, deps: Deps): Promise<MediaInfo> {
  const client = await deps.cloud();
  const info = await client.getMedia(checkMediaId(options.id));
  // the URL is printed: a secret the API put into it (an access_token parameter) is not
  return { ...info, url: info.url === null ? null : deps.mask(info.url) };
}

export function checkMediaId(id: string): string {
  if (!/^\d{1,30}$/.test(id.trim()))
    throw invalidInput(`"${id}" is not a media id (digits, from wabox media upload or a webhook)`, {
      code: 'media.bad_id',
    });
  return id.trim();
}
