// Shared by the bench scripts: build-if-needed, arguments, child processes that report their peak RSS,
// statistics, valid test numbers, and the report (a table, PASS/MISS per target, --json, the exit code).
// Benches print figures and the ratio to a baseline measured in the same run (DESIGN.md §8): this
// machine is shared and noisy, ratios hold better than absolute times.
//
// Every bench: `node bench/<name>.mjs [--json]`. With --json the human lines go to stderr and stdout
// carries one JSON object: {bench, machine, figures, targets: [{name, value, op, limit, unit, pass}], pass}.
// Exit code 1 when a target is missed, 2 when the bench itself failed (an exception), else 0.
import { execFileSync, spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The CLI as users run it (never dist/cli.js: that is an old name). */
export const BIN = join(ROOT, 'bin/wabox.js');
/** require() from the repo, for the dependencies a baseline uses directly. */
export const requireFromRoot = createRequire(join(ROOT, 'package.json'));

/** --json: one JSON object on stdout, the human-readable lines on stderr. */
export const JSON_OUT = process.argv.includes('--json');

// a bench that fails (a command exits non-zero, an output check fails) exits 2, not 1 as for a missed target
for (const event of ['uncaughtException', 'unhandledRejection'])
  process.on(event, (err) => {
    process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
    process.exit(2);
  });

/** Prints a human-readable line (to stderr under --json, so that stdout stays one JSON object). */
export function say(line = '') {
  (JSON_OUT ? process.stderr : process.stdout).write(`${line}\n`);
}

/** With --help: prints the comment at the top of the bench's file (its usage) and exits 0. */
export function helpAndExit(benchUrl) {
  if (!process.argv.includes('--help')) return;
  const lines = readFileSync(new URL(benchUrl), 'utf8').split('\n').slice(1);
  const comment = lines.slice(
    0,
    lines.findIndex((line) => !line.startsWith('//')),
  );
  process.stdout.write(`${comment.map((line) => line.slice(3)).join('\n')}\n`);
  process.exit(0);
}

/** A whole number >= min given as `--name N` (or in the environment variable `env`), else fallback. */
export function numberArg(name, fallback, { env, min = 1 } = {}) {
  const i = process.argv.indexOf(name);
  const raw = i === -1 ? (env ? process.env[env] : undefined) : process.argv[i + 1];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} takes a whole number >= ${min}, not ${raw}`);
  return value;
}

/** One of `choices` given as `--name value`; the first choice when absent. */
export function choiceArg(name, choices) {
  const i = process.argv.indexOf(name);
  if (i === -1) return choices[0];
  const value = process.argv[i + 1];
  if (!choices.includes(value)) throw new Error(`${name} takes one of ${choices.join(', ')}, not ${value}`);
  return value;
}

/** Builds dist/ (without type declarations) when the CLI bundle is missing; warns when src/ is newer. */
export function ensureBuilt() {
  const bundle = join(ROOT, 'dist/cli.cjs');
  if (!existsSync(bundle) || !existsSync(join(ROOT, 'dist/batch-worker.js'))) {
    say('dist/ is missing: node scripts/build.mjs --no-types');
    execFileSync(process.execPath, ['scripts/build.mjs', '--no-types'], {
      cwd: ROOT,
      stdio: ['ignore', 2, 2],
    });
    return;
  }
  const built = statSync(bundle).mtimeMs;
  const newer = readdirSync(join(ROOT, 'src'), { recursive: true }).filter(
    // throwIfNoEntry: a file may go between the listing and the stat while someone edits src/
    (f) =>
      f.endsWith('.ts') && (statSync(join(ROOT, 'src', f), { throwIfNoEntry: false })?.mtimeMs ?? 0) > built,
  );
  if (newer.length > 0)
    say(
      `note: ${newer.length} file(s) in src/ are newer than dist/ (${newer[0]}, ...): this measures the last build`,
    );
}

/**
 * Where benches that write many or big files put them: `--tmp DIR`, else the RAM disk /dev/shm where
 * there is one (unless `ram` is false), else the OS temp dir. This VM's disk is throttled: after a burst,
 * creating a small file takes ~0.7 ms instead of ~0.05 ms (at most ~1,400 files/s), which would measure
 * the VM's disk rather than wabox against its baseline.
 */
export function scratchBase({ ram = true } = {}) {
  const i = process.argv.indexOf('--tmp');
  if (i !== -1) return process.argv[i + 1];
  if (!ram) return tmpdir();
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/** A temp dir (in `base`) that is removed when the process exits, however it exits. */
export function tempDir(prefix, base = tmpdir()) {
  const dir = mkdtempSync(join(base, prefix));
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
 * whole process, worker threads included). Killed after options.timeoutMs (default 15 minutes).
 */
export function measure(command, args, options = {}) {
  const rssFile = join(options.tmp ?? tmpdir(), `rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const isNode = command === 'node';
  const fullArgs = isNode ? ['--require', rssHook(), ...args] : args;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(isNode ? process.execPath : command, fullArgs, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env, BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15 * 60_000);
    const out = [];
    const err = [];
    child.stdout?.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
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

let hookFile;
function rssHook() {
  if (hookFile === undefined) {
    hookFile = join(tempDir('wabox-bench-hook-'), 'rss-hook.cjs');
    writeFileSync(
      hookFile,
      `process.on('exit', () => { if (process.env.BENCH_RSS_FILE) require('node:fs').writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)); });\n`,
    );
  }
  return hookFile;
}

/** Whether an executable is on PATH (for baselines that need a system tool). */
export function onPath(name) {
  return (process.env.PATH ?? '')
    .split(':')
    .filter(Boolean)
    .some((dir) => existsSync(join(dir, name)));
}

// -- statistics ----------------------------------------------------------------------------------------

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Rounds for display and for the JSON report. */
export function round(value, digits = 2) {
  return value === null || value === undefined ? value : Number(value.toFixed(digits));
}

/** One line about the machine, printed by every bench. */
export function machine() {
  return `node ${process.version}, ${availableParallelism()} cores`;
}

// -- test numbers ----------------------------------------------------------------------------------------

/** Mobile numbers people message on WhatsApp, by country (examples from libphonenumber's metadata). */
export const COUNTRIES = ['IN', 'BR', 'ID', 'NG', 'MX', 'GB', 'US', 'DE', 'PK', 'ZA', 'AE', 'ES'];

/**
 * Distinct valid mobile numbers (libphonenumber-js PhoneNumber objects, `libphonenumber-js/max` as wabox
 * uses), up to `perCountry` for each of COUNTRIES, interleaved by country: each country's example mobile
 * number with random last digits, from a fixed seed, so every run uses the same numbers.
 */
export function numberPool(perCountry = 2000) {
  const { parsePhoneNumberWithError } = requireFromRoot('libphonenumber-js/max');
  const examples = requireFromRoot('libphonenumber-js/examples.mobile.json');
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const byCountry = COUNTRIES.map((country) => {
    const type = parsePhoneNumberWithError(examples[country], country).getType();
    const seen = new Set();
    const numbers = [];
    for (let tries = 0; numbers.length < perCountry && tries < perCountry * 10; tries++) {
      const tail = String(Math.floor(random() * 1e5)).padStart(5, '0');
      const phone = parsePhoneNumberWithError(examples[country].slice(0, -5) + tail, country);
      if (seen.has(phone.number) || !phone.isValid() || phone.getType() !== type) continue;
      seen.add(phone.number);
      numbers.push(phone);
    }
    return numbers;
  });
  const pool = [];
  for (let i = 0; i < perCountry; i++)
    for (const numbers of byCountry) if (i < numbers.length) pool.push(numbers[i]);
  return pool;
}

// -- the report ------------------------------------------------------------------------------------------

const report = { figures: {}, targets: [] };

/** Adds figures (plain JSON values) to the report's `figures`. */
export function figures(values) {
  Object.assign(report.figures, values);
}

/**
 * Checks a figure against its target and records it; returns the table cell, e.g. `>= 0.75x PASS`.
 * `{atMost}` or `{atLeast}` is the limit; `unit` is shown after the numbers.
 */
export function target(name, value, { atMost, atLeast, unit = '', digits = 2 }) {
  const op = atMost === undefined ? '>=' : '<=';
  const limit = atMost ?? atLeast;
  const pass = Number.isFinite(value) && (op === '<=' ? value <= limit : value >= limit);
  report.targets.push({ name, value: round(value, digits), op, limit, unit, pass });
  return `${op} ${limit}${unit} ${pass ? 'PASS' : 'MISS'}`;
}

/** A target that could not be measured here (a missing tool): reported, not counted as missed. */
export function skipTarget(name, reason) {
  report.targets.push({ name, skipped: reason });
  return 'SKIP (reason below)';
}

/** Prints rows of cells as aligned columns. */
export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const row of rows)
    say(
      row
        .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
        .join('  '),
    );
}

/** Ends a bench: the targets' verdicts (or the JSON report) and exit code 1 when one was missed. */
export function finish(bench) {
  const missed = report.targets.filter((t) => t.skipped === undefined && !t.pass);
  const pass = missed.length === 0;
  if (JSON_OUT) {
    const json = { bench, machine: machine(), figures: report.figures, targets: report.targets, pass };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }
  say('');
  for (const t of report.targets)
    say(
      t.skipped === undefined
        ? `${t.pass ? 'PASS' : 'MISS'}  ${t.name}: ${t.value}${t.unit} (target ${t.op} ${t.limit}${t.unit})`
        : `SKIP  ${t.name}: ${t.skipped}`,
    );
  say(pass ? `${bench}: all targets met` : `${bench}: ${missed.length} target(s) missed`);
  if (!pass) process.exitCode = 1;
}

// -- the receiver ----------------------------------------------------------------------------------------

/**
 * A wamid built as Meta's are: base64 of 1c 18 <length> <the customer's number> 15 02 00 12 18 14 <a
 * 20-digit hex id> 00 (decoded from the inbound examples in Meta's description, ../shared/meta-openapi/).
 * Its id is random, so the store's unique index on wamid takes the inserts at random places, as with real
 * traffic; a counter would append them and flatter the store (measured: ~0.46x instead of ~0.41x).
 */
export function metaWamid(from, hexId) {
  const bytes = Buffer.concat([
    Buffer.from([0x1c, 0x18, from.length]),
    Buffer.from(from),
    Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, 0x14]),
    Buffer.from(hexId.toUpperCase()),
    Buffer.from([0x00]),
  ]);
  return `wamid.${bytes.toString('base64')}`;
}

/**
 * Starts `wabox webhook serve` (bin/wabox.js) on 127.0.0.1, an ephemeral port, with its own store, config
 * dir and app secret; logs on, as in production, into `logFile` (a pipe nobody reads would stall it).
 * Its URL: listeningUrl(logFile, child). `env`: more environment (PGAPPNAME, to find its database sessions).
 */
export function serve({ db, configDir, secret, logFile, nodeArgs = [], env = {} }) {
  return spawn(
    process.execPath,
    [...nodeArgs, BIN, 'webhook', 'serve', '--host', '127.0.0.1', '--port', '0'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        WABOX_DB: db,
        WABOX_CONFIG_DIR: configDir,
        WABOX_APP_SECRET: secret,
        WABOX_VERIFY_TOKEN: 'bench-verify-token',
        ...env,
      },
      stdio: ['ignore', 'ignore', openSync(logFile, 'w')],
    },
  );
}

/** The URL `wabox webhook serve` logged it listens on (its log file), once it does; 15 s at most. */
export async function listeningUrl(logFile, child) {
  const started = Date.now();
  while (Date.now() - started < 15_000) {
    if (child.exitCode !== null)
      throw new Error(`wabox webhook serve exited:\n${readFileSync(logFile, 'utf8')}`);
    const m = /"url":"([^"]+)".*"msg":"listening"/.exec(readFileSync(logFile, 'utf8'));
    if (m) return m[1];
    await new Promise((ok) => setTimeout(ok, 20));
  }
  throw new Error(`wabox webhook serve did not start:\n${readFileSync(logFile, 'utf8')}`);
}

/** SIGTERM, then SIGKILL after 20 s: a server that does not stop cannot hold the bench. */
export function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(kill);
      ok();
    });
    child.kill('SIGTERM');
  });
}
