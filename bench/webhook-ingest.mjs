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
//   node bench/webhook-ingest.mjs --db postgres://postgres@127.0.0.1:5432/test   # + two receivers on PostgreSQL
//
// With --db (a PostgreSQL on 127.0.0.1 only), each round also runs a team: two `wabox webhook serve`
// processes on one PostgreSQL schema of their own (created by the receivers' migrations, dropped at the
// end), the same load generator and payloads split fairly between them — 16 of the 32 connections and
// half of the requests each, every event delivered once, as a load balancer in front of them would; the
// duplicates two receivers see from Meta's redeliveries are the exception, and tested for correctness in
// test/e2e/team-receivers.test.ts, not measured here. For comparison (no target), one receiver alone then
// takes the whole load on a schema of its own: where the receivers, PostgreSQL and the load generator
// share the machine's cores, it shows what the second receiver costs. Reported beside the SQLite receiver
// (the baseline of the ratio): events/s, p50/p99 of each receiver, CPU per request of each receiver
// process and of PostgreSQL (its backends serving the receivers, found by application_name in
// pg_stat_activity and sampled in /proc; its background writers are not counted), lost/duplicated counted
// in the database.
//
// Each server's CPU time per request (user + system, from /proc on Linux) and the load generator's (this
// process) are reported beside the throughput: a side whose CPU per request is close to the wall time per
// request (1e6 / req/s) is the one that limits the run.
//
// Targets: throughput >= 0.5 x bare (median of the rounds' ratios), p99 <= 50 ms (worst round),
// lost = duplicated = 0 and no errors or non-2xx answers; with --db also two PostgreSQL receivers >=
// 1.0 x one SQLite receiver and their p99 <= 50 ms. Exit 1 when one is missed.
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';
import * as lib from './lib.mjs';

const REQUESTS = lib.numberArg('--requests', 40_000, { env: 'BENCH_REQUESTS', min: 32 });
const ROUNDS = lib.numberArg('--rounds', 1, { env: 'BENCH_ROUNDS' });
const CONNECTIONS = 32;
const WARMUP = Math.min(2000, REQUESTS);
const SECRET = 'bench-app-secret-0123456789';
const TARGETS = { ratio: 0.5, p99Ms: 50, teamRatio: 1.0 };
const PG_URL = pgUrl();
const APP_NAME = `wabox-bench-${process.pid}`;
let sequence = 0;

lib.ensureBuilt();
// the store on the real disk, as in production (fsync included); --tmp DIR to put it elsewhere
const dir = lib.tempDir('wabox-bench-ingest-', lib.scratchBase({ ram: false }));
lib.say(
  `webhook ingest: ${REQUESTS.toLocaleString('en')} signed one-message POSTs per server at concurrency ${CONNECTIONS}, ${ROUNDS} round(s)${PG_URL ? ', + two receivers on PostgreSQL' : ''}; ${lib.machine()}`,
);

const rounds = [];
for (let r = 1; r <= ROUNDS; r++) {
  const bare = await measureBare(r);
  const wabox = await measureWabox(r);
  const team = PG_URL && (await measureTeam(r, 2));
  const single = PG_URL && (await measureTeam(r, 1));
  rounds.push({
    round: r,
    bare,
    wabox,
    ratio: lib.round(wabox.rps / bare.rps),
    ...(team && {
      team,
      teamRatio: lib.round(team.rps / wabox.rps),
      single,
      singleRatio: lib.round(single.rps / wabox.rps),
    }),
  });
}
const ratio = lib.median(rounds.map((r) => r.ratio));
const p99 = Math.max(...rounds.map((r) => r.wabox.p99));
const sum = (f) => rounds.reduce((n, r) => n + f(r.wabox) + (r.team ? f(r.team) + f(r.single) : 0), 0);
const lost = sum((w) => w.lost);
const duplicated = sum((w) => w.duplicated);
const failed = sum((w) => w.errors + w.non2xx);
const teamRatio = PG_URL && lib.median(rounds.map((r) => r.teamRatio));
const teamP99 = PG_URL && Math.max(...rounds.map((r) => r.team.p99));
const singleRatio = PG_URL && lib.median(rounds.map((r) => r.singleRatio));

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
for (const { round: r, bare, wabox, ratio: x, team, teamRatio: tx, single, singleRatio: sx } of rounds) {
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
  if (!team) continue;
  for (const [i, one] of team.receivers.entries())
    rows.push([
      r,
      `  PostgreSQL receiver ${'AB'[i]}`,
      fmt(one.rps),
      ...perRequest(one),
      one.p50,
      one.p99,
      one.errors,
      one.non2xx,
      '',
      '',
      '',
    ]);
  rows.push([r, '  PostgreSQL backends', '', '', team.pgCpuUs, '', '', '', '', '', '', '', '']);
  rows.push([
    r,
    '2 x wabox on PostgreSQL',
    fmt(team.rps),
    ...perRequest(team),
    team.p50,
    team.p99,
    team.errors,
    team.non2xx,
    team.acked,
    team.stored,
    `${tx.toFixed(2)}x SQLite`,
  ]);
  rows.push([
    r,
    '(info) 1 x wabox on PostgreSQL',
    fmt(single.rps),
    ...perRequest(single),
    single.p50,
    single.p99,
    single.errors,
    single.non2xx,
    single.acked,
    single.stored,
    `${sx.toFixed(2)}x SQLite`,
  ]);
}
lib.table(rows);
if (PG_URL)
  lib.say(
    'server CPU of "2 x wabox on PostgreSQL": both receivers and the PostgreSQL backends, per request of the pair; a receiver\'s req/s is its own over the pair\'s time; "1 x": one receiver with the whole load, and its backends',
  );
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
  ...(PG_URL
    ? [
        [
          'two PostgreSQL receivers / one SQLite receiver (median)',
          `${teamRatio.toFixed(2)}x`,
          lib.target('two PostgreSQL receivers / one SQLite receiver', teamRatio, {
            atLeast: TARGETS.teamRatio,
            unit: 'x',
          }),
        ],
        [
          'PostgreSQL receivers p99 latency (worst)',
          `${teamP99} ms`,
          lib.target('PostgreSQL receivers p99 latency', teamP99, {
            atMost: TARGETS.p99Ms,
            unit: ' ms',
            digits: 0,
          }),
        ],
      ]
    : []),
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
  ...(PG_URL && {
    teamRatio: lib.round(teamRatio),
    teamP99Ms: teamP99,
    singleRatio: lib.round(singleRatio),
  }),
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
 * `size` receivers on one new PostgreSQL schema, an equal part of the load each (connections and
 * requests), started together: their migrations meet under the store's advisory lock, as a team's would.
 */
async function measureTeam(r, size) {
  const schema = `bench_ingest_${process.pid}_${r}_${size}`;
  const location = withSchema(PG_URL, schema);
  const nodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const logFiles = ['a', 'b'].slice(0, size).map((n) => join(dir, `serve-pg-${r}-${size}${n}.log`));
  const children = logFiles.map((logFile, i) =>
    lib.serve({
      db: location,
      configDir: join(dir, `config-pg-${size}${i}`),
      secret: SECRET,
      logFile,
      nodeArgs,
      env: { PGAPPNAME: APP_NAME },
    }),
  );
  try {
    const urls = await Promise.all(children.map((child, i) => lib.listeningUrl(logFiles[i], child)));
    const part = (n) => Math.ceil(n / size);
    const warm = await Promise.all(
      urls.map((url, i) => load(url, part(WARMUP), `pg warm-up ${r}${'ab'[i]}`)),
    );
    const backends = await pgBackends();
    const generatorAtStart = process.cpuUsage();
    const runs = await Promise.all(
      urls.map((url, i) =>
        load(url, part(REQUESTS), `pg ${r}${'ab'[i]}`, children[i].pid, CONNECTIONS / size),
      ),
    );
    const generator = process.cpuUsage(generatorAtStart);
    const pgCpuMs = await backends.stop();
    await Promise.all(children.map((child) => lib.stop(child)));
    for (const child of children)
      if (child.exitCode !== 0)
        throw new Error(`wabox webhook serve (PostgreSQL) exited ${child.exitCode ?? child.signalCode}`);
    // the pair: answers over the time from the first request of either to the last answer of either
    const seconds = (Math.max(...runs.map((x) => x.last)) - Math.min(...runs.map((x) => x.first))) / 1000;
    const answers = runs.reduce((n, x) => n + x.answers, 0);
    const receivers = runs.map((x) => summarize({ ...x, seconds, cpuMs: { ...x.cpuMs, generator: null } }));
    const perAnswer = (ms) => lib.round((ms * 1000) / answers, 1);
    const acked = new Set([...warm, ...runs].flatMap((x) => [...x.acked]));
    return {
      rps: lib.round(answers / seconds, 0),
      // both receivers and PostgreSQL's backends: what one request costs the team
      serverCpuUs: perAnswer(runs.reduce((n, x) => n + x.cpuMs.server, 0) + pgCpuMs),
      generatorCpuUs: perAnswer((generator.user + generator.system) / 1000),
      pgCpuUs: perAnswer(pgCpuMs),
      total: answers,
      // each receiver's own percentiles; the pair's p50 and p99 are the worse of the two
      p50: Math.max(...receivers.map((x) => x.p50)),
      p99: Math.max(...receivers.map((x) => x.p99)),
      errors: receivers.reduce((n, x) => n + x.errors, 0),
      non2xx: receivers.reduce((n, x) => n + x.non2xx, 0),
      receivers,
      ...(await countPgStore(schema, acked)),
    };
  } finally {
    await Promise.all(children.map((child) => lib.stop(child)));
    await dropSchema(schema);
  }
}

/** countStore's figures for a SQLite store. */
function countStore(db, acked) {
  const store = new Database(db, { readonly: true });
  try {
    const rows = store
      .prepare("SELECT wamid, count(*) AS n FROM messages WHERE direction = 'in' GROUP BY wamid")
      .all();
    const { unread } = store.prepare('SELECT coalesce(sum(unread), 0) AS unread FROM conversations').get();
    return tally(rows, unread, acked);
  } finally {
    store.close();
  }
}

/** countStore's figures for a PostgreSQL schema. */
async function countPgStore(schema, acked) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT wamid, count(*)::int AS n FROM ${schema}.messages WHERE direction = 'in' GROUP BY wamid`,
    );
    const [{ unread }] = (
      await client.query(`SELECT coalesce(sum(unread), 0)::int AS unread FROM ${schema}.conversations`)
    ).rows;
    return tally(rows, unread, acked);
  } finally {
    await client.end();
  }
}

/**
 * Lost: a wamid answered 2xx that is not stored. Duplicated: a wamid stored more than once, a message
 * stored that was never sent, or a conversation whose unread count is not its number of messages (an
 * event applied twice). `rows`: {wamid, n} per stored inbound wamid; `unread`: the conversations' sum.
 */
function tally(rows, unread, acked) {
  const counts = new Map(rows.map(({ wamid, n }) => [wamid, n]));
  let lost = 0;
  let duplicated = 0;
  for (const wamid of acked) if (!counts.has(wamid)) lost++;
  for (const [, n] of counts) duplicated += n - 1;
  const stored = [...counts.values()].reduce((a, b) => a + b, 0);
  duplicated += Math.max(0, stored - acked.size);
  duplicated += Math.abs(unread - stored);
  return { acked: acked.size, stored, unread, lost, duplicated };
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
function load(url, amount, title, serverPid, connections = CONNECTIONS) {
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
        connections,
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
          first: span.first,
          last: span.last,
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
  const perAnswer = (ms) => (ms == null ? null : lib.round((ms * 1000) / answers, 1));
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
  return [(1e6 / rps).toFixed(1), serverCpuUs ?? 'n/a', generatorCpuUs ?? ''];
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

/** --db's URL: PostgreSQL on the loopback only (a bench never leaves the machine); undefined without --db. */
function pgUrl() {
  const i = process.argv.indexOf('--db');
  if (i === -1) return undefined;
  const raw = process.argv[i + 1] ?? '';
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--db takes a postgres:// URL, not "${raw}"`);
  }
  if (!/^postgres(ql)?:$/.test(url.protocol)) throw new Error(`--db takes a postgres:// URL, not "${raw}"`);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    throw new Error(`--db: PostgreSQL on 127.0.0.1 only, not ${url.hostname}`);
  url.searchParams.delete('schema');
  return url.href;
}

/** The store's URL for a schema of the --db database. */
function withSchema(href, schema) {
  const url = new URL(href);
  url.searchParams.set('schema', schema);
  return url.href;
}

async function dropSchema(schema) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * The CPU time PostgreSQL spends for the receivers: their sessions' backend processes (application_name
 * APP_NAME in pg_stat_activity), read from /proc every 250 ms so that a session that ends during the run
 * still counts; one started during the run counts from zero. stop() resolves with the ms used since.
 */
async function pgBackends() {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  const seen = new Map(); // pid -> { first, last }
  const sample = async (atStart) => {
    const { rows } = await client.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
      APP_NAME,
    ]);
    for (const { pid } of rows) {
      const ms = processCpuMs(pid);
      if (ms === null) continue;
      const known = seen.get(pid);
      if (known) known.last = ms;
      else seen.set(pid, { first: atStart ? ms : 0, last: ms });
    }
  };
  await sample(true);
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(() => sample(false));
  }, 250);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      // the sessions that are still there, read once more (a pid seen before is read from /proc directly)
      await sample(false);
      for (const [pid, known] of seen) known.last = processCpuMs(pid) ?? known.last;
      await client.end();
      return [...seen.values()].reduce((n, { first, last }) => n + (last - first), 0);
    },
  };
}

function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}
