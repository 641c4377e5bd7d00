#!/usr/bin/env node
// Start-up: median wall time of `wabox link +919876543210 --text Hi` and `wabox --help`
// versus `node -e 0`, all in this run, interleaved round by round after warm-up rounds, output to pipes
// as in a script. For information it also times the same CLI without its code cache and unbundled
// (every source file transpiled on its own and loaded as ESM, as a plain `tsc` build would run).
//
//   node bench/startup.mjs                 # 30 runs each after 5 warm-up rounds
//   node bench/startup.mjs --runs 60 --warmup 10 --no-info
//   node bench/startup.mjs --json          # the same figures as one JSON object on stdout
//
// Target: each median <= 1.3 x `node -e 0` (PASS/MISS per command). Exit 1 when one is missed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import * as lib from './lib.mjs';

const RUNS = lib.numberArg('--runs', 30);
const WARMUP = lib.numberArg('--warmup', 5, { min: 0 });
const INFO = !process.argv.includes('--no-info');
const TARGET = 1.3;

lib.ensureBuilt();
const tmp = lib.tempDir('wabox-bench-startup-');
const LINK = ['link', '+919876543210', '--text', 'Hi'];
const cases = [
  { name: 'node -e 0', args: ['-e', '0'] },
  {
    name: 'node bin/wabox.js link +919876543210 --text Hi',
    args: [lib.BIN, ...LINK],
    expect: /^https:\/\/wa\.me\/919876543210\?text=Hi\n$/,
    target: true,
  },
  { name: 'node bin/wabox.js --help', args: [lib.BIN, '--help'], expect: /^Usage: wabox /, target: true },
];
if (INFO) {
  cases.push({
    name: '(info) link, bundle without its code cache',
    args: [noCacheShim(), ...LINK],
    expect: /wa\.me/,
  });
  const unbundled = await unbundledShim();
  cases.push({ name: '(info) link, unbundled ESM', args: [unbundled, ...LINK], expect: /wa\.me/ });
  cases.push({ name: '(info) --help, unbundled ESM', args: [unbundled, '--help'], expect: /^Usage: wabox / });
}

lib.say(`start-up: ${RUNS} interleaved runs of each after ${WARMUP} warm-up rounds; ${lib.machine()}`);
const times = cases.map(() => []);
for (let round = -WARMUP; round < RUNS; round++) {
  // rotate the order each round, so that no case always follows the same one
  for (let k = 0; k < cases.length; k++) {
    const i = (k + Math.max(round, 0)) % cases.length;
    const { args, expect, name } = cases[i];
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, {
      cwd: lib.ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0 || (expect && !expect.test(result.stdout)))
      throw new Error(`${name} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    if (round >= 0) times[i].push(ms);
  }
}

const base = lib.median(times[0]);
const rows = [['command', 'median ms', 'p25 ms', 'p75 ms', 'ratio', 'target']];
const results = cases.map((c, i) => {
  const m = lib.median(times[i]);
  const ratio = m / base;
  rows.push([
    c.name,
    m.toFixed(1),
    lib.quantile(times[i], 0.25).toFixed(1),
    lib.quantile(times[i], 0.75).toFixed(1),
    `${ratio.toFixed(3)}x`,
    c.target
      ? lib.target(`${c.name} (ratio to node -e 0)`, ratio, { atMost: TARGET, unit: 'x', digits: 3 })
      : '',
  ]);
  return {
    command: c.name,
    medianMs: lib.round(m, 1),
    p25Ms: lib.round(lib.quantile(times[i], 0.25), 1),
    p75Ms: lib.round(lib.quantile(times[i], 0.75), 1),
    ratio: lib.round(ratio, 3),
  };
});
lib.table(rows);
lib.figures({ runs: RUNS, warmup: WARMUP, commands: results });
lib.finish('startup');

/** The CLI bundle compiled from its source on every start, as if the code cache were missing. */
function noCacheShim() {
  const file = join(tmp, 'no-cache.cjs');
  writeFileSync(file, `require(${JSON.stringify(lib.BIN)}).load(false).cli.run();\n`);
  return file;
}

/** src/ transpiled file by file (no bundle) into a temp dir that sees the repo's node_modules. */
async function unbundledShim() {
  const out = join(tmp, 'unbundled');
  mkdirSync(out);
  symlinkSync(join(lib.ROOT, 'node_modules'), join(out, 'node_modules'));
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  const entryPoints = readdirSync(join(lib.ROOT, 'src'), { recursive: true })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join('src', f));
  await build({
    absWorkingDir: lib.ROOT,
    entryPoints,
    outdir: join(out, 'src'),
    outbase: 'src',
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    define: { WABOX_VERSION: '"0.0.0-bench"' },
    logLevel: 'error',
  });
  const shim = join(out, 'wabox.js');
  writeFileSync(shim, "import { run } from './src/cli/entry.js';\nrun();\n");
  return shim;
}
