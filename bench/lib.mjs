// Shared by the bench scripts: build-if-needed, child processes that report their peak RSS, statistics
// and the report table. Benches print figures and the ratio to a baseline measured in the same run
// (DESIGN.md §8): this machine is shared and noisy, ratios hold better than absolute times.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'bin/wabox.js');

/** Builds dist/ (without type declarations) when the CLI bundle is missing. */
export function ensureBuilt() {
  if (existsSync(join(ROOT, 'dist/cli.cjs')) && existsSync(join(ROOT, 'dist/qr-worker.js'))) return;
  console.log('dist/ is missing: node scripts/build.mjs --no-types');
  execFileSync(process.execPath, ['scripts/build.mjs', '--no-types'], { cwd: ROOT, stdio: 'inherit' });
}

/** A temp dir that is removed when the process exits, however it exits. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      remove();
      process.exit(130);
    });
  }
  return dir;
}

/**
 * Runs a command to completion; resolves with its wall time, exit code, output and, for node commands
 * (`node` as the command), its peak RSS (getrusage maxrss, read at exit by a --require'd hook: the
 * whole process, worker threads included).
 */
export function measure(command, args, options = {}) {
  const rssFile = join(options.tmp ?? tmpdir(), `rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const isNode = command === 'node';
  const fullArgs = isNode ? ['--require', RSS_HOOK, ...args] : args;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(isNode ? process.execPath : command, fullArgs, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env, BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout?.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      let rssKb = null;
      if (isNode && existsSync(rssFile)) {
        rssKb = Number(readFileSync(rssFile, 'utf8'));
        rmSync(rssFile, { force: true });
      }
      resolve({
        ms,
        code,
        signal,
        rssMb: rssKb === null ? null : rssKb / 1024,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      });
    });
  });
}

/** Throws with the child's stderr unless it exited 0. */
export function expectOk(result, what) {
  if (result.code !== 0)
    throw new Error(`${what} exited ${result.code ?? result.signal}:\n${result.stderr.slice(-2000)}`);
  return result;
}

const RSS_HOOK = (() => {
  const dir = tempDir('wabox-bench-hook-');
  const file = join(dir, 'rss-hook.cjs');
  writeFileSync(
    file,
    `process.on('exit', () => { if (process.env.BENCH_RSS_FILE) require('node:fs').writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)); });\n`,
  );
  return file;
})();

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** One line about the machine, printed by every bench. */
export function machine() {
  return `node ${process.version}, ${availableParallelism()} cores`;
}

/** Prints rows of cells as aligned columns. */
export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
        .join('  '),
    );
}

/** `ok` or `MISSED` for a figure against its target; collects misses for the exit code. */
export const verdicts = { missed: [] };
export function verdict(name, ok) {
  if (!ok) verdicts.missed.push(name);
  return ok ? 'ok' : 'MISSED';
}

/** Exit code of a bench: 1 when a target was missed (benches are not run in CI; scripts may use it). */
export function finish() {
  if (verdicts.missed.length > 0) {
    console.log(`\ntargets missed: ${verdicts.missed.join('; ')}`);
    process.exitCode = 1;
  } else console.log('\nall targets met');
}
