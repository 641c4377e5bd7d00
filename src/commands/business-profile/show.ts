import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { BusinessProfile } from '../../cloud/profile.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('show')
    .description('print the business profile')
    .option('--json', 'print {about, address, description, email, websites, vertical, profilePictureUrl}')
    .addHelpText('after', '\nExamples:\n  wabox business-profile show\n  wabox business-profile show --json')
    .action(async (flags: { json?: boolean }) =>
      emit(deps, flags, await runBusinessProfileShow(deps), humanBusinessProfile),
    );
}

export async function runBusinessProfileShow(deps: Deps): Promise<BusinessProfile> {
  return (await deps.cloud()).getBusinessProfile();
}

export function humanBusinessProfile(p: BusinessProfile): string {
  const row = (k: string, v: string | null) => `${k.padEnd(12)} ${v ?? '-'}`;
  return [
    row('about', p.about),
    row('description', p.description),
    row('address', p.address),
    row('email', p.email),
    row('websites', p.websites.length === 0 ? null : p.websites.join(' ')),
    row('vertical', p.vertical),
    row('picture', p.profilePictureUrl),
  ].join('\n');
}
