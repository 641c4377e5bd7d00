import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { invalidInput } from '../../core/errors.js';
import { addRunOptions, type CampaignRunOptions, checkRunFlags, runAndPrint } from './run.js';
import { findCampaign } from './shared.js';

export function register(parent: Command, deps: Deps): void {
  addRunOptions(
    parent
      .command('resume')
      .description('resume a paused campaign and send the rest (as campaign run)')
      .argument('<name>', 'the campaign'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  wabox campaign resume diwali\n  wabox campaign resume diwali --rate 40',
    )
    .action(async (name: string, flags: Omit<CampaignRunOptions, 'name'>) => {
      const options = { ...flags, name };
      checkRunFlags(options);
      if (!options.dryRun) await runCampaignResume({ name }, deps);
      await runAndPrint(options, deps);
    });
}

/** paused → ready, so that run may send it. */
export async function runCampaignResume(options: { name: string }, deps: Deps): Promise<void> {
  const store = await deps.store();
  const c = await findCampaign(store, options.name);
  if (c.state === 'ready' || c.state === 'running') return;
  if (!(await store.campaigns.setState(c.id, ['paused'], 'ready')))
    throw invalidInput(`campaign ${c.name} is ${c.state}: only a paused one can be resumed`, {
      code: 'campaign.not_resumable',
    });
}
