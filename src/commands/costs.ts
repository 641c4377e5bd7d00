// `wabox costs`: what Meta says it charges for the messages wabox sent, from the pricing the status
// webhooks carried (billable, free, unknown), priced with a rate card of your own when given.
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit, note } from '../cli/output.js';
import type { CostGrouping, CostRow, CostSummary } from '../core/costs.js';
import { invalidInput } from '../core/errors.js';
import { parseTimeFlag, readRateCard } from './shared/period.js';
import { alignColumns } from './shared/table.js';

export interface CostsOptions {
  since?: string;
  by?: string;
  rates?: string;
  json?: boolean;
}

export type CostsRunner = (options: CostsOptions) => Promise<void>;

export function register(program: Command, deps: Deps, runF?: CostsRunner): void {
  program
    .command('costs')
    .description('billable and free messages sent, from the pricing Meta reports on statuses')
    .option('--since <when>', 'a time or a duration back from now (default 30d)')
    .option('--by <grouping>', 'category, country, day, campaign or reason (default category)')
    .option('--rates <file>', 'a rate card CSV: country,category,price,currency (country * for any other)')
    .option('--json', 'print {by, since, rows, total} as JSON')
    .addHelpText(
      'after',
      `
Examples:
  wabox costs
  wabox costs --since 7d --by day
  wabox costs --by country --rates rates.csv --json

A message counts once a status webhook carried its pricing (wabox webhook serve). "reason" is send for
a person's message (send, reply) and autoreply:<kind> for an automatic reply. Days are in the local
time zone. Without --rates only the counts are shown.`,
    )
    .action(async (flags: CostsOptions) => {
      if (runF) return runF(flags);
      const result = await runCosts(flags, deps);
      if (!flags.json && result.total.billable + result.total.free + result.total.unknown === 0)
        note(deps.io, 'no priced messages in the store for this period');
      emit(deps, flags, result, human);
    });
}

export async function runCosts(options: CostsOptions, deps: Deps): Promise<CostSummary & { since: string }> {
  const { COST_GROUPINGS, summarizeCosts, toPricedMessage } = await import('../core/costs.js');
  const by = (options.by ?? 'category') as CostGrouping;
  if (!COST_GROUPINGS.includes(by))
    throw invalidInput(`--by must be one of ${COST_GROUPINGS.join(', ')}, got "${options.by}"`, {
      code: 'usage.bad_by',
    });
  const since = await parseTimeFlag('--since', options.since ?? '30d', deps.clock());
  const rates = options.rates === undefined ? undefined : await readRateCard(options.rates);
  const { systemTimeZone } = await import('./template/shared.js');
  const store = await deps.store();
  const messages = (await store.pricedMessages({ since })).map(toPricedMessage);
  const summary = summarizeCosts(messages, { by, zone: systemTimeZone(), ...(rates ? { rates } : {}) });
  return { ...summary, since: since.toISOString() };
}

function human(r: CostSummary): string {
  const priced = [...r.rows, r.total].some((row) => Object.keys(row.cost).length > 0 || row.unpriced > 0);
  const head = [r.by.toUpperCase(), 'BILLABLE', 'FREE', 'UNKNOWN', ...(priced ? ['COST', 'UNPRICED'] : [])];
  const cells = (row: CostRow) => [
    row.key,
    String(row.billable),
    String(row.free),
    String(row.unknown),
    ...(priced
      ? [
          Object.entries(row.cost)
            .map(([currency, amount]) => `${amount} ${currency}`)
            .join(' + ') || '-',
          String(row.unpriced),
        ]
      : []),
  ];
  const table = [head, ...r.rows.map(cells), cells(r.total)];
  return alignColumns(table);
}
