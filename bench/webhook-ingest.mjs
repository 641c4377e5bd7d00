#!/usr/bin/env node
// Webhook ingest: signed one-message payloads from autocannon at concurrency 32 against
// `wabox webhook serve` (the built CLI via bin/wabox.js, a real SQLite file, logs on), versus a bare
// node:http server that reads the body and answers 200 without work — both measured in this run, on this
// machine, on 127.0.0.1 only. Then the store is counted: every wamid answered 2xx is stored (zero lost),
// each exactly once, and each conversation's unread count equals its stored messages (zero duplicated).
//
//   node bench/webhook-ingest.mjs                          # 40,000 requests per server, 1 round
//   node bench/webhook-ingest.mjs --requests 50000 --rounds 3
//   node bench/webhook-ingest.mjs --json                   # the same figures as one JSON object on stdout
//   node bench/webhook-ingest.mjs --tmp /dev/shm           # the store on a RAM disk (default: the OS temp dir)
//   BENCH_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node bench/webhook-ingest.mjs   # profile
//
// Each server's CPU time per request (user + system, from /proc on Linux) and the load generator's (this
// process) are reported beside the throughput: a side whose CPU per request is close to the wall time per
// request (1e6 / req/s) is the one that limits the run.
//
// Targets: throughput >= 0.5 x bare (median of the rounds' ratios), p99 <= 50 ms (worst round),
// lost = duplicated = 0 and no errors or non-2xx answers. Exit 1 when one is missed.
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import * as lib from './lib.mjs';

const REQUESTS = lib.numberArg('--requests', 40_000, { env: 'BENCH_REQUESTS', min: 32 });
const ROUNDS = lib.numberArg('--rounds', 1, { env: 'BENCH_ROUNDS' });
const CONNECTIONS = 32;
const WARMUP = Math.min(2000, REQUESTS);
const SECRET = 'bench-app-secret-0123456789';
const TARGETS = { ratio: 0.5, p99Ms: 50 };
let sequence = 0;

lib.ensureBuilt();
// the store on the real disk, as in production (fsync included); --tmp DIR to put it elsewhere
const dir = lib.tempDir('wabox-bench-ingest-', lib.scratchBase({ ram: false }));
lib.say(
  `webhook ingest: ${REQUESTS.toLocaleString('en')} signed one-message POSTs per server at concurrency ${CONNECTIONS}, ${ROUNDS} round(s); ${lib.machine()}`,
);

const rounds = [];
for (let r = 1; r <= ROUNDS; r++) {
  const bare = await measureBare(r);
  const wabox = await measureWabox(r);
  rounds.push({ round: r, bare, wabox, ratio: lib.round(wabox.rps / bare.rps) });
}
const ratio = lib.median(rounds.map((r) => r.ratio));
const p99 = Math.max(...rounds.map((r) => r.wabox.p99));
const sum = (f) => rounds.reduce((n, r) => n + f(r.wabox), 0);
const lost = sum((w) => w.lost);
const duplicated = sum((w) => w.duplicated);
const failed = sum((w) => w.errors + w.non2xx);

const rows = [
  [
    'round',
    'server',
    'req/s',
    'wall us/req',
    'server CPU us/req',
    'load gen CPU us/req',
    'p50 ms',
    'p99 ms',
    'errors',
    'non-2xx',
    'acked',
    'stored',
    'ratio',
  ],
];
for (const { round: r, bare, wabox, ratio: x } of rounds) {
  rows.push([
    r,
    'bare node:http',
    fmt(bare.rps),
    ...perRequest(bare),
    bare.p50,
    bare.p99,
    bare.errors,
    bare.non2xx,
    '',
    '',
    '1.00x',
  ]);
  rows.push([
    r,
    'wabox webhook serve',
    fmt(wabox.rps),
    ...perRequest(wabox),
    wabox.p50,
    wabox.p99,
    wabox.errors,
    wabox.non2xx,
    wabox.acked,
    wabox.stored,
    `${x.toFixed(2)}x`,
  ]);
}
lib.table(rows);
lib.say('');
lib.table([
  ['target', 'figure', 'verdict'],
  [
    'throughput, ratio to bare (median of rounds)',
    `${ratio.toFixed(2)}x`,
    lib.target('throughput, ratio to bare', ratio, { atLeast: TARGETS.ratio, unit: 'x' }),
  ],
  [
    'wabox p99 latency (worst round)',
    `${p99} ms`,
    lib.target('wabox p99 latency', p99, { atMost: TARGETS.p99Ms, unit: ' ms', digits: 0 }),
  ],
  ['lost events (acked, not stored)', lost, lib.target('lost events', lost, { atMost: 0 })],
  ['duplicated events', duplicated, lib.target('duplicated events', duplicated, { atMost: 0 })],
  [
    'failed requests (errors, timeouts, non-2xx)',
    failed,
    lib.target('failed requests', failed, { atMost: 0 }),
  ],
]);
lib.figures({
  requests: REQUESTS,
  connections: CONNECTIONS,
  rounds,
  ratio: lib.round(ratio),
  p99Ms: p99,
  lost,
  duplicated,
  failed,
});
lib.finish('webhook-ingest');

// -- the servers -------------------------------------------------------------------------------------

async function measureBare(r) {
  const code = `
    const http = require('node:http');
    const server = http.createServer((req, res) => {
      req.on('data', () => {});
      req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }); res.end('ok\\n'); });
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));
    process.on('SIGTERM', () => server.close(() => process.exit(0)));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise((ok, fail) => {
      child.stdout.once('data', (d) => ok(Number(String(d).trim())));
      child.once('exit', (status) => fail(new Error(`the bare server exited ${status}`)));
    });
    const url = `http://127.0.0.1:${port}/webhook`;
    await load(url, WARMUP, `bare warm-up ${r}`);
    return summarize(await load(url, REQUESTS, `bare ${r}`, child.pid));
  } finally {
    await lib.stop(child);
  }
}

async function measureWabox(r) {
  const db = join(dir, `wabox-${r}.db`);
  const logFile = join(dir, `serve-${r}.log`);
  const nodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = lib.serve({ db, configDir: join(dir, 'config'), secret: SECRET, logFile, nodeArgs });
  try {
    const url = await lib.listeningUrl(logFile, child);
    const warm = await load(url, WARMUP, `wabox warm-up ${r}`);
    const run = await load(url, REQUESTS, `wabox ${r}`, child.pid);
    const summary = summarize(run);
    // SIGTERM: the receiver finishes the requests in flight and closes the store
    await lib.stop(child);
    if (child.exitCode !== 0)
      throw new Error(`wabox webhook serve exited ${child.exitCode ?? child.signalCode}`);
    return { ...summary, ...countStore(db, new Set([...warm.acked, ...run.acked])) };
  } finally {
    await lib.stop(child);
  }
}

/**
 * Lost: a wamid answered 2xx that is not stored. Duplicated: a wamid stored more than once, a message
 * stored that was never sent, or a conversation whose unread count is not its number of messages (an
 * event applied twice).
 */
function countStore(db, acked) {
  const store = new Database(db, { readonly: true });
  try {
    const counts = new Map();
    for (const { wamid, n } of store
      .prepare("SELECT wamid, count(*) AS n FROM messages WHERE direction = 'in' GROUP BY wamid")
      .iterate())
      counts.set(wamid, n);
    let lost = 0;
    let duplicated = 0;
    for (const wamid of acked) if (!counts.has(wamid)) lost++;
    for (const [, n] of counts) duplicated += n - 1;
    const stored = [...counts.values()].reduce((a, b) => a + b, 0);
    duplicated += Math.max(0, stored - acked.size);
    const { unread } = store.prepare('SELECT coalesce(sum(unread), 0) AS unread FROM conversations').get();
    duplicated += Math.abs(unread - stored);
    return { acked: acked.size, stored, unread, lost, duplicated };
  } finally {
    store.close();
  }
}

// -- the load ----------------------------------------------------------------------------------------

/** A Meta-shaped one-message webhook, unique wamid, 1,000 different customers, signed over its bytes. */
function nextBody() {
  const i = sequence++;
  const from = `9198${String(10_000_000 + (i % 1000)).slice(-8)}`;
  const wamid = lib.metaWamid(from, `${randomBytes(6).toString('hex')}${i.toString(16).padStart(8, '0')}`);
  const now = Math.floor(Date.now() / 1000);
  const body = `{"object":"whatsapp_business_account","entry":[{"id":"419561257915477","time":${now},"changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Customer ${i % 1000}"},"wa_id":"${from}"}],"messages":[{"from":"${from}","id":"${wamid}","timestamp":"${now}","type":"text","text":{"body":"Does it come in another color? n\\u00famero ${i}"}}]}}]}]}`;
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  return { wamid, body, signature };
}

/**
 * `amount` requests at CONNECTIONS concurrency (bounded: autocannon stops after them, 30 s timeout each).
 * The bodies are made and signed beforehand, so that the load generator, which shares this machine's
 * cores with the server, spends the measured time sending. With `serverPid`, the CPU time the server and
 * this process (the load generator) used during the run is measured too.
 */
function load(url, amount, title, serverPid) {
  const acked = new Set();
  const bodies = Array.from({ length: amount }, nextBody);
  let next = 0;
  // autocannon notices `amount` only on its sample tick (sampleInt, 1 s by default), so its end time is
  // late by up to a tick: the run is timed here, from the first request made to the last answer
  const span = { first: 0, last: 0, answers: 0 };
  const cpuAtStart = { server: serverPid && processCpuMs(serverPid), generator: process.cpuUsage() };
  return new Promise((ok, fail) => {
    autocannon(
      {
        url,
        title,
        connections: CONNECTIONS,
        amount,
        timeout: 30,
        sampleInt: 100,
        requests: [
          {
            method: 'POST',
            setupRequest(request, context) {
              span.first ||= performance.now();
              const { wamid, body, signature } = bodies[next++] ?? nextBody();
              context.wamid = wamid;
              request.body = body;
              request.headers = {
                'content-type': 'application/json',
                'x-hub-signature-256': signature,
              };
              return request;
            },
            onResponse(status, _body, context) {
              span.answers++;
              span.last = performance.now();
              if (status >= 200 && status < 300) acked.add(context.wamid);
            },
          },
        ],
      },
      (err, result) => {
        if (err) return fail(err);
        const generator = process.cpuUsage(cpuAtStart.generator);
        const server = serverPid && processCpuMs(serverPid);
        ok({
          result,
          acked,
          answers: span.answers,
          seconds: (span.last - span.first) / 1000,
          cpuMs: {
            server: server == null || cpuAtStart.server == null ? null : server - cpuAtStart.server,
            generator: (generator.user + generator.system) / 1000,
          },
        });
      },
    );
  });
}

/** Throughput: answers over the time from the first request to the last answer. */
function summarize({ result, answers, seconds, cpuMs }) {
  const perAnswer = (ms) => (ms === null ? null : lib.round((ms * 1000) / answers, 1));
  return {
    rps: lib.round(answers / seconds, 0),
    serverCpuUs: perAnswer(cpuMs.server),
    generatorCpuUs: perAnswer(cpuMs.generator),
    total: answers,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Wall time, the server's CPU and the load generator's CPU per request, in microseconds, for the table. */
function perRequest({ rps, serverCpuUs, generatorCpuUs }) {
  return [(1e6 / rps).toFixed(1), serverCpuUs ?? 'n/a', generatorCpuUs];
}

// -- plumbing ----------------------------------------------------------------------------------------

/** Clock ticks per second, the unit of /proc/<pid>/stat's CPU times (asked once). */
function clockTicks() {
  try {
    clockTicks.value ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    clockTicks.value = 100;
  }
  return clockTicks.value;
}

/** The CPU time (user + system, ms) a process has used so far; null without /proc (not Linux). */
function processCpuMs(pid) {
  try {
    // the fields after the command name, which ends with ") ": utime and stime are the 12th and 13th
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
  } catch {
    return null;
  }
}

function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}
