// `wabox report`: how fast the team answers, how long conversations take, when customers write, which
// refs and campaigns brought conversations, how satisfied customers are, and what the period cost; as
// JSON or one self-contained HTML file.
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit, note } from '../cli/output.js';
import { invalidInput } from '../core/errors.js';
import type { CsatStats, Report } from '../core/report.js';
import { formatDuration } from '../core/text.js';
import { parseTimeFlag, readRateCard } from './shared/period.js';

export interface ReportOptions {
  since?: string;
  until?: string;
  agent?: string;
  campaign?: string;
  customerLabel?: string;
  rates?: string;
  html?: string;
  json?: boolean;
}

export type ReportRunner = (options: ReportOptions) => Promise<void>;

export const DEFAULT_CUSTOMER_LABEL = 'customer';

export function register(program: Command, deps: Deps, runF?: ReportRunner): void {
  program
    .command('report')
    .description(
      'response times, volume, campaigns, satisfaction and costs of a period, as JSON or an HTML file',
    )
    .option('--since <when>', 'a time or a duration back from now (default 30d)')
    .option('--until <when>', 'the end of the period: a time or a duration back from now (default now)')
    .option('--agent <name>', 'only conversations assigned to this agent')
    .option(
      '--campaign <name>',
      "only conversations with this campaign's ref (a campaign name or a link ref)",
    )
    .option('--customer-label <label>', `the label that marks a customer (default ${DEFAULT_CUSTOMER_LABEL})`)
    .option('--rates <file>', 'a rate card CSV (as for wabox costs) to show what the period cost')
    .option(
      '--html <file>',
      'write the report as one self-contained HTML file (no network needed to view it)',
    )
    .option('--json', 'print the report as JSON: every figure of the HTML')
    .addHelpText(
      'after',
      `
Examples:
  wabox report --since 7d
  wabox report --since 30d --html report.html
  wabox report --since 2026-11-01 --until 2026-12-01 --agent priya --json
  wabox report --campaign diwali --customer-label paid --html diwali.html

Days and hours are in the business hours' time zone (wabox hours), else the machine's. First response and
resolution times count only business hours when they are set; the target is sla.first-response (wabox
config set sla.first-response 15m). Agents are the conversations' assignees now; for satisfaction
(wabox autoreply set csat on), the assignee when the conversation was resolved.`,
    )
    .action(async (flags: ReportOptions) => {
      if (runF) return runF(flags);
      const report = await runReport(flags, deps);
      if (flags.html !== undefined) note(deps.io, `wrote ${flags.html}`);
      if (flags.json || flags.html === undefined) emit(deps, flags, report, human);
    });
}

export async function runReport(options: ReportOptions, deps: Deps): Promise<Report> {
  const now = deps.clock();
  const since = await parseTimeFlag('--since', options.since ?? '30d', now);
  const until = options.until === undefined ? now : await parseTimeFlag('--until', options.until, now);
  if (until.getTime() <= since.getTime())
    throw invalidInput(`--until (${until.toISOString()}) is not after --since (${since.toISOString()})`, {
      code: 'usage.bad_period',
    });
  const [{ normalizeAgent, normalizeLabel }, { buildReport }, { reportInputs }, { loadSla }] =
    await Promise.all([
      import('../core/label.js'),
      import('../core/report.js'),
      import('../store/report.js'),
      import('./inbox/shared.js'),
    ]);
  const agent = options.agent === undefined ? undefined : normalizeAgent(options.agent);
  const customerLabel = normalizeLabel(options.customerLabel ?? DEFAULT_CUSTOMER_LABEL);
  const rates = options.rates === undefined ? undefined : await readRateCard(options.rates);
  const assets = options.html === undefined ? undefined : await readAssets();
  const { systemTimeZone } = await import('./template/shared.js');
  const sla = await loadSla(deps);
  const store = await deps.store();
  const report = buildReport(await reportInputs(store, since, until), {
    since,
    until,
    zone: sla.hours?.timeZone ?? systemTimeZone(),
    hours: sla.hours,
    targetMs: sla.targetMs,
    agent,
    campaign: options.campaign,
    customerLabel,
    rates,
    generatedAt: now,
  });
  if (options.html !== undefined && assets !== undefined) {
    const [{ renderReportHtml }, { writeFileAtomic }] = await Promise.all([
      import('../core/report-html.js'),
      import('../cli/files.js'),
    ]);
    await writeFileAtomic(options.html, renderReportHtml(report, assets));
  }
  return report;
}

/** uPlot from the installed package, to inline into the page. */
async function readAssets(): Promise<{ uplotJs: string; uplotCss: string }> {
  const [{ createRequire }, { readFile }] = await Promise.all([
    import('node:module'),
    import('node:fs/promises'),
  ]);
  const require = createRequire(import.meta.url);
  const read = (file: string) => readFile(require.resolve(`uplot/dist/${file}`), 'utf8');
  const [uplotJs, uplotCss] = await Promise.all([read('uPlot.iife.min.js'), read('uPlot.min.css')]);
  return { uplotJs, uplotCss };
}

function csatLine(c: CsatStats): string {
  if (c.questions === 0) return 'no questions';
  const rate = c.responseRate === null ? '' : ` (${Math.round(c.responseRate * 100)}%)`;
  const average = c.averageScore === null ? '-' : c.averageScore.toFixed(1);
  return `average ${average}/5, ${c.answered} of ${c.asked} asked answered${rate}, ${c.skipped} skipped, ${c.pending} pending`;
}

function human(r: Report): string {
  const t = r.totals;
  const fr = t.firstResponse;
  const d = (s: number | null) => (s === null ? '-' : formatDuration(s * 1000));
  return [
    `${r.since} to ${r.until} (${r.zone})`,
    `conversations     ${t.conversations} (${t.started} started)`,
    `messages          ${t.inbound} in; out ${t.outPerson} person, ${t.outAutomatic} automatic, ${t.outCampaign} campaign`,
    `first response    median ${d(fr.medianSeconds)}, p90 ${d(fr.p90Seconds)}, ${fr.count} answered, ${fr.unanswered} unanswered${
      fr.withinTargetShare === null ? '' : `, ${Math.round(fr.withinTargetShare * 100)}% within target`
    }`,
    `resolution        median ${d(t.resolution.medianSeconds)}, p90 ${d(t.resolution.p90Seconds)}, ${t.resolution.count} resolved`,
    `satisfaction      ${csatLine(r.csat.totals)}`,
    `billable          ${r.costs.byCategory.total.billable} (free ${r.costs.byCategory.total.free})`,
  ].join('\n');
}
