import type { Readable } from 'node:stream';
import { isatty } from 'node:tty';

/** Where a command reads and writes. Commands never touch `process` directly, so tests swap this in. */
export interface IO {
  stdout: Sink;
  stderr: Sink;
  stdin: Readable;
  isStdoutTTY: boolean;
  isStderrTTY: boolean;
  isStdinTTY: boolean;
  /** Colour on stderr/stdout decorations: NO_COLOR, FORCE_COLOR, --no-color and the TTY decide it. */
  color: boolean;
  /** Interactive prompts are allowed: stdin and stdout are TTYs, not CI, no --no-input. */
  canPrompt: boolean;
  /** Terminal width for tables and progress bars. */
  columns: number;
}

export interface Sink {
  write(chunk: string | Uint8Array): boolean;
  /** Resolves once everything written so far has been handed to the OS (or the buffer). */
  flush?(): Promise<void>;
  stream?: NodeJS.WritableStream;
}

export interface ColorEnv {
  NO_COLOR?: string;
  FORCE_COLOR?: string;
  CI?: string;
  TERM?: string;
}

/** https://no-color.org and the FORCE_COLOR convention (chalk, Node): FORCE_COLOR=0 disables. */
export function decideColor(env: ColorEnv, isTTY: boolean, flag?: boolean): boolean {
  if (flag === false) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

export function createProcessIO(env: NodeJS.ProcessEnv = process.env): IO {
  const isStdoutTTY = Boolean(process.stdout.isTTY);
  const isStderrTTY = Boolean(process.stderr.isTTY);
  // isatty(0) rather than process.stdin.isTTY: the stdin stream is built on first use, and most
  // commands never read it (bench/startup.mjs)
  const isStdinTTY = isatty(0);
  const ci = Boolean(env.CI && env.CI !== 'false' && env.CI !== '0');
  return {
    stdout: streamSink(process.stdout),
    stderr: streamSink(process.stderr),
    get stdin() {
      return process.stdin;
    },
    isStdoutTTY,
    isStderrTTY,
    isStdinTTY,
    color: decideColor(env, isStderrTTY),
    canPrompt: isStdinTTY && isStdoutTTY && !ci,
    columns: process.stdout.columns || process.stderr.columns || 80,
  };
}

function streamSink(stream: NodeJS.WriteStream): Sink {
  return {
    stream,
    write: (chunk) => stream.write(chunk),
    flush: () => new Promise((resolve) => stream.write('', () => resolve())),
  };
}
