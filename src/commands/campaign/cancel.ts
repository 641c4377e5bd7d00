import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { note } from '../../cli/output.js';
import { invalidInput } from '../../core/errors.js';
import { confirmOrCancel, requireConsent } from '../shared/confirm.js';
import { findCampaign } from './shared.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('cancel')
    .description('cancel a campaign for good: nothing more is sent (a running run stops)')
    .argument('<name>', 'the campaign')
    .option('-y, --yes', 'do not ask')
    .addHelpText('after', '\nExamples:\n  wabox campaign cancel diwali\n  wabox campaign cancel diwali --yes')
    .action(async (name: string, flags: { yes?: boolean }) => {
      requireConsent(deps, flags.yes, `cancel campaign ${name}`);
      await runCampaignCancel({ name, yes: flags.yes }, deps);
      note(deps.io, `${name} cancelled`);
    });
}

export async function runCampaignCancel(options: { name: string; yes?: boolean }, deps: Deps): Promise<void> {
  const store = await deps.store();
  const c = await findCampaign(store, options.name);
  await confirmOrCancel(
    deps,
    options.yes,
    `Cancel campaign ${c.name}? Its pending recipients will never be sent to.`,
  );
  if (!(await store.campaigns.setState(c.id, ['ready', 'running', 'paused'], 'cancelled')))
    throw invalidInput(`campaign ${c.name} is ${c.state} already`, { code: 'campaign.not_cancellable' });
}
