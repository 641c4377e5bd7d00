// `wabox campaign report <name> --csv`: one row per recipient with its state, error, wamid, delivery
// status and times, read page by page so a large campaign is never held in memory.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { csvLine } from '../../core/csv.js';
import { invalidInput } from '../../core/errors.js';
import { findCampaign } from './shared.js';

const PAGE = 1000;
const COLUMNS = [
  'row',
  'wa_id',
  'state',
  'reason',
  'error_code',
  'wamid',
  'attempts',
  'sent_at',
  'delivery',
  'updated_at',
];

export function register(parent: Command, deps: Deps): void {
  parent
    .command('report')
    .description('every recipient of a campaign as CSV: state, error, wamid, delivery status, times')
    .argument('<name>', 'the campaign')
    .option('--csv', 'CSV (the only format; the flag says what you get)')
    .option('--json', 'NDJSON instead: one object per recipient')
    .addHelpText(
      'after',
      `\nExamples:\n  wabox campaign report diwali --csv > diwali.csv\n  wabox campaign report diwali --json | jq -c 'select(.state == "unknown")'\n\nColumns: ${COLUMNS.join(', ')}`,
    )
    .action(async (name: string, flags: { csv?: boolean; json?: boolean }) => {
      if (flags.csv && flags.json)
        throw invalidInput('give --csv or --json, not both', { code: 'usage.conflicting_flags' });
      await runCampaignReport({ name, json: flags.json === true }, deps);
    });
}

export async function runCampaignReport(options: { name: string; json: boolean }, deps: Deps): Promise<void> {
  const store = await deps.store();
  const c = await findCampaign(store, options.name);
  const out = deps.io.stdout;
  if (!options.json) out.write(`${csvLine(COLUMNS)}\n`);
  for (let after = 0; ; ) {
    const page = await store.campaigns.recipients(c.id, after, PAGE);
    if (page.length === 0) break;
    const wamids = page.map((r) => r.wamid).filter((w): w is string => w !== null);
    const delivery = new Map((await store.getMessages(wamids)).map((m) => [m.id, m.status]));
    const lines: string[] = [];
    for (const r of page) {
      after = r.row;
      const row = {
        row: r.row,
        waId: r.waId,
        state: r.state,
        reason: r.reason,
        errorCode: r.errorCode,
        wamid: r.wamid,
        attempts: r.attempts,
        sentAt: r.sentAt?.toISOString() ?? null,
        delivery: r.wamid === null ? null : (delivery.get(r.wamid) ?? null),
        updatedAt: r.updatedAt.toISOString(),
      };
      lines.push(
        options.json
          ? JSON.stringify(row)
          : csvLine(Object.values(row).map((v) => (v === null ? '' : String(v)))),
      );
    }
    out.write(`${lines.join('\n')}\n`);
  }
}
