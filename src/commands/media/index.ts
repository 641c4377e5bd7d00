// `wabox media <verb>`: media on the Cloud API (uploads live 30 days; ids from webhooks 7 days).
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as download from './download.js';
import * as info from './info.js';
import * as rm from './rm.js';
import * as upload from './upload.js';

export function register(program: Command, deps: Deps): void {
  const media = program
    .command('media')
    .description('upload, inspect, download and delete media on the Cloud API')
    .addHelpText(
      'after',
      `
Examples:
  wabox media upload menu.jpg
  wabox media info 1003383421387256
  wabox media download 1003383421387256 -o photo.jpg
  wabox media rm 1003383421387256 --yes

Uploaded media is kept 30 days; media ids from webhooks expire after 7 days.`,
    );
  upload.register(media, deps);
  info.register(media, deps);
  download.register(media, deps);
  rm.register(media, deps);
}
