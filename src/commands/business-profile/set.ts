import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note } from '../../cli/output.js';
import type { ProfileUpdate } from '../../cloud/profile.js';
import { profileUpdateBody } from '../../cloud/profile.js';
import { collect } from '../shared/flags.js';

export interface BusinessProfileSetOptions {
  about?: string;
  address?: string;
  description?: string;
  email?: string;
  website?: string[];
  vertical?: string;
  json?: boolean;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('set')
    .description('change fields of the business profile (the others stay as they are)')
    .option('--about <text>', 'the "About" text (1-139 characters)')
    .option('--address <text>', 'the address (at most 256 characters)')
    .option('--description <text>', 'the description (at most 256 characters)')
    .option('--email <address>', 'the contact email (at most 128 characters)')
    .option('--website <url>', 'a website, http(s):// (repeatable, at most 2; replaces the list)', collect)
    .option('--vertical <industry>', 'the industry: RESTAURANT, RETAIL, EDU, HEALTH, OTHER, …')
    .option('--json', 'print {updated: [fields], success}')
    .addHelpText(
      'after',
      `
Examples:
  wabox business-profile set --about "Fresh bread daily, 7am-7pm"
  wabox business-profile set --website https://asha.example --website https://instagram.com/asha --vertical RESTAURANT
  wabox business-profile set --email orders@asha.example --json`,
    )
    .action(async (flags: BusinessProfileSetOptions) => {
      const result = await runBusinessProfileSet(flags, deps);
      emit(deps, flags, result, () => '');
      if (!flags.json && deps.io.isStderrTTY) note(deps.io, `updated: ${result.updated.join(', ')}`);
    });
}

export async function runBusinessProfileSet(
  options: BusinessProfileSetOptions,
  deps: Deps,
): Promise<{ updated: string[]; success: boolean }> {
  const update: ProfileUpdate = {};
  if (options.about !== undefined) update.about = options.about;
  if (options.address !== undefined) update.address = options.address;
  if (options.description !== undefined) update.description = options.description;
  if (options.email !== undefined) update.email = options.email;
  if (options.website !== undefined) update.websites = options.website;
  if (options.vertical !== undefined) update.vertical = options.vertical;
  const body = profileUpdateBody(update);
  const client = await deps.cloud();
  const { success } = await client.setBusinessProfile(body);
  return { updated: Object.keys(body).filter((k) => k !== 'messaging_product'), success };
}
