#!/usr/bin/env node
// `wabox campaign run` against a fake Graph API on 127.0.0.1 that enforces the platform's rules as
// test/helpers/platform-graph.ts does (130429 past the rate in any one-second window, 131056 for a
// second message to one recipient within 6 s, every accepted send logged with its arrival time): N
// recipients created from a CSV, then sent at --rate 80 and at --rate 1000 (the built CLI, a real
// SQLite file). The baseline is the rate asked for: achieved / target.
//
//   node bench/campaign.mjs                    # 10,000 recipients at 80/s and at 1000/s (~2.5 min)
//   node bench/campaign.mjs --count 2000
//   node bench/campaign.mjs --json
//
// Reported per rate: achieved rate (accepted / span from first to last arrival) and its ratio to the
// target, the most arrivals in any one-second window, 130429 and 131056 refusals, CPU time per message
// of the sending process (user + system), its peak RSS.
// Targets: achieved within ±2% of the target, the busiest window <= the rate, no 130429/131056, peak
// RSS <= 150 MB.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import * as lib from './lib.mjs';

lib.helpAndExit(import.meta.url);
const COUNT = lib.numberArg('--count', 10_000, { min: 100 });
const RATES = [80, 1000];
const TEMPLATE = {
  id: '9000',
  name: 'diwali_offer',
  language: 'en',
  status: 'APPROVED',
  category: 'MARKETING',
  parameter_format: 'POSITIONAL',
  components: [{ type: 'BODY', text: 'Hi {{1}}, 20% off in {{2}} this Diwali' }],
};

lib.ensureBuilt();
const tmp = lib.tempDir('wabox-bench-campaign-');

/** The platform's rules, on 127.0.0.1: what the tests' fake enforces, without the test harness. */
function platform(rate) {
  const accepted = [];
  const refused = { 130429: 0, 131056: 0 };
  const window = [];
  const lastTo = new Map();
  const error = (res, code) => {
    refused[code]++;
    res.writeHead(429, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'limit', type: 'OAuthException', code, fbtrace_id: 'B' } }));
  };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = performance.timeOrigin + performance.now();
      const url = new URL(req.url, 'http://x');
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && url.pathname.endsWith('/message_templates'))
        return res.end(JSON.stringify({ data: [TEMPLATE] }));
      if (req.method === 'GET' && url.pathname === '/v23.0/100')
        return res.end(
          JSON.stringify({ id: '100', whatsapp_business_manager_messaging_limit: 'TIER_UNLIMITED' }),
        );
      if (req.method !== 'POST' || url.pathname !== '/v23.0/100/messages') {
        res.writeHead(404);
        return res.end('{}');
      }
      const body = JSON.parse(Buffer.concat(chunks).toString());
      const to = String(body.to).replace(/^\+/, '');
      while (window.length > 0 && window[0] <= at - 1000) window.shift();
      if (window.length >= rate) return error(res, 130429);
      window.push(at);
      const last = lastTo.get(to);
      if (last !== undefined && at - last < 6000) return error(res, 131056);
      lastTo.set(to, at);
      accepted.push(at);
      res.end(
        JSON.stringify({
          messaging_product: 'whatsapp',
          contacts: [{ input: body.to, wa_id: to }],
          messages: [{ id: `wamid.BENCH${accepted.length}` }],
        }),
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        accepted,
        refused,
        close: () => server.close(),
      }),
    ),
  );
}

function peakPerSecond(times) {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi] - times[lo] >= 1000) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

const csv = join(tmp, 'customers.csv');
const lines = ['phone,name,city'];
for (let i = 0; i < COUNT; i++) lines.push(`+9198${String(20_000_000 + i)},Customer ${i},Pune`);
writeFileSync(csv, `${lines.join('\n')}\n`);
const cpuHook = join(tmp, 'cpu-hook.cjs');
writeFileSync(
  cpuHook,
  `process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeFileSync(process.env.BENCH_CPU_FILE, String(u.userCPUTime + u.systemCPUTime)); });\n`,
);

const rows = [['rate', 'achieved/s', 'ratio', 'busiest 1 s', '130429', '131056', 'CPU µs/msg', 'peak RSS']];
const results = {};
for (const rate of RATES) {
  const p = await platform(rate);
  const env = {
    WABOX_CONFIG_DIR: lib.tempDir('wabox-bench-config-'),
    WABOX_DB: join(tmp, `campaign-${rate}.db`),
    WABOX_GRAPH_URL: p.url,
    WABOX_TOKEN: 'EAAbenchTOKEN0123456789',
    WABOX_PHONE_NUMBER_ID: '100',
    WABOX_WABA_ID: '200',
  };
  lib.expectOk(
    await lib.measure(
      'node',
      [
        lib.BIN,
        'campaign',
        'create',
        'bench',
        '--template',
        'diwali_offer',
        '--lang',
        'en',
        '--to',
        csv,
      ].concat(['--param', 'name', '--param', 'city', '--rate', String(rate)]),
      { env, tmp },
    ),
    'campaign create',
  );
  const cpuFile = join(tmp, `cpu-${rate}`);
  const run = lib.expectOk(
    await lib.measure('node', ['--require', cpuHook, lib.BIN, 'campaign', 'run', 'bench'], {
      env: { ...env, BENCH_CPU_FILE: cpuFile },
      tmp,
    }),
    'campaign run',
  );
  p.close();
  const { readFileSync } = await import('node:fs');
  const cpuUs = Number(readFileSync(cpuFile, 'utf8'));
  const times = p.accepted;
  const span = (times.at(-1) - times[0]) / 1000;
  const achieved = (times.length - 1) / span;
  const r = {
    accepted: times.length,
    achieved: lib.round(achieved, 1),
    ratio: lib.round(achieved / rate, 3),
    peak: peakPerSecond(times),
    refused130429: p.refused[130429],
    refused131056: p.refused[131056],
    cpuUsPerMessage: Math.round(cpuUs / COUNT),
    rssMb: lib.round(run.rssMb, 1),
    wallSeconds: lib.round(run.ms / 1000, 1),
  };
  if (r.accepted !== COUNT) throw new Error(`${rate}/s: ${r.accepted} of ${COUNT} accepted`);
  results[rate] = r;
  rows.push([
    `${rate}/s`,
    r.achieved,
    `${r.ratio}x`,
    r.peak,
    r.refused130429,
    r.refused131056,
    r.cpuUsPerMessage,
    `${r.rssMb} MB`,
  ]);
}
lib.figures({ count: COUNT, results });
lib.say(`${COUNT} recipients per run`);
lib.table(rows);
for (const rate of RATES) {
  const r = results[rate];
  lib.target(`${rate}/s: achieved / target`, r.ratio, { atLeast: 0.98, unit: 'x', digits: 3 });
  lib.target(`${rate}/s: achieved / target (upper)`, r.ratio, { atMost: 1.02, unit: 'x', digits: 3 });
  lib.target(`${rate}/s: busiest one-second window`, r.peak, { atMost: rate });
  lib.target(`${rate}/s: 130429 + 131056 refusals`, r.refused130429 + r.refused131056, { atMost: 0 });
  lib.target(`${rate}/s: peak RSS`, r.rssMb, { atMost: 150, unit: ' MB' });
}
lib.finish('campaign');
