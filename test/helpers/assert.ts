import { expect } from 'vitest';
import { WaboxError } from '../../src/core/errors.js';

/**
 * A failed run as DESIGN.md §4 wants it: the exit code, nothing on stdout, and on stderr exactly
 * `error: <message>` plus an optional `hint: ...` line.
 */
export function expectError(
  result: { code: number | null; stdout: string; stderr: string },
  code: number,
  message: string | RegExp,
  hint?: string | RegExp,
): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  const lines = result.stderr.replace(/\n$/, '').split('\n');
  const [first, ...rest] = lines;
  if (typeof message === 'string') expect(first).toBe(`error: ${message}`);
  else {
    expect(first).toMatch(/^error: /);
    expect(first!.slice('error: '.length)).toMatch(message);
  }
  if (hint === undefined) {
    for (const line of rest) expect(line).toMatch(/^hint: /);
  } else {
    expect(rest).toHaveLength(1);
    if (typeof hint === 'string') expect(rest[0]).toBe(`hint: ${hint}`);
    else expect(rest[0]!.slice('hint: '.length)).toMatch(hint);
  }
  expect(result.stderr).not.toContain('this is a bug in wabox');
}

/** Lines of stderr that are warnings, without the `warning: ` prefix. */
export function warnings(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('warning: '))
    .map((l) => l.slice('warning: '.length));
}

/** The WaboxError that `fn` throws; fails the test when it throws nothing or something else. */
export function thrownWaboxError(fn: () => unknown): WaboxError {
  try {
    fn();
  } catch (err) {
    if (err instanceof WaboxError) return err;
    throw err;
  }
  throw new Error('expected a WaboxError');
}
