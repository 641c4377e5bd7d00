// `wabox campaign status <name>`: where every recipient is, and what became of the messages since
// (delivery statuses and replies from the webhook, opt-outs, cost by pricing category).
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import type { CostSummary } from '../../core/costs.js';
import type { CampaignState, Store } from '../../store/store.js';
import { readRateCard } from '../shared/period.js';
import { findCampaign } from './shared.js';

export interface CampaignStatusOptions {
  name: string;
  /** A rate card CSV (as `wabox costs --rates`): prices the billed messages. */
  rates?: string;
}

/** Replies counted within this time of the send. */
const REPLY_WINDOW_MS = 72 * 3600_000;

/** `campaign status --json`: part of the interface, keep it stable. */
export interface CampaignStatusJson {
  name: string;
  state: CampaignState;
  template: string;
  language: string;
  rate: number;
  /** Recipients by state: pending, sending, accepted, failed, unknown (in doubt), skipped. */
  recipients: Record<string, number>;
  /** Accepted messages that reached at least this status (a read one counts as sent and delivered too). */
  delivery: { sent: number; delivered: number; read: number; failed: number };
  /** Failed recipients (at the send or by a status webhook) by error code. */
  failedByCode: Record<string, number>;
  /** Recipients who wrote back within 72 hours of their message. */
  replied: number;
  /** Recipients who stopped marketing messages after their message. */
  optedOutSince: number;
  /** Priced messages by Meta's pricing category (marketing, utility, …). */
  costByCategory: Record<string, number>;
  /** Billed, free and unknown messages by pricing category, with their cost when --rates is given. */
  cost: CostSummary;
  /** Who is sending it now, if anyone. */
  runningOn: string | null;
  createdAt: string;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('status')
    .description('a campaign: recipients by state, delivered, read, failed by code, replies, opt-outs, cost')
    .argument('<name>', 'the campaign')
    .option('--rates <file>', 'a rate card CSV, as wabox costs --rates: what the billed messages cost')
    .option('--json', 'print {recipients, delivery, failedByCode, replied, optedOutSince, cost, …}')
    .addHelpText(
      'after',
      '\nExamples:\n  wabox campaign status diwali\n  wabox campaign status diwali --rates rates.csv\n  wabox campaign status diwali --json | jq .delivery',
    )
    .action(async (name: string, flags: { json?: boolean; rates?: string }) =>
      emit(
        deps,
        flags,
        await runCampaignStatus({ name, ...(flags.rates ? { rates: flags.rates } : {}) }, deps),
        humanStatus,
      ),
    );
}

export async function runCampaignStatus(
  options: CampaignStatusOptions,
  deps: Deps,
): Promise<CampaignStatusJson> {
  const rates = options.rates === undefined ? undefined : await readRateCard(options.rates);
  const { summarizeCosts, toPricedMessage } = await import('../../core/costs.js');
  const store = await deps.store();
  const c = await findCampaign(store, options.name);
  const [counts, outcomes, priced] = await Promise.all([
    store.campaigns.counts(c.id),
    store.campaigns.outcomes(c.id, REPLY_WINDOW_MS),
    pricedSends(store, c.id, c.createdAt),
  ]);
  const s = outcomes.statuses;
  const read = s.read ?? 0;
  const delivered = read + (s.delivered ?? 0);
  const failedByCode = { ...outcomes.failures };
  const lateFailures = s.failed ?? 0;
  if (lateFailures > 0) failedByCode.webhook = (failedByCode.webhook ?? 0) + lateFailures;
  const leased =
    c.leaseOwner !== null && c.leaseUntil !== null && c.leaseUntil.getTime() > deps.clock().getTime();
  return {
    name: c.name,
    state: c.state,
    template: c.template,
    language: c.language,
    rate: c.rate,
    recipients: counts,
    delivery: { sent: delivered + (s.sent ?? 0), delivered, read, failed: lateFailures },
    failedByCode,
    replied: outcomes.replied,
    optedOutSince: outcomes.optedOutSince,
    costByCategory: outcomes.pricedByCategory,
    cost: summarizeCosts(priced.map(toPricedMessage), {
      by: 'category',
      zone: 'UTC',
      ...(rates ? { rates } : {}),
    }),
    runningOn: leased ? c.leaseOwner : null,
    createdAt: c.createdAt.toISOString(),
  };
}

/** The campaign's messages that a status webhook priced. */
async function pricedSends(store: Store, id: number, since: Date) {
  const wamids = new Set<string>();
  for (let after = 0; ; ) {
    const page = await store.campaigns.recipients(id, after, 1000);
    if (page.length === 0) break;
    for (const r of page) if (r.wamid !== null) wamids.add(r.wamid);
    after = page.at(-1)!.row;
  }
  return (await store.pricedMessages({ since })).filter((m) => wamids.has(m.id));
}

function humanStatus(s: CampaignStatusJson): string {
  const r = s.recipients;
  const lines = [
    `${s.name} (${s.state}) · ${s.template} (${s.language}) at ${s.rate}/s${s.runningOn ? ` · running on ${s.runningOn}` : ''}`,
    `recipients: ${r.accepted ?? 0} accepted, ${r.pending ?? 0} pending, ${r.failed ?? 0} failed, ${r.unknown ?? 0} in doubt, ${r.skipped ?? 0} skipped${r.sending ? `, ${r.sending} sending` : ''}`,
    `delivery:   ${s.delivery.sent} sent, ${s.delivery.delivered} delivered, ${s.delivery.read} read, ${s.delivery.failed} failed later`,
  ];
  const codes = Object.entries(s.failedByCode);
  if (codes.length > 0) lines.push(`failed by code: ${codes.map(([k, n]) => `${k} × ${n}`).join(', ')}`);
  lines.push(`replied within 72 h: ${s.replied}; opted out since: ${s.optedOutSince}`);
  const cost = Object.entries(s.costByCategory);
  if (cost.length > 0) lines.push(`priced: ${cost.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  const money = Object.entries(s.cost.total.cost);
  if (money.length > 0) {
    const unpriced =
      s.cost.total.unpriced > 0 ? ` (${s.cost.total.unpriced} billed messages have no rate)` : '';
    lines.push(`cost: ${money.map(([currency, amount]) => `${amount} ${currency}`).join(' + ')}${unpriced}`);
  }
  return lines.join('\n');
}
