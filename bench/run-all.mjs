#!/usr/bin/env node
// Runs every bench in sequence (startup, link-batch, qr-batch, webhook-ingest, template-import,
// inbox-scale, report, campaign; inbox-scale builds stores of up to 1M messages: minutes), each as its
// own child process so that none disturbs another's measurements, after building dist/ once if missing.
// Each bench prints its figures, the ratio to its in-run baseline and PASS/MISS per target.
//
//   npm run bench                      # = node bench/run-all.mjs
//   node bench/run-all.mjs --json      # one JSON object keyed by bench: each bench's own --json report
//   node bench/run-all.mjs --only startup,qr-batch
//
// Exit 1 when any bench missed a target or failed (a bench exits 1 for a miss, 2 when it failed), else 0.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import * as lib from './lib.mjs';

const BENCHES = [
  'startup',
  'link-batch',
  'qr-batch',
  'webhook-ingest',
  'template-import',
  'inbox-scale',
  'report',
  'campaign',
];
/** A bench that runs longer than this is stopped and counted as failed (bounded). */
const TIMEOUT_MS = 30 * 60_000;

const only = process.argv.indexOf('--only');
const selected = only === -1 ? BENCHES : process.argv[only + 1].split(',');
const unknown = selected.filter((name) => !BENCHES.includes(name));
if (unknown.length > 0)
  throw new Error(`no bench named ${unknown.join(', ')} (benches: ${BENCHES.join(', ')})`);

lib.ensureBuilt();
const reports = {};
const outcomes = [];
for (const name of selected) {
  lib.say(`\n== bench/${name}.mjs ${'='.repeat(Math.max(0, 60 - name.length))}`);
  const started = performance.now();
  const { code, stdout } = await runBench(name);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const outcome = code === 0 ? 'pass' : code === 1 ? 'missed' : 'failed';
  if (lib.JSON_OUT) {
    try {
      reports[name] = JSON.parse(stdout);
    } catch {
      reports[name] = { bench: name, error: `exited ${code} without a report`, pass: false };
    }
  }
  outcomes.push({ name, outcome, code, seconds });
}

lib.say('\n== summary');
for (const { name, outcome, code, seconds } of outcomes)
  lib.say(
    `${outcome === 'pass' ? 'PASS' : outcome === 'missed' ? 'MISS' : 'FAIL'}  ${name} (exit ${code}, ${seconds} s)`,
  );
if (lib.JSON_OUT) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
if (outcomes.some((o) => o.outcome !== 'pass')) process.exitCode = 1;

/** Runs one bench; under --json its stdout (the report) is captured, its human lines pass through. */
function runBench(name) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(lib.ROOT, 'bench', `${name}.mjs`), ...(lib.JSON_OUT ? ['--json'] : [])],
      {
        cwd: lib.ROOT,
        stdio: ['ignore', lib.JSON_OUT ? 'pipe' : 'inherit', 'inherit'],
      },
    );
    const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_MS);
    const out = [];
    child.stdout?.on('data', (chunk) => out.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, stdout: Buffer.concat(out).toString() });
    });
  });
}
