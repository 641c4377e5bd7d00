import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { afterEach, expect } from 'vitest';
import { createDeps, type Deps, type DepsOverrides } from '../../src/cli/deps.js';
import { main } from '../../src/cli/main.js';
import { main as mainWith } from '../../src/cli/program.js';
import { createTestIO, type TestIO } from '../../src/cli/test-io.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/wabox.js');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temp dir removed after the test. */
export function tempDir(prefix = 'wabox-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export interface RunOptions {
  stdin?: string | Buffer;
  tty?: boolean;
  env?: Record<string, string | undefined>;
  overrides?: DepsOverrides;
  canPrompt?: boolean;
  /** Colour on (as a TTY without NO_COLOR would decide); off by default. */
  color?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
  io: TestIO;
  deps: Deps;
}

/** Runs the CLI in-process (main() with a test IO and a fresh temp config dir unless env says otherwise). */
export async function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const io = createTestIO({
    stdin: options.stdin,
    tty: options.tty,
    canPrompt: options.canPrompt,
    color: options.color,
  });
  const env = { WABOX_CONFIG_DIR: tempDir('wabox-config-'), ...options.env };
  const deps = createDeps(io, env, options.overrides);
  const code = await main(argv, deps);
  return {
    code,
    stdout: io.stdout.text(),
    stderr: io.stderr.text(),
    stdoutBytes: io.stdout.bytes(),
    io,
    deps,
  };
}

/** Runs the built binary (bin/wabox.js -> dist/) as a user would; `npm test` builds first. */
export function spawnCli(
  argv: string[],
  options: {
    stdin?: string | Buffer;
    env?: Record<string, string | undefined>;
    cwd?: string;
    timeoutMs?: number;
  } = {},
): Promise<{ code: number | null; stdout: string; stderr: string; stdoutBytes: Buffer }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolvePromise({
        code,
        stdout: stdoutBytes.toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        stdoutBytes,
      });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/**
 * argv -> options through the commands' runF seam, nothing run: `wire` registers the commands under test
 * with `capture` as their runner. Neither the store nor the Cloud API may open.
 */
export async function captureOptions(
  argv: string[],
  wire: (program: Command, deps: Deps, capture: (options: unknown) => Promise<void>) => void,
  stdin?: string,
): Promise<{ code: number; stdout: string; stderr: string; seen: unknown[] }> {
  const io = createTestIO({ stdin });
  const deps = createDeps(io, { WABOX_CONFIG_DIR: tempDir('wabox-config-') });
  deps.store = () => expect.fail('argv -> options must not open the store');
  deps.cloud = () => expect.fail('argv -> options must not open the Cloud API');
  const seen: unknown[] = [];
  const code = await mainWith(argv, deps, (program, d) =>
    wire(program, d, async (options) => {
      seen.push(options);
    }),
  );
  return { code, stdout: io.stdout.text(), stderr: io.stderr.text(), seen };
}
