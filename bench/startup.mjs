#!/usr/bin/env node
// Start-up (issue 2, Speed): median wall time of `wabox link +919876543210 --text Hi` and `wabox --help`
// versus `node -e 0`, all in this run, interleaved round by round after warm-up rounds, output to pipes
// as in a script. For information it also times the same CLI without its code cache and unbundled
// (every source file transpiled on its own and loaded as ESM, as a plain `tsc` build would run).
//
//   node bench/startup.mjs                 # 30 runs each after 5 warm-up rounds
//   node bench/startup.mjs --runs 60 --no-info
//
// Target: each median <= 1.3 x `node -e 0`. Exit 1 when one is missed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  BIN,
  ensureBuilt,
  finish,
  machine,
  median,
  quantile,
  ROOT,
  table,
  tempDir,
  verdict,
} from './lib.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const RUNS = arg('--runs', 30);
const WARMUP = arg('--warmup', 5);
const INFO = !process.argv.includes('--no-info');
const TARGET = 1.3;

ensureBuilt();
const tmp = tempDir('wabox-bench-startup-');
const LINK = ['link', '+919876543210', '--text', 'Hi'];
const cases = [
  { name: 'node -e 0', args: ['-e', '0'] },
  {
    name: 'node bin/wabox.js link +919876543210 --text Hi',
    args: [BIN, ...LINK],
    expect: /^https:\/\/wa\.me\/919876543210\?text=Hi\n$/,
    target: true,
  },
  { name: 'node bin/wabox.js --help', args: [BIN, '--help'], expect: /^Usage: wabox /, target: true },
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

console.log(`start-up: ${RUNS} interleaved runs of each after ${WARMUP} warm-up rounds; ${machine()}`);
const times = cases.map(() => []);
for (let round = -WARMUP; round < RUNS; round++) {
  // rotate the order each round, so that no case always follows the same one
  for (let k = 0; k < cases.length; k++) {
    const i = (k + Math.max(round, 0)) % cases.length;
    const { args, expect, name } = cases[i];
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0 || (expect && !expect.test(result.stdout)))
      throw new Error(`${name} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    if (round >= 0) times[i].push(ms);
  }
}

const base = median(times[0]);
const rows = [['command', 'median ms', 'p25 ms', 'p75 ms', 'ratio', 'target']];
cases.forEach((c, i) => {
  const m = median(times[i]);
  const ratio = m / base;
  rows.push([
    c.name,
    m.toFixed(1),
    quantile(times[i], 0.25).toFixed(1),
    quantile(times[i], 0.75).toFixed(1),
    `${ratio.toFixed(2)}x`,
    c.target ? `<= ${TARGET}x ${verdict(`${c.name}: ${ratio.toFixed(2)}x`, ratio <= TARGET)}` : '',
  ]);
});
table(rows);
finish();

/** The CLI bundle compiled from its source on every start, as if the code cache were missing. */
function noCacheShim() {
  const file = join(tmp, 'no-cache.cjs');
  writeFileSync(file, `require(${JSON.stringify(BIN)}).load(false).cli.run();\n`);
  return file;
}

/** src/ transpiled file by file (no bundle) into a temp dir that sees the repo's node_modules. */
async function unbundledShim() {
  const out = join(tmp, 'unbundled');
  mkdirSync(out);
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  const entryPoints = readdirSync(join(ROOT, 'src'), { recursive: true })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join('src', f));
  await build({
    absWorkingDir: ROOT,
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
