#!/usr/bin/env node
// `wabox report` over a month of traffic: a SQLite store filled through the library API (dist/index.js:
// openStore, recordInbound, recordOutbound, setAssignee, addLabel, setConversationStatus) with N messages
// over 30 days — conversations of a customer message, an automatic greeting and a person's answer after a
// few minutes to a few hours, half of them a second exchange — with business hours and a target set.
// Each command is timed as a whole `wabox` process (output to a pipe), median of --runs, interleaved,
// against `messages list --since 30d --ndjson` on the same store: reading every message of the period once.
//
//   node bench/report.mjs                      # 20,000 messages (filled one write at a time: minutes), 5 runs
//   node bench/report.mjs --messages 20000 --runs 3
//   node bench/report.mjs --json
//
// Targets: report --json <= 3x the baseline, report --html <= 3.5x; peak RSS of report --html <= 300 MB.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as lib from './lib.mjs';

lib.helpAndExit(import.meta.url);
const MESSAGES = lib.numberArg('--messages', 20_000, { min: 1000 });
const RUNS = lib.numberArg('--runs', 5);

lib.ensureBuilt();
const tmp = lib.tempDir('wabox-bench-report-');
const env = { WABOX_DB: join(tmp, 'wabox.db'), WABOX_CONFIG_DIR: join(tmp, 'config'), TZ: 'Asia/Kolkata' };
mkdirSync(env.WABOX_CONFIG_DIR);
const weekday = ['09:00-18:00'];
writeFileSync(
  join(env.WABOX_CONFIG_DIR, 'hours.json'),
  JSON.stringify({
    version: 1,
    timeZone: 'Asia/Kolkata',
    week: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: [], sun: [] },
    closed: [],
  }),
);
lib.expectOk(
  await lib.measure('node', [lib.BIN, 'config', 'set', 'sla.first-response', '15m'], { env, tmp }),
  'config set',
);

// a fixed pseudo-random sequence, so every run measures the same store
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

const { openStore } = await import(pathToFileURL(join(lib.ROOT, 'dist/index.js')).href);
const store = await openStore(env.WABOX_DB);
const now = Date.now();
const start = now - 30 * 86_400_000;
const numbers = lib.numberPool(Math.ceil(MESSAGES / 50)).map((p) => p.number.slice(1));
const agents = ['asha', 'ravi', 'meena', 'dev'];
let written = 0;
let conversation = 0;
const filled = performance.now();
while (written < MESSAGES) {
  const waId = numbers[conversation % numbers.length];
  const id = `${conversation}`;
  let at = start + random() * (now - start - 86_400_000);
  for (let exchange = 0; exchange < (random() < 0.5 ? 2 : 1) && written < MESSAGES; exchange++) {
    await store.recordInbound({
      id: `wamid.in${id}.${exchange}`,
      waId,
      type: 'text',
      text: exchange === 0 && random() < 0.2 ? 'hi [ref:insta]' : 'hi',
      ref: null,
      timestamp: new Date(at),
    });
    await store.recordOutbound({
      id: `wamid.auto${id}.${exchange}`,
      waId,
      type: 'text',
      text: 'Hello!',
      timestamp: new Date(at + 1000),
      status: 'accepted',
      reason: 'greeting',
    });
    at += 60_000 + random() * 4 * 3_600_000;
    await store.recordOutbound({
      id: `wamid.out${id}.${exchange}`,
      waId,
      type: 'text',
      text: 'On it',
      timestamp: new Date(at),
      status: 'accepted',
    });
    written += 3;
    at += random() * 3_600_000;
  }
  await store.setAssignee(waId, agents[conversation % agents.length]);
  if (conversation % 3 === 0) await store.addLabel(waId, 'customer');
  if (conversation % 2 === 0) await store.setConversationStatus(waId, 'resolved');
  conversation++;
}
await store.close();
const fillSeconds = (performance.now() - filled) / 1000;
lib.say(
  `${lib.machine()}; ${written} messages, ${conversation} conversations filled in ${lib.round(fillSeconds)} s`,
);

const html = join(tmp, 'report.html');
const COMMANDS = [
  { name: 'messages list --since 30d --ndjson', args: ['messages', 'list', '--since', '30d', '--ndjson'] },
  { name: 'report --since 30d --json', args: ['report', '--since', '30d', '--json'] },
  { name: 'report --since 30d --html', args: ['report', '--since', '30d', '--html', html] },
];
const times = COMMANDS.map(() => []);
const rss = COMMANDS.map(() => []);
for (let run = 0; run < RUNS; run++)
  for (const [i, c] of COMMANDS.entries()) {
    const r = lib.expectOk(await lib.measure('node', [lib.BIN, ...c.args], { env, tmp }), c.name);
    times[i].push(r.ms);
    rss[i].push(r.rssMb);
  }
const medians = times.map(lib.median);
const peaks = rss.map((values) => Math.max(...values));
const ratio = (i) => medians[i] / medians[0];
lib.figures({
  messages: written,
  conversations: conversation,
  runs: RUNS,
  medianMs: Object.fromEntries(COMMANDS.map((c, i) => [c.name, lib.round(medians[i])])),
  peakRssMb: Object.fromEntries(COMMANDS.map((c, i) => [c.name, lib.round(peaks[i])])),
});
lib.table([
  ['command', 'median', 'ratio', 'peak RSS', 'target'],
  [COMMANDS[0].name, `${lib.round(medians[0])} ms`, '1x', `${lib.round(peaks[0])} MB`, 'baseline'],
  [
    COMMANDS[1].name,
    `${lib.round(medians[1])} ms`,
    `${lib.round(ratio(1))}x`,
    `${lib.round(peaks[1])} MB`,
    lib.target('report --json / messages list --ndjson', ratio(1), { atMost: 3, unit: 'x' }),
  ],
  [
    COMMANDS[2].name,
    `${lib.round(medians[2])} ms`,
    `${lib.round(ratio(2))}x`,
    `${lib.round(peaks[2])} MB`,
    lib.target('report --html / messages list --ndjson', ratio(2), { atMost: 3.5, unit: 'x' }),
  ],
]);
lib.target('peak RSS of report --html', peaks[2], { atMost: 300, unit: ' MB' });
lib.finish('report');
