// `wabox db purge --older-than 365d [--dry-run] [--yes]`: erase the content of old messages (text, media
// ids and captions, bodies) and of their statuses and raw webhook parts; contacts, conversations and every
// message row (direction, type, time, status) stay, so counts and the inbox hold.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { parseDuration } from '../../core/duration.js';
import { invalidInput } from '../../core/errors.js';
import type { PurgeResult } from '../../store/store.js';
import { confirmOrCancel, requireConsent } from '../shared/confirm.js';

export interface DbPurgeOptions {
  olderThan: string;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
}

export type DbPurgeRunner = (options: DbPurgeOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: DbPurgeRunner): void {
  parent
    .command('purge')
    .description('erase the content of messages older than an age; contacts, conversations and counts stay')
    .requiredOption('--older-than <age>', 'how old: 365d, 52w, 2160h (days d, weeks w, hours h, ...)')
    .option('--dry-run', 'say what would be erased, change nothing')
    .option('-y, --yes', 'do not ask (needed when nobody can be asked: a pipe, --no-input)')
    .option('--json', 'print {before, dryRun, messages, media, statusEvents, rawEvents}')
    .addHelpText(
      'after',
      `
Examples:
  wabox db purge --older-than 365d --dry-run
  wabox db purge --older-than 365d --yes --json
  wabox db purge --older-than 26w

Erased: the text and payload of each message sent or received before then (media ids, captions,
bodies), the payloads of their delivery statuses, and webhook parts wabox kept raw (account events
aside). Kept: each message row (direction, type, time, status, pricing), contacts, conversations, labels
and notes. wabox keeps no media files itself: files you downloaded with \`wabox media download\` are
where you put them.`,
    )
    .action(async (flags: DbPurgeOptions) => {
      if (runF) return runF(flags);
      emit(deps, flags, await runDbPurge(flags, deps), human);
    });
}

export async function runDbPurge(options: DbPurgeOptions, deps: Deps): Promise<PurgeResult> {
  const age = parseDuration(options.olderThan);
  if (age === null || age <= 0)
    throw invalidInput(`--older-than: "${options.olderThan}" is not an age`, {
      code: 'usage.bad_duration',
      hint: 'write it as 365d, 52w or 2160h',
    });
  const dryRun = options.dryRun === true;
  if (!dryRun) requireConsent(deps, options.yes, 'erase message content');
  const before = new Date(deps.clock().getTime() - age);
  const store = await deps.store();
  if (dryRun) return store.purgeContent(before, { dryRun: true });
  if (!options.yes) {
    const planned = await store.purgeContent(before, { dryRun: true });
    await confirmOrCancel(
      deps,
      false,
      `Erase the content of ${planned.messages} messages from before ${planned.before}?`,
    );
  }
  return store.purgeContent(before);
}

function human(r: PurgeResult): string {
  return `${r.dryRun ? 'would erase' : 'erased'} the content of ${r.messages} messages (${r.media} with media), ${r.statusEvents} status payloads and ${r.rawEvents} raw webhook parts from before ${r.before}`;
}
