import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { CampaignCounts, CampaignState } from '../../store/store.js';

/** `campaign list --json`: part of the interface, keep it stable. */
export interface CampaignListItem {
  name: string;
  state: CampaignState;
  template: string;
  language: string;
  rate: number;
  recipients: CampaignCounts;
  createdAt: string;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('list')
    .alias('ls')
    .description('every campaign, newest first: state, template, recipients sent and left')
    .option('--json', 'print an array of {name, state, template, language, rate, recipients, createdAt}')
    .addHelpText(
      'after',
      '\nExamples:\n  wabox campaign list\n  wabox campaign list --json | jq -r \'.[] | select(.state == "paused") | .name\'',
    )
    .action(async (flags: { json?: boolean }) =>
      emit(deps, flags, await runCampaignList(deps), (rows) =>
        rows
          .map((c) =>
            [
              c.name,
              c.state,
              `${c.template} (${c.language})`,
              `${c.recipients.accepted}/${c.recipients.accepted + c.recipients.pending + c.recipients.failed + c.recipients.unknown} sent`,
              `${c.recipients.failed} failed`,
            ].join('\t'),
          )
          .join('\n'),
      ),
    );
}

export async function runCampaignList(deps: Deps): Promise<CampaignListItem[]> {
  const store = await deps.store();
  const out: CampaignListItem[] = [];
  for (const c of await store.campaigns.list())
    out.push({
      name: c.name,
      state: c.state,
      template: c.template,
      language: c.language,
      rate: c.rate,
      recipients: await store.campaigns.counts(c.id),
      createdAt: c.createdAt.toISOString(),
    });
  return out;
}
