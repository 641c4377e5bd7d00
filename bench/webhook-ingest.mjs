#!/usr/bin/env node
// Webhook ingest (issue 5, Speed): signed one-message payloads from autocannon at concurrency 32 against
// `wabox webhook serve` (the built CLI, a real SQLite file, logs on), versus a bare node:http server
// that reads the body and answers 200 without work — both measured in this run, on this machine.
// Then every wamid answered 2xx is looked up in the store: zero lost, zero duplicated.
//
//   node bench/webhook-ingest.mjs                 # 40,000 requests per server
//   BENCH_REQUESTS=50000 BENCH_ROUNDS=3 node bench/webhook-ingest.mjs
//   node bench/webhook-ingest.mjs --json          # one JSON document on stdout
//
// Targets: throughput >= 0.5 x bare, p99 <= 50 ms, lost = duplicated = 0. Exit 1 when one is missed.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';

const ROOT = resolve(import.meta.dirname, '..');
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 40_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const CONNECTIONS = 32;
const SECRET = 'bench-app-secret-0123456789';
const JSON_OUT = process.argv.includes('--json');
let sequence = 0;
const say = (line) => (JSON_OUT ? process.stderr : process.stdout).write(`${line}\n`);

if (!existsSync(join(ROOT, 'dist/cli.js'))) {
  say('building dist/ first (node scripts/build.mjs --no-types)');
  await run(process.execPath, ['scripts/build.mjs', '--no-types']);
}

const dir = mkdtempSync(join(tmpdir(), 'wabox-bench-ingest-'));
try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function main() {
  const rounds = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const bare = await measureBare(round);
    const wabox = await measureWabox(round);
    rounds.push({ round, bare, wabox, ratio: wabox.rps / bare.rps });
    say(
      `round ${round}: bare ${fmt(bare.rps)} req/s p99 ${bare.p99} ms | wabox ${fmt(wabox.rps)} req/s p99 ${wabox.p99} ms | ratio ${rounds.at(-1).ratio.toFixed(2)} | stored ${wabox.stored}/${wabox.acked} acked, lost ${wabox.lost}, duplicated ${wabox.duplicated}`,
    );
  }
  const ratio = median(rounds.map((r) => r.ratio));
  const p99 = Math.max(...rounds.map((r) => r.wabox.p99));
  const lost = rounds.reduce((n, r) => n + r.wabox.lost, 0);
  const duplicated = rounds.reduce((n, r) => n + r.wabox.duplicated, 0);
  const errors = rounds.reduce((n, r) => n + r.wabox.errors + r.wabox.non2xx, 0);
  const pass = ratio >= 0.5 && p99 <= 50 && lost === 0 && duplicated === 0 && errors === 0;
  const summary = {
    requests: REQUESTS,
    connections: CONNECTIONS,
    rounds,
    ratio: +ratio.toFixed(3),
    p99Ms: p99,
    lost,
    duplicated,
    errors,
    targets: { ratio: 0.5, p99Ms: 50 },
    pass,
  };
  if (JSON_OUT) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  say(
    `webhook ingest, ${REQUESTS} signed one-message POSTs x ${CONNECTIONS} connections: ratio ${ratio.toFixed(2)} x bare (target >= 0.5), p99 ${p99} ms (target <= 50), lost ${lost}, duplicated ${duplicated}, errors ${errors}: ${pass ? 'PASS' : 'FAIL'}`,
  );
  if (!pass) process.exitCode = 1;
}

// -- the servers -------------------------------------------------------------------------------------

async function measureBare(round) {
  const code = `
    const http = require('node:http');
    const server = http.createServer((req, res) => {
      req.on('data', () => {});
      req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }); res.end('ok\\n'); });
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));
    process.on('SIGTERM', () => server.close(() => process.exit(0)));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((ok) => child.stdout.once('data', (d) => ok(Number(String(d).trim()))));
  const url = `http://127.0.0.1:${port}/webhook`;
  try {
    await load(url, Math.min(2000, REQUESTS), `bare warm-up ${round}`);
    const r = await load(url, REQUESTS, `bare ${round}`);
    return summarize(r);
  } finally {
    await stop(child);
  }
}

async function measureWabox(round) {
  const db = join(dir, `wabox-${round}.db`);
  const logFile = join(dir, `serve-${round}.log`);
  // BENCH_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the receiver
  const nodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, join(ROOT, 'bin/wabox.js'), 'webhook', 'serve', '--port', '0'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        WABOX_DB: db,
        WABOX_CONFIG_DIR: join(dir, 'config'),
        WABOX_APP_SECRET: SECRET,
        WABOX_VERIFY_TOKEN: 'bench-verify-token',
      },
      // logs on, as in production, into a file (a pipe nobody reads would stall the receiver)
      stdio: ['ignore', 'ignore', openSync(logFile, 'w')],
    },
  );
  const url = await listeningUrl(logFile, child);
  try {
    const warm = await load(url, Math.min(2000, REQUESTS), `wabox warm-up ${round}`);
    const r = await load(url, REQUESTS, `wabox ${round}`);
    const summary = summarize(r);
    for (const wamid of warm.acked) r.acked.add(wamid);
    await stop(child);
    // zero lost: every wamid answered 2xx is stored; zero duplicated: each exactly once
    const store = new Database(db, { readonly: true });
    const count = store.prepare('SELECT count(*) AS n FROM messages WHERE wamid = ?');
    let lost = 0;
    let duplicated = 0;
    for (const wamid of r.acked) {
      const { n } = count.get(wamid);
      if (n === 0) lost++;
      if (n > 1) duplicated += n - 1;
    }
    const totals = store.prepare('SELECT count(*) AS n, count(DISTINCT wamid) AS d FROM messages').get();
    store.close();
    duplicated += totals.n - totals.d;
    return { ...summary, acked: r.acked.size, stored: totals.n, lost, duplicated };
  } finally {
    await stop(child);
  }
}

// -- the load ----------------------------------------------------------------------------------------

/** A Meta-shaped one-message webhook, unique wamid, 1,000 different customers, signed over its bytes. */
function nextBody() {
  const i = sequence++;
  const wamid = `wamid.BENCH${process.pid}x${i}`;
  const from = `9198${String(10_000_000 + (i % 1000)).slice(-8)}`;
  const now = Math.floor(Date.now() / 1000);
  const body = `{"object":"whatsapp_business_account","entry":[{"id":"419561257915477","time":${now},"changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Customer ${i % 1000}"},"wa_id":"${from}"}],"messages":[{"from":"${from}","id":"${wamid}","timestamp":"${now}","type":"text","text":{"body":"Does it come in another color? n\\u00famero ${i}"}}]}}]}]}`;
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  return { wamid, body, signature };
}

function load(url, amount, title) {
  const acked = new Set();
  const started = performance.now();
  return new Promise((ok, fail) => {
    autocannon(
      {
        url,
        title,
        connections: CONNECTIONS,
        amount,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            setupRequest(request, context) {
              const { wamid, body, signature } = nextBody();
              context.wamid = wamid;
              request.body = body;
              request.headers = {
                'content-type': 'application/json',
                'x-hub-signature-256': signature,
              };
              return request;
            },
            onResponse(status, _body, context) {
              if (status >= 200 && status < 300) acked.add(context.wamid);
            },
          },
        ],
      },
      (err, result) =>
        err ? fail(err) : ok({ result, acked, seconds: (performance.now() - started) / 1000 }),
    );
  });
}

/** Throughput over the whole run (autocannon's average of 1-second samples is coarse for short runs). */
function summarize({ result, seconds }) {
  return {
    rps: result.requests.total / seconds,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

// -- plumbing ----------------------------------------------------------------------------------------

async function listeningUrl(logFile, child) {
  const started = Date.now();
  while (Date.now() - started < 15_000) {
    if (child.exitCode !== null)
      throw new Error(`wabox webhook serve exited:\n${readFileSync(logFile, 'utf8')}`);
    const m = /"url":"([^"]+)".*"msg":"listening"/.exec(readFileSync(logFile, 'utf8'));
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`wabox webhook serve did not start:\n${readFileSync(logFile, 'utf8')}`);
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    child.once('exit', () => ok());
    child.kill('SIGTERM');
  });
}

function run(cmd, args) {
  return new Promise((ok, fail) =>
    spawn(cmd, args, { cwd: ROOT, stdio: 'inherit' }).once('exit', (code) =>
      code === 0 ? ok() : fail(new Error(`${cmd} ${args.join(' ')} exited ${code}`)),
    ),
  );
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}
