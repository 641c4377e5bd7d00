import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { tempPathFor } from '../../batch/files.js';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { fileError, invalidInput, WaboxError } from '../../core/errors.js';
import { checkMediaId } from './info.js';

export interface MediaDownloadOptions {
  id: string;
  output?: string;
  json?: boolean;
}

/** `media download --json`: part of the interface. */
export interface MediaDownloadResult {
  id: string;
  /** The file written; null for `-o -` (stdout). */
  path: string | null;
  mimeType: string | null;
  size: number;
  sha256: string;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('download')
    .description('download a media id to a file (checked against its SHA-256 and size)')
    .argument('<id>', 'a media id (from a webhook or an upload)')
    .option('-o, --output <file>', 'where to write it ("-" for stdout); default: <id>.<ext> here')
    .option('--json', 'print {id, path, mimeType, size, sha256}')
    .addHelpText(
      'after',
      `
Examples:
  wabox media download 1003383421387256
  wabox media download 1003383421387256 -o receipt.jpg
  wabox media download 1003383421387256 -o - | file -

The download URL the API gives expires after 5 minutes; wabox asks for a fresh one every time.`,
    )
    .action(async (id: string, flags: Omit<MediaDownloadOptions, 'id'>) => {
      const result = await runMediaDownload({ ...flags, id }, deps);
      if (result.path !== null || flags.json) emit(deps, flags, result, (r) => r.path ?? '');
    });
}

export async function runMediaDownload(
  options: MediaDownloadOptions,
  deps: Deps,
): Promise<MediaDownloadResult> {
  const id = checkMediaId(options.id);
  const toStdout = options.output === '-';
  if (toStdout && options.json)
    throw invalidInput('-o - writes the media to stdout, which --json needs: write it to a file', {
      code: 'usage.conflict',
    });
  const client = await deps.cloud();
  const info = await client.getMedia(id);
  if (info.url === null)
    throw new WaboxError('failure', `the API gave no download URL for media ${id}`, { code: 'media.no_url' });
  // loaded on use: cloud/media loads mime-types and its database
  const { extensionFor } = await import('../../cloud/media.js');
  const download = await client.downloadMedia(info.url);
  const mimeType = info.mimeType ?? download.mimeType;
  if (download.mimeType?.startsWith('text/html') && !info.mimeType?.startsWith('text/html')) {
    download.body.destroy();
    throw new WaboxError(
      'transient',
      `the media URL answered with an HTML page instead of ${info.mimeType ?? 'the media'}`,
      {
        code: 'media.html_instead_of_media',
        hint: 'try again; the URL may have expired (it lives 5 minutes)',
      },
    );
  }
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const path = toStdout
    ? null
    : (options.output ?? `${id}${extensionFor(mimeType ?? 'application/octet-stream')}`);
  const temp = path === null ? null : tempPathFor(path);
  try {
    if (temp === null) {
      meter.on('data', (chunk: Buffer) => deps.io.stdout.write(chunk));
      await pipeline(download.body, meter);
    } else {
      await pipeline(download.body, meter, createWriteStream(temp, { mode: 0o644 }));
    }
  } catch (err) {
    if (temp !== null) await rm(temp, { force: true });
    if ((err as NodeJS.ErrnoException).code?.startsWith('E')) throw fileError(err, path ?? 'stdout');
    throw new WaboxError('transient', `the download of media ${id} broke off: ${(err as Error).message}`, {
      code: 'media.download_failed',
      cause: err,
    });
  }
  const digest = hash.digest();
  const hex = digest.toString('hex');
  const problems: string[] = [];
  if (info.sha256 !== null && info.sha256 !== hex && info.sha256 !== digest.toString('base64'))
    problems.push(`its SHA-256 is ${hex}, the API said ${info.sha256}`);
  if (info.fileSize !== null && info.fileSize !== size)
    problems.push(`it is ${size} bytes, the API said ${info.fileSize}`);
  if (problems.length > 0) {
    if (temp !== null) await rm(temp, { force: true });
    throw new WaboxError('transient', `the download of media ${id} is corrupt: ${problems.join('; ')}`, {
      code: 'media.corrupt',
      hint: 'download it again',
    });
  }
  if (temp !== null && path !== null) {
    try {
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw fileError(err, path);
    }
  }
  return { id, path, mimeType, size, sha256: hex };
}
