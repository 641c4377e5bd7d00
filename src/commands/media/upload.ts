import { type Command, Option } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { MediaKind } from '../../cloud/media.js';

export interface MediaUploadOptions {
  file: string;
  type?: MediaKind;
  json?: boolean;
}

/** `media upload --json`: part of the interface. */
export interface MediaUploadResult {
  id: string;
  file: string;
  kind: MediaKind;
  mimeType: string;
  size: number;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('upload')
    .description('upload a file and print its media id (type and size checked first)')
    .argument(
      '<file>',
      'JPEG/PNG image, MP4/3GP video, AAC/AMR/MP3/M4A/OGG audio, PDF/TXT/Office document, WebP sticker',
    )
    .addOption(
      new Option('--type <kind>', 'what it will be sent as (default: from the file type)').choices([
        'image',
        'video',
        'audio',
        'document',
        'sticker',
      ]),
    )
    .option('--json', 'print {id, file, kind, mimeType, size}')
    .addHelpText(
      'after',
      `
Examples:
  wabox media upload menu.jpg
  id=$(wabox media upload invoice.pdf) && wabox send +919876543210 --document "$id" --filename invoice.pdf
  wabox media upload notes.txt --type document --json`,
    )
    .action(async (file: string, flags: Omit<MediaUploadOptions, 'file'>) =>
      emit(deps, flags, await runMediaUpload({ ...flags, file }, deps), (r) => r.id),
    );
}

export async function runMediaUpload(options: MediaUploadOptions, deps: Deps): Promise<MediaUploadResult> {
  // loaded on use: cloud/media loads mime-types and its database
  const { inspectMediaFile } = await import('../../cloud/media.js');
  const file = await inspectMediaFile(options.file, options.type);
  const client = await deps.cloud();
  const { id } = await client.uploadMedia(file);
  return { id, file: options.file, kind: file.kind, mimeType: file.mimeType, size: file.size };
}
