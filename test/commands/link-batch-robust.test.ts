// `wabox link --batch` as a process: every failing path ends it, and hostile input (huge records,
// invalid UTF-8, signals mid-run) is reported row by row or cleaned up. Runs the built CLI.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli, tempDir } from '../helpers/cli.js';

function file(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A run that has not ended by then is killed (exit code null): a hang fails the test instead of timing it out. */
const DEADLINE_MS = 20_000;

describe('wabox link --batch: every failing path ends the process', () => {
  it.each([
    ['a missing input', (dir: string) => ['--batch', join(dir, 'missing.csv'), '--qr-dir', join(dir, 'qr')]],
    ['an input that is a directory', (dir: string) => ['--batch', dir, '--qr-dir', join(dir, 'qr')]],
    [
      'an output in a missing directory',
      (dir: string) => [
        '--batch',
        file(dir, 'in.csv', 'phone\n+919876543210\n'),
        '--output',
        join(dir, 'nodir', 'out.csv'),
        '--qr-dir',
        join(dir, 'qr'),
      ],
    ],
    [
      'an input without a phone column',
      (dir: string) => ['--batch', file(dir, 'in.csv', 'name\nAsha\n'), '--qr-dir', join(dir, 'qr')],
    ],
    [
      'a large input without a phone column',
      (dir: string) => [
        '--batch',
        file(dir, 'in.csv', `name\n${'Asha\n'.repeat(200_000)}`),
        '--output',
        join(dir, 'out.csv'),
      ],
    ],
  ])('%s, with worker threads (--jobs 2)', async (_, args) => {
    const dir = tempDir();
    const r = await spawnCli(['link', ...args(dir), '--jobs', '2'], { timeoutMs: DEADLINE_MS });
    expect(r.code, `stderr: ${r.stderr}`).not.toBeNull();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stdout).toBe('');
    // nothing half-written is left behind
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
