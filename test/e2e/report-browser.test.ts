// `wabox report --html` in Chromium: a week of conversations posted to the real receiver (its clock
// injected), resolved by `wabox resolve` asking for a rating, the report built by the spawned CLI, the page loaded from file:// with no request and no
// console error, and the figures the charts draw equal to --json, which equals the week worked out by hand.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  serializeLikeMeta,
  simulatedMessage,
  simulatedStatus,
  simulatedTextMessage,
} from '../../src/cloud/webhook-simulate.js';
import { SETTINGS_KEY } from '../../src/core/autoreply.js';
import type { Report } from '../../src/core/report.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { describeBrowser, launchChromium } from '../helpers/browser.js';
import { ROOT, spawnCli } from '../helpers/cli.js';
import { runCloud } from '../helpers/cloud.js';
import { type FakeGraph, startFakeGraph } from '../helpers/graph-server.js';
import { MESSAGES_PATH, type Receiver, sendReplies, startReceiver } from '../helpers/receiver.js';

const ASHA = '919876543210';
const RAVI = '919800000002';
const MEENA = '919800000003';
const KIRAN = '919800000004';
const DEV = '919800000005';
const LATA = '919800000006';
const BUSINESS = '15550000000';

/** A wall time of the week of Monday 16 November 2026 in Asia/Kolkata (+05:30, no daylight saving). */
const at = (day: number, time: string) => new Date(`2026-11-${day}T${time}:00+05:30`);

let graph: FakeGraph;
let receiver: Receiver | undefined;
beforeEach(async () => {
  graph = await startFakeGraph();
});
afterEach(async () => {
  await receiver?.stop().catch(() => undefined);
  receiver = undefined;
  await graph.close();
});

function prepareConfig(env: Record<string, string>): void {
  const dir = env.WABOX_CONFIG_DIR!;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'templates.json'),
    JSON.stringify({
      version: 1,
      templates: [
        { name: 'welcome', kind: 'greeting', language: 'en', body: 'Hello, welcome!' },
        { name: 'rate-us', kind: 'csat', language: 'en', body: 'How did we do?' },
      ],
    }),
  );
  const weekday = ['09:00-18:00'];
  writeFileSync(
    join(dir, 'hours.json'),
    JSON.stringify({
      version: 1,
      timeZone: 'Asia/Kolkata',
      week: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: [], sun: [] },
      closed: [],
    }),
  );
}

async function settled(r: Receiver): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (r.rows("SELECT 1 FROM auto_replies WHERE state = 'pending'").length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('automatic replies still pending');
}

/** A customer's message at `when`, posted when the receiver's clock shows `when`. */
async function customer(r: Receiver, from: string, text: string, when: Date): Promise<void> {
  r.now.value = when;
  const m = simulatedTextMessage({ from, name: from.slice(-4), text, now: when });
  expect((await r.post(serializeLikeMeta(m.body))).status).toBe(200);
  await settled(r);
}

let echoes = 0;
/** A person's answer from the WhatsApp Business app: an smb_message_echoes webhook. */
async function person(r: Receiver, to: string, text: string, when: Date): Promise<void> {
  r.now.value = when;
  const seconds = String(Math.floor(when.getTime() / 1000));
  const body = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '0',
        time: Number(seconds),
        changes: [
          {
            field: 'smb_message_echoes',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: BUSINESS, phone_number_id: '0' },
              message_echoes: [
                {
                  from: BUSINESS,
                  to,
                  id: `wamid.ECHO${++echoes}`,
                  timestamp: seconds,
                  type: 'text',
                  text: { body: text },
                },
              ],
            },
          },
        ],
      },
    ],
  };
  expect((await r.post(serializeLikeMeta(body))).status).toBe(200);
}

/** `wabox resolve` at `when` (in-process, its clock injected), asking for a rating when it may. */
async function resolve(r: Receiver, waId: string, when: Date): Promise<Record<string, unknown> | null> {
  r.now.value = when;
  const env = { WABOX_CONFIG_DIR: r.env.WABOX_CONFIG_DIR! };
  const out = await runCloud(graph.url, ['resolve', `+${waId}`, '--json'], {
    db: r.env.WABOX_DB!,
    env,
    overrides: { clock: () => when },
  });
  expect(out.code, out.stderr).toBe(0);
  return (JSON.parse(out.stdout) as { csat: Record<string, unknown> | null }).csat;
}

/** The customer taps a score on the satisfaction question (Meta sends the question's wamid as context). */
async function rate(r: Receiver, from: string, question: Record<string, unknown>, score: number, when: Date) {
  r.now.value = when;
  const store = await r.deps.store();
  const asked = (await store.csat.list({ waId: from })).find((q) => q.id === question.id);
  const m = simulatedMessage({
    from,
    now: when,
    replyTo: asked!.questionWamid!,
    content: { type: 'button', id: `wabox-csat:${question.id}:${score}`, title: String(score) },
  });
  expect((await r.post(serializeLikeMeta(m.body))).status).toBe(200);
}

async function status(
  r: Receiver,
  wamid: string,
  recipient: string,
  s: 'delivered' | 'read',
  when: Date,
  pricing: { category: string; type: string },
): Promise<void> {
  r.now.value = when;
  const body = simulatedStatus({ wamid, status: s, recipient, now: when, pricing });
  expect((await r.post(serializeLikeMeta(body))).status).toBe(200);
}

/**
 * The week (Asia/Kolkata, open Monday to Friday 09:00-18:00, target 15 minutes), every customer greeted
 * automatically on their first message, and asked for a rating (1 to 5) as `wabox resolve` runs:
 *   Mon 10:00 Asha writes [ref:insta]; a person answers 10:12 (12 min). Priya's; a customer. Resolved
 *            10:20 and asked; she taps 5 at 10:25 and comments 10:26 (which reopens it), answered 10:30
 *            (4 min); resolved again 10:31, not asked again.
 *   Mon 17:50 Ravi writes [ref:web]; answered Tue 09:20 (10 + 20 business minutes). Arjun's. Resolved Tue
 *            18:00, past the 24-hour window: the question is skipped.
 *   Wed 11:00 Meena writes, answered 11:05 (5 min); writes 15:00, answered 16:00 (1 h). Priya's. Resolved
 *            16:10 and asked; she taps 3 at 17:00.
 *   Thu 10:00 the campaign "diwali" (ref diwali) sends to Dev and Lata (marketing, billed); both delivered,
 *            Dev's read; Dev writes 11:00 [ref:diwali], answered 11:30 (30 min). Arjun's; a customer.
 *            Resolved 11:40 and asked; no answer.
 *   Sat 12:00 Kiran writes (closed); nobody answers.
 */
async function scriptWeek(r: Receiver): Promise<void> {
  graph.on('POST', MESSAGES_PATH, sendReplies(8));
  const store = await r.deps.store();
  await customer(r, ASHA, 'Is the cake ready? [ref:insta]', at(16, '10:00'));
  expect(await store.setAssignee(ASHA, 'priya')).toBe(true);
  await status(r, 'wamid.AUTO1', ASHA, 'delivered', at(16, '10:01'), {
    category: 'service',
    type: 'free_customer_service',
  });
  await person(r, ASHA, 'Yes, come at 5', at(16, '10:12'));
  const asked = await resolve(r, ASHA, at(16, '10:20'));
  expect(asked).toMatchObject({ state: 'asked', agent: 'priya' });
  await rate(r, ASHA, asked!, 5, at(16, '10:25'));
  await customer(r, ASHA, 'Lovely cake, thank you!', at(16, '10:26'));
  await person(r, ASHA, 'Thank you, Asha!', at(16, '10:30'));
  expect(await resolve(r, ASHA, at(16, '10:31'))).toBeNull();
  await customer(r, RAVI, 'Do you deliver? [ref:web]', at(16, '17:50'));
  expect(await store.setAssignee(RAVI, 'arjun')).toBe(true);
  await person(r, RAVI, 'We do, within 5 km', at(17, '09:20'));
  expect(await resolve(r, RAVI, at(17, '18:00'))).toMatchObject({
    state: 'skipped',
    reason: 'window_closed',
  });
  await customer(r, MEENA, 'Eggless options?', at(18, '11:00'));
  expect(await store.setAssignee(MEENA, 'priya')).toBe(true);
  await person(r, MEENA, 'All of them', at(18, '11:05'));
  await customer(r, MEENA, 'And sugar-free?', at(18, '15:00'));
  await person(r, MEENA, 'Two of them', at(18, '16:00'));
  const meena = await resolve(r, MEENA, at(18, '16:10'));
  expect(meena).toMatchObject({ state: 'asked' });
  await rate(r, MEENA, meena!, 3, at(18, '17:00'));

  r.now.value = at(19, '10:00');
  const created = await store.campaigns.create({
    name: 'diwali',
    template: 'diwali_offer',
    language: 'en',
    category: 'MARKETING',
    definition: {},
    mapping: {},
    ref: 'diwali',
    rate: 10,
    startAt: null,
    withinHours: false,
    recipients: [
      { row: 1, waId: DEV, values: {} },
      { row: 2, waId: LATA, values: {} },
    ],
  });
  const id = created!.id;
  for (const [row, waId] of [
    [1, DEV],
    [2, LATA],
  ] as const) {
    const wamid = `wamid.CAMP${row}`;
    expect(await store.campaigns.claim(id, row)).toBe(true);
    await store.recordOutbound({
      id: wamid,
      waId,
      type: 'template',
      text: 'Diwali offer',
      timestamp: at(19, '10:00'),
      status: 'accepted',
    });
    await store.campaigns.settle(id, row, { state: 'accepted', wamid, at: at(19, '10:00') });
  }
  expect(await store.campaigns.setState(id, ['ready'], 'done')).toBe(true);
  const marketing = { category: 'marketing', type: 'regular' };
  await status(r, 'wamid.CAMP1', DEV, 'delivered', at(19, '10:01'), marketing);
  await status(r, 'wamid.CAMP2', LATA, 'delivered', at(19, '10:01'), marketing);
  await status(r, 'wamid.CAMP1', DEV, 'read', at(19, '10:30'), marketing);
  await customer(r, DEV, 'I want the offer [ref:diwali]', at(19, '11:00'));
  expect(await store.setAssignee(DEV, 'arjun')).toBe(true);
  await person(r, DEV, 'Sending the menu', at(19, '11:30'));
  expect(await resolve(r, DEV, at(19, '11:40'))).toMatchObject({ state: 'asked' });
  await customer(r, KIRAN, 'Open today?', at(21, '12:00'));

  for (const waId of [ASHA, DEV]) expect(await store.addLabel(waId, 'customer')).toBe(true);
  // five greetings and three questions
  expect(graph.calls('POST', MESSAGES_PATH)).toHaveLength(8);
}

const fr = (
  count: number,
  median: number | null,
  p90: number | null,
  unanswered: number,
  within: number,
  share: number | null,
) => ({
  count,
  medianSeconds: median,
  p90Seconds: p90,
  unanswered,
  withinTarget: within,
  withinTargetShare: share,
});
const res = (count: number, median: number | null, p90: number | null) => ({
  count,
  medianSeconds: median,
  p90Seconds: p90,
});
const day = (
  date: string,
  counts: [
    conversations: number,
    started: number,
    inbound: number,
    person: number,
    automatic: number,
    campaign: number,
  ],
  firstResponse: ReturnType<typeof fr>,
  resolution: ReturnType<typeof res>,
) => ({
  date,
  start: Math.floor(new Date(`${date}T00:00:00+05:30`).getTime() / 1000),
  conversations: counts[0],
  started: counts[1],
  inbound: counts[2],
  outPerson: counts[3],
  outAutomatic: counts[4],
  outCampaign: counts[5],
  firstResponse,
  resolution,
});
const none = fr(0, null, null, 0, 0, null);

// Worked out by hand from the week above. Percentiles are nearest-rank: the value at rank ceil(p·n).
// The questions count as automatic messages and the taps as customer messages, but neither waits for an
// answer nor ends a resolution. Answered waits: 240 (Asha's comment), 300 (Meena), 720 (Asha), 1800
// (Ravi), 1800 (Dev), 3600 (Meena): median rank 3, p90 rank 6; within 15 minutes: 240, 300 and 720.
// Resolutions, from the start to the last message: Asha 10:00-10:30 = 1800, Ravi Mon 17:50-18:00 and Tue
// 09:00-09:20 = 1800, Meena 11:00-16:00 = 18000; Dev's conversation started before the period's campaign
// send, so it has no start to count from.
const EXPECTED_DAYS = [
  day('2026-11-16', [2, 2, 4, 2, 3, 0], fr(3, 720, 1800, 0, 2, 2 / 3), res(2, 1800, 1800)),
  day('2026-11-17', [1, 0, 0, 1, 0, 0], none, res(0, null, null)),
  day('2026-11-18', [1, 1, 3, 2, 2, 0], fr(2, 300, 3600, 0, 1, 0.5), res(1, 18000, 18000)),
  day('2026-11-19', [2, 0, 1, 1, 2, 2], fr(1, 1800, 1800, 0, 0, 0), res(0, null, null)),
  day('2026-11-20', [0, 0, 0, 0, 0, 0], none, res(0, null, null)),
  day('2026-11-21', [1, 1, 1, 0, 1, 0], fr(0, null, null, 1, 0, null), res(0, null, null)),
  day('2026-11-22', [0, 0, 0, 0, 0, 0], none, res(0, null, null)),
];

const hoursGrid = (cells: Record<string, number>) =>
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) =>
    Array.from({ length: 24 }, (_, h) => cells[`${d} ${h}`] ?? 0),
  );
const OPEN = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri'].flatMap((d) =>
    Array.from({ length: 9 }, (_, i) => [`${d} ${9 + i}`, 60]),
  ),
);

const csat = (
  [questions, asked, answered, skipped]: number[],
  scores: number[],
  averageScore: number | null,
  responseRate: number | null,
  satisfiedShare: number | null,
) => ({
  questions,
  asked,
  answered,
  skipped,
  pending: 0,
  averageScore,
  scores,
  responseRate,
  satisfiedShare,
});
const noCsat = csat([0, 0, 0, 0], [0, 0, 0, 0, 0], null, null, null);
// By the day resolved: Asha 5 (Mon), Ravi skipped (Tue), Meena 3 (Wed), Dev asked and silent (Thu).
const EXPECTED_CSAT_DAYS = [
  csat([1, 1, 1, 0], [0, 0, 0, 0, 1], 5, 1, 1),
  csat([1, 0, 0, 1], [0, 0, 0, 0, 0], null, null, null),
  csat([1, 1, 1, 0], [0, 0, 1, 0, 0], 3, 1, 0),
  csat([1, 1, 0, 0], [0, 0, 0, 0, 0], null, 0, null),
  noCsat,
  noCsat,
  noCsat,
];

const cost = (key: string, billable: number, free: number) => ({
  key,
  billable,
  free,
  unknown: 0,
  cost: {},
  unpriced: 0,
});

describeBrowser('wabox report --html in Chromium', () => {
  it('draws from a week the real receiver stored the figures of --json, which are the week worked out by hand', async () => {
    receiver = await startReceiver({
      graph,
      now: at(16, '09:00'),
      before: async (env) => {
        prepareConfig(env);
        const store = openSqliteStore(env.WABOX_DB!);
        await store.setSetting(SETTINGS_KEY, { greeting: true });
        await store.close();
        const csat = await spawnCli(['autoreply', 'set', 'csat', 'on', '--delay', '0'], { env });
        expect(csat.code, csat.stderr).toBe(0);
      },
    });
    const r = receiver;
    await scriptWeek(r);
    await r.stop();
    receiver = undefined;
    const env = { ...r.env, WABOX_CONFIG_DIR: r.env.WABOX_CONFIG_DIR! };
    expect((await spawnCli(['config', 'set', 'sla.first-response', '15m'], { env })).code).toBe(0);
    const period = ['--since', '2026-11-16T00:00+05:30', '--until', '2026-11-23T00:00+05:30'];

    const json = await spawnCli(['report', ...period, '--json'], { env });
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as Report;
    expect(report).toMatchObject({
      since: '2026-11-15T18:30:00.000Z',
      until: '2026-11-22T18:30:00.000Z',
      zone: 'Asia/Kolkata',
      filters: { agent: null, campaign: null, customerLabel: 'customer' },
      businessHours: true,
      slaTargetSeconds: 900,
    });
    expect(report.days).toEqual(EXPECTED_DAYS);
    expect(report.totals).toEqual({
      conversations: 6,
      started: 4,
      inbound: 9,
      outPerson: 6,
      outAutomatic: 8,
      outCampaign: 2,
      firstResponse: fr(6, 720, 3600, 1, 3, 0.5),
      resolution: res(3, 1800, 18000),
    });
    expect(report.agents).toEqual([
      {
        agent: '(unassigned)',
        conversations: 2,
        firstResponse: fr(0, null, null, 1, 0, null),
        resolution: res(0, null, null),
      },
      {
        agent: 'arjun',
        conversations: 2,
        firstResponse: fr(2, 1800, 1800, 0, 0, 0),
        resolution: res(1, 1800, 1800),
      },
      {
        agent: 'priya',
        conversations: 2,
        firstResponse: fr(4, 300, 3600, 0, 3, 0.75),
        resolution: res(2, 1800, 18000),
      },
    ]);
    expect(report.heatmap).toEqual({
      weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      inbound: hoursGrid({
        'mon 10': 3,
        'mon 17': 1,
        'wed 11': 1,
        'wed 15': 1,
        'wed 17': 1,
        'thu 11': 1,
        'sat 12': 1,
      }),
      openMinutes: hoursGrid(OPEN),
    });
    expect(report.refs).toEqual([
      { ref: 'diwali', conversations: 1, customers: 1 },
      { ref: 'insta', conversations: 1, customers: 1 },
      { ref: 'web', conversations: 1, customers: 0 },
    ]);
    expect(report.campaigns).toEqual([
      {
        name: 'diwali',
        ref: 'diwali',
        state: 'done',
        accepted: 2,
        failed: 0,
        delivered: 2,
        read: 1,
        replied: 1,
        conversations: 1,
        customers: 1,
      },
    ]);
    expect(report.costs.byCategory).toEqual({
      by: 'category',
      rows: [cost('marketing', 2, 0), cost('service', 0, 1)],
      total: cost('total', 2, 1),
    });
    expect(report.costs.byDay.rows).toEqual([cost('2026-11-16', 0, 1), cost('2026-11-19', 2, 0)]);
    expect(report.csat).toEqual({
      totals: csat([4, 3, 2, 1], [0, 0, 1, 0, 1], 4, 2 / 3, 0.5),
      days: EXPECTED_DAYS.map((d, i) => ({ date: d.date, start: d.start, ...EXPECTED_CSAT_DAYS[i]! })),
      agents: [
        { agent: 'arjun', ...csat([2, 1, 0, 1], [0, 0, 0, 0, 0], null, 0, null) },
        { agent: 'priya', ...csat([2, 2, 2, 0], [0, 0, 1, 0, 1], 4, 1, 0.5) },
      ],
      comments: [
        {
          at: at(16, '10:25').toISOString(),
          agent: 'priya',
          score: 5,
          comment: 'Lovely cake, thank you!',
        },
      ],
    });

    // the inbox counts Meena's latest wait as the report does
    const inbox = JSON.parse(
      (await spawnCli(['inbox', '--status', 'resolved', '--json'], { env })).stdout,
    ) as Array<{
      waId: string;
      firstResponseSeconds: number | null;
    }>;
    expect(inbox.find((c) => c.waId === MEENA)?.firstResponseSeconds).toBe(3600);

    const file = join(r.dir, 'report.html');
    const html = await spawnCli(['report', ...period, '--html', file], { env });
    expect(html.code).toBe(0);
    expect(html.stdout).toBe('');

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('request', (req) => requests.push(req.url()));
      const url = pathToFileURL(file).href;
      await page.goto(url, { waitUntil: 'load' });
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);

      const embedded = JSON.parse((await page.locator('#report-data').textContent())!) as unknown;
      expect(embedded).toEqual({ ...report, generatedAt: expect.any(String) });
      // uPlot's own copy of each chart's series (u.data), not the JSON the page started from
      const drawn = await page.evaluate(
        'Object.fromEntries(Object.entries(window.waboxCharts).map(([k, u]) => [k, u.data]))',
      );
      const x = report.days.map((d) => d.start);
      const of = <T>(f: (d: (typeof report.days)[number]) => T) => report.days.map(f);
      expect(drawn).toEqual({
        messages: [
          x,
          of((d) => d.inbound),
          of((d) => d.outPerson),
          of((d) => d.outAutomatic),
          of((d) => d.outCampaign),
        ],
        conversations: [x, of((d) => d.conversations), of((d) => d.started)],
        firstResponse: [x, of((d) => d.firstResponse.medianSeconds), of((d) => d.firstResponse.p90Seconds)],
        resolution: [x, of((d) => d.resolution.medianSeconds), of((d) => d.resolution.p90Seconds)],
        // billable, free, unknown: the campaign's two on Thursday, Asha's greeting on Monday
        costs: [x, [0, 0, 0, 2, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]],
        // asked, answered, skipped, and the average score
        csat: [
          x,
          [1, 0, 1, 1, 0, 0, 0],
          [1, 0, 1, 0, 0, 0, 0],
          [0, 1, 0, 0, 0, 0, 0],
          [5, null, 3, null, null, null, null],
        ],
      });
      // every chart drew a canvas, and the tables beside them hold the same figures
      expect(await page.locator('.chart canvas').count()).toBe(6);
      const cells = (id: string) =>
        page.$$eval(`#${id} tbody tr`, (rows) =>
          rows.map((tr) => [...tr.children].map((c) => c.textContent)),
        );
      expect(await cells('table-messages')).toEqual(
        report.days.map((d) => [
          d.date,
          ...[d.inbound, d.outPerson, d.outAutomatic, d.outCampaign].map(String),
        ]),
      );
      expect(await cells('table-first-response-agents')).toEqual([
        ['(unassigned)', '2', '0', '–', '–', '–', '1'],
        ['arjun', '2', '2', '30m', '30m', '0%', '0'],
        ['priya', '2', '4', '5m', '1h 00m', '75%', '0'],
      ]);
      expect(await cells('table-csat-agents')).toEqual([
        ['arjun', '2', '1', '0', '1', '0', '0%', '–', '–', '0', '0', '0', '0', '0'],
        ['priya', '2', '2', '2', '0', '0', '100%', '4.0', '50%', '0', '0', '1', '0', '1'],
      ]);
      expect(await cells('table-csat-comments')).toEqual([
        ['2026-11-16 10:25', 'priya', '5', 'Lovely cake, thank you!'],
      ]);

      mkdirSync(join(ROOT, 'test-results'), { recursive: true });
      const shot = join(ROOT, 'test-results', 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      if (process.env.WABOX_UPDATE_SCREENSHOTS === '1') copyFileSync(shot, join(ROOT, 'docs', 'report.png'));
    } finally {
      await browser.close();
    }
  }, 120_000);
});
