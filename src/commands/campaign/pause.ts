import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { note } from '../../cli/output.js';
import { invalidInput } from '../../core/errors.js';
import { findCampaign } from './shared.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('pause')
    .description('pause a campaign: a run sending it stops after the messages in flight')
    .argument('<name>', 'the campaign')
    .addHelpText('after', '\nExamples:\n  wabox campaign pause diwali\n  wabox campaign resume diwali')
    .action(async (name: string) => {
      await runCampaignPause({ name }, deps);
      note(deps.io, `${name} paused; go on with: wabox campaign resume ${name}`);
    });
}

export async function runCampaignPause(options: { name: string }, deps: Deps): Promise<void> {
  const store = await deps.store();
  const c = await findCampaign(store, options.name);
  if (!(await store.campaigns.setState(c.id, ['ready', 'running'], 'paused')))
    throw invalidInput(`campaign ${c.name} is ${c.state}: only a ready or running one can be paused`, {
      code: 'campaign.not_pausable',
    });
}
