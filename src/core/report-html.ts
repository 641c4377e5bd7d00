// The report as one self-contained HTML file: the model as JSON in the page, charts drawn from it by
// uPlot (inlined: the file makes no request), and beside each chart a table of the same figures.
import { DateTime } from 'luxon';
import type { CostRow } from './costs.js';
import type { CsatStats, DurationStats, FirstResponseStats, Report } from './report.js';
import { formatDuration } from './text.js';

export interface ReportAssets {
  /** uPlot's IIFE build (uplot/dist/uPlot.iife.min.js). */
  uplotJs: string;
  /** uplot/dist/uPlot.min.css. */
  uplotCss: string;
}

const esc = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** JSON inside <script>: `<` only occurs in its strings, where \u003c means the same and ends no element. */
const jsonText = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** Code inlined into a <script> or <style> element, which a closing tag inside it would end early. */
function inline(text: string, tag: 'script' | 'style'): string {
  if (new RegExp(`</${tag}`, 'i').test(text)) throw new Error(`cannot inline a ${tag} that holds </${tag}`);
  return text;
}

const duration = (seconds: number | null) => (seconds === null ? '–' : formatDuration(seconds * 1000));
const share = (value: number | null) => (value === null ? '–' : `${Math.round(value * 100)}%`);

function table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>, id: string) {
  const cells = (row: ReadonlyArray<string | number>, tag: 'td' | 'th') =>
    row.map((c, i) => `<${i === 0 ? 'th scope="row"' : tag}>${esc(String(c))}</${i === 0 ? 'th' : tag}>`);
  return `<table id="${id}"><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((r) => `<tr>${cells(r, 'td').join('')}</tr>`).join('\n')}</tbody></table>`;
}

const frCells = (s: FirstResponseStats) => [
  s.count,
  duration(s.medianSeconds),
  duration(s.p90Seconds),
  share(s.withinTargetShare),
  s.unanswered,
];
const FR_HEAD = ['answered', 'median', 'p90', 'within target', 'unanswered'];
const resCells = (s: DurationStats) => [s.count, duration(s.medianSeconds), duration(s.p90Seconds)];
const csatCells = (s: CsatStats) => [
  s.questions,
  s.asked,
  s.answered,
  s.skipped,
  s.pending,
  share(s.responseRate),
  s.averageScore === null ? '–' : s.averageScore.toFixed(1),
  share(s.satisfiedShare),
  ...s.scores,
];
const CSAT_HEAD = [
  'questions',
  'asked',
  'answered',
  'skipped',
  'pending',
  'response rate',
  'average',
  'satisfied',
  '1',
  '2',
  '3',
  '4',
  '5',
];

function csatSection(r: Report): string {
  const c = r.csat;
  const t = c.totals;
  const summary =
    t.questions === 0
      ? 'No satisfaction questions for resolutions in this period (wabox autoreply set csat on).'
      : `${t.answered} of ${t.asked} questions asked were answered, average ${t.averageScore === null ? '–' : t.averageScore.toFixed(1)} of 5; ${t.skipped} not sent (outside the 24-hour window or failed).`;
  const at = (iso: string) => DateTime.fromISO(iso, { zone: r.zone }).toFormat('yyyy-MM-dd HH:mm');
  return section(
    'csat',
    'Customer satisfaction',
    chartBeside(
      'csat',
      table(
        ['day', ...CSAT_HEAD],
        c.days.map((d) => [d.date, ...csatCells(d)]),
        'table-csat',
      ),
    ) +
      table(
        ['agent', ...CSAT_HEAD],
        c.agents.map((a) => [a.agent, ...csatCells(a)]),
        'table-csat-agents',
      ) +
      table(['period', ...CSAT_HEAD], [['total', ...csatCells(t)]], 'table-csat-total') +
      (c.comments.length === 0
        ? ''
        : `<h3>Comments</h3>${table(
            ['time', 'agent', 'score', 'comment'],
            c.comments.map((x) => [at(x.at), x.agent, x.score, x.comment]),
            'table-csat-comments',
          )}`),
    `${summary} By the day of the resolution; agents are who had the conversation when it was resolved. Satisfied: answers of 4 or 5.`,
  );
}

function section(id: string, title: string, body: string, note = ''): string {
  return `<section id="${id}"><h2>${esc(title)}</h2>${note === '' ? '' : `<p class="note">${esc(note)}</p>`}${body}</section>`;
}

/** A chart and the table of its figures; the chart is labelled for screen readers, which read the table. */
const chartBeside = (chart: string, tableHtml: string) =>
  `<div class="pair"><div class="chart" id="chart-${chart}" role="img" aria-label="chart of the table beside it"></div><div class="table">${tableHtml}</div></div>`;

function costCell(row: CostRow): string {
  const amounts = Object.entries(row.cost).map(([currency, amount]) => `${amount} ${currency}`);
  return amounts.length === 0 ? '–' : amounts.join(' + ');
}

function heatmap(r: Report): string {
  const max = Math.max(1, ...r.heatmap.inbound.flat());
  const hours = Array.from({ length: 24 }, (_, h) => `<th scope="col">${String(h).padStart(2, '0')}</th>`);
  const rows = r.heatmap.weekdays.map((day, d) => {
    const cells = r.heatmap.inbound[d]!.map((n, h) => {
      const open = (r.heatmap.openMinutes?.[d]?.[h] ?? 0) > 0;
      const alpha = (n / max).toFixed(2);
      return `<td class="${open ? 'open' : 'closed'}" style="background: rgba(37, 99, 235, ${alpha})" title="${day} ${h}:00 ${open ? 'open' : 'closed'}">${n === 0 ? '' : n}</td>`;
    });
    return `<tr><th scope="row">${day}</th>${cells.join('')}</tr>`;
  });
  return `<table id="table-heatmap" class="heatmap"><thead><tr><th></th>${hours.join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<p class="note">${r.heatmap.openMinutes === null ? 'No business hours are set.' : 'Outlined cells are within business hours.'} Hours in ${esc(r.zone)}.</p>`;
}

export function renderReportHtml(r: Report, assets: ReportAssets): string {
  const time = r.businessHours ? 'counted in business hours' : 'wall-clock time (no business hours set)';
  const target =
    r.slaTargetSeconds === null
      ? 'no first-response target set (wabox config set sla.first-response 15m)'
      : `target ${duration(r.slaTargetSeconds)}`;
  const filters = [
    r.filters.agent === null ? '' : `agent ${r.filters.agent}`,
    r.filters.campaign === null ? '' : `campaign ${r.filters.campaign}`,
  ].filter(Boolean);
  const t = r.totals;
  const period = r.days.length === 0 ? r.since : `${r.days[0]!.date} – ${r.days[r.days.length - 1]!.date}`;
  const sections = [
    section(
      'volume',
      'Messages per day',
      chartBeside(
        'messages',
        table(
          ['day', 'customer', 'person', 'automatic', 'campaign'],
          r.days.map((d) => [d.date, d.inbound, d.outPerson, d.outAutomatic, d.outCampaign]),
          'table-messages',
        ),
      ),
      `${t.inbound} from customers; sent ${t.outPerson} by people, ${t.outAutomatic} automatic, ${t.outCampaign} by campaigns.`,
    ),
    section(
      'conversations',
      'Conversations per day',
      chartBeside(
        'conversations',
        table(
          ['day', 'conversations', 'started'],
          r.days.map((d) => [d.date, d.conversations, d.started]),
          'table-conversations',
        ),
      ),
      `${t.conversations} conversations, ${t.started} started (a customer message after 24 hours without one).`,
    ),
    section(
      'first-response',
      'First response',
      chartBeside(
        'first-response',
        table(
          ['day', ...FR_HEAD],
          r.days.map((d) => [d.date, ...frCells(d.firstResponse)]),
          'table-first-response',
        ),
      ) +
        table(
          ['agent', 'conversations', ...FR_HEAD],
          r.agents.map((a) => [a.agent, a.conversations, ...frCells(a.firstResponse)]),
          'table-first-response-agents',
        ) +
        table(['period', ...FR_HEAD], [['total', ...frCells(t.firstResponse)]], 'table-first-response-total'),
      `From a customer's first unanswered message to a person's answer, ${time}; ${target}. Agents are the conversations' assignees now.`,
    ),
    section(
      'resolution',
      'Resolution time',
      chartBeside(
        'resolution',
        table(
          ['day', 'resolved', 'median', 'p90'],
          r.days.map((d) => [d.date, ...resCells(d.resolution)]),
          'table-resolution',
        ),
      ) +
        table(
          ['agent', 'resolved', 'median', 'p90'],
          r.agents.map((a) => [a.agent, ...resCells(a.resolution)]),
          'table-resolution-agents',
        ),
      `Resolved conversations, from the start of the conversation to its last message, ${time}, by the day it started.`,
    ),
    section('heatmap', 'Customer messages by weekday and hour', heatmap(r)),
    section(
      'campaigns',
      'Campaigns',
      table(
        ['ref', 'conversations', `labelled ${r.filters.customerLabel}`],
        r.refs.map((x) => [x.ref, x.conversations, x.customers]),
        'table-refs',
      ) +
        table(
          [
            'campaign',
            'ref',
            'state',
            'accepted',
            'failed',
            'delivered',
            'read',
            'replied',
            'conversations',
            'customers',
          ],
          r.campaigns.map((c) => [
            c.name,
            c.ref ?? '–',
            c.state,
            c.accepted,
            c.failed,
            c.delivered,
            c.read,
            c.replied,
            c.conversations,
            c.customers,
          ]),
          'table-campaigns',
        ),
      `Link refs → conversations with a customer message in the period → those labelled "${r.filters.customerLabel}"; sent campaigns: delivered, read, replied within 24 hours.`,
    ),
    section(
      'costs',
      'What the period cost',
      chartBeside(
        'costs',
        table(
          ['category', 'billable', 'free', 'unknown', 'cost', 'unpriced'],
          [...r.costs.byCategory.rows, r.costs.byCategory.total].map((row) => [
            row.key,
            row.billable,
            row.free,
            row.unknown,
            costCell(row),
            row.unpriced,
          ]),
          'table-costs',
        ),
      ),
      'Messages Meta priced on their status webhooks; amounts only with --rates.',
    ),
    csatSection(r),
  ];
  const data = jsonText(r);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wabox report ${esc(period)}</title>
<style>${inline(assets.uplotCss, 'style')}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header><h1>wabox report</h1>
<p>${esc(period)} (${esc(r.zone)})${filters.length === 0 ? '' : ` · ${esc(filters.join(', '))}`}</p></header>
<main>
${sections.join('\n')}
</main>
<script type="application/json" id="report-data">${data}</script>
<script>${inline(assets.uplotJs, 'script')}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

const PAGE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1rem; color: #1f2937; }
h1 { margin: 0; } h2 { margin-top: 2rem; border-bottom: 1px solid #e5e7eb; }
.note { color: #4b5563; }
.pair { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.table { max-height: 320px; overflow: auto; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { padding: 2px 8px; text-align: right; border-bottom: 1px solid #f3f4f6; }
th[scope="row"] { text-align: left; font-weight: normal; }
.heatmap td { width: 1.6rem; text-align: center; }
.heatmap td.open { outline: 2px solid #16a34a; outline-offset: -2px; }
`;

// Runs in the page: the charts read the model from #report-data, and stay reachable as window.waboxCharts.
const PAGE_SCRIPT = `
(function () {
  var r = JSON.parse(document.getElementById('report-data').textContent);
  var x = r.days.map(function (d) { return d.start; });
  function pick(f) { return r.days.map(f); }
  function dur(s) {
    if (s == null) return '';
    if (s < 60) return s + 's';
    var m = Math.floor(s / 60);
    if (m < 60) return m + 'm';
    var h = Math.floor(m / 60);
    return h < 48 ? h + 'h' + (m % 60 ? ' ' + (m % 60) + 'm' : '') : Math.floor(h / 24) + 'd';
  }
  var colours = ['#2563eb', '#16a34a', '#f59e0b', '#db2777'];
  var DURATION_STEPS = [1, 5, 15, 30, 60, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 604800];
  function chart(id, series, values, formatY) {
    var opts = {
      width: 520,
      height: 260,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), r.zone); },
      scales: { y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
      axes: [{}, formatY ? { size: 60, incrs: DURATION_STEPS, values: function (u, ticks) { return ticks.map(formatY); } } : {}],
      series: [{}].concat(series.map(function (label, i) {
        return { label: label, stroke: colours[i], width: 2, points: { show: true, size: 6 }, spanGaps: false,
          value: formatY ? function (u, v) { return dur(v); } : undefined };
      }))
    };
    return new uPlot(opts, [x].concat(values), document.getElementById('chart-' + id));
  }
  var costByDay = {};
  r.costs.byDay.rows.forEach(function (row) { costByDay[row.key] = row; });
  function cost(d, k) { var row = costByDay[d.date]; return row ? row[k] : 0; }
  window.waboxCharts = {
    messages: chart('messages', ['customer', 'person', 'automatic', 'campaign'], [
      pick(function (d) { return d.inbound; }), pick(function (d) { return d.outPerson; }),
      pick(function (d) { return d.outAutomatic; }), pick(function (d) { return d.outCampaign; })]),
    conversations: chart('conversations', ['conversations', 'started'], [
      pick(function (d) { return d.conversations; }), pick(function (d) { return d.started; })]),
    firstResponse: chart('first-response', ['median', 'p90'], [
      pick(function (d) { return d.firstResponse.medianSeconds; }),
      pick(function (d) { return d.firstResponse.p90Seconds; })], dur),
    resolution: chart('resolution', ['median', 'p90'], [
      pick(function (d) { return d.resolution.medianSeconds; }),
      pick(function (d) { return d.resolution.p90Seconds; })], dur),
    costs: chart('costs', ['billable', 'free', 'unknown'], [
      pick(function (d) { return cost(d, 'billable'); }), pick(function (d) { return cost(d, 'free'); }),
      pick(function (d) { return cost(d, 'unknown'); })]),
    csat: csatChart()
  };
  // counts on the left axis, the average score (1..5) on its own on the right
  function csatChart() {
    var days = r.csat.days;
    function of(k) { return days.map(function (d) { return d[k]; }); }
    var counts = ['asked', 'answered', 'skipped'].map(function (label, i) {
      return { label: label, stroke: colours[i], width: 2, points: { show: true, size: 6 } };
    });
    var opts = {
      width: 520,
      height: 260,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), r.zone); },
      scales: {
        y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } },
        score: { range: [1, 5] }
      },
      axes: [{}, {}, { scale: 'score', side: 1, grid: { show: false }, incrs: [1] }],
      series: [{}].concat(counts, [{ label: 'average score', scale: 'score', stroke: colours[3], width: 2,
        dash: [6, 4], points: { show: true, size: 6 }, spanGaps: false,
        value: function (u, v) { return v == null ? '' : v.toFixed(1); } }])
    };
    return new uPlot(opts, [x, of('asked'), of('answered'), of('skipped'), of('averageScore')],
      document.getElementById('chart-csat'));
  }
})();
`;
