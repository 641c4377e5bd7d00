import { fstatSync, writeSync } from 'node:fs';
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
  const isStdoutTTY = isTerminal(1);
  const isStderrTTY = isTerminal(2);
  const isStdinTTY = isTerminal(0);
  const ci = Boolean(env.CI && env.CI !== 'false' && env.CI !== '0');
  return {
    stdout: fdSink(1, () => process.stdout),
    stderr: fdSink(2, () => process.stderr),
    get stdin() {
      return process.stdin;
    },
    isStdoutTTY,
    isStderrTTY,
    isStdinTTY,
    color: decideColor(env, isStderrTTY),
    canPrompt: isStdinTTY && isStdoutTTY && !ci,
    columns: (isStdoutTTY && process.stdout.columns) || (isStderrTTY && process.stderr.columns) || 80,
  };
}

/**
 * stdout or stderr, written with fs.writeSync until something needs the stream itself (a pipeline, a
 * progress bar, a prompt, the receiver's logger): building process.stdout or process.stderr loads Node's
 * stream, net and tty modules, a noticeable part of a `wabox link` that prints one line. Once the
 * stream exists every write goes through it, so nothing is reordered. A pipe whose reader has gone
 * (`wabox ... | head -1`) is a normal end for a Unix tool: exit 0 on stdout, nothing more on stderr.
 */
function fdSink(fd: 1 | 2, open: () => NodeJS.WriteStream): Sink {
  let stream: NodeJS.WriteStream | undefined;
  const opened = () => {
    if (stream === undefined) {
      stream = open();
      stream.on('error', (err: NodeJS.ErrnoException) => closedPipe(fd, err));
    }
    return stream;
  };
  return {
    get stream() {
      return opened();
    },
    write(chunk) {
      if (stream !== undefined) return stream.write(chunk);
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let offset = 0;
      try {
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
        return true;
      } catch (err) {
        // a non-blocking pipe that is full: the stream queues the rest and waits for the reader
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return opened().write(bytes.subarray(offset));
        closedPipe(fd, err as NodeJS.ErrnoException);
        return false;
      }
    },
    flush: () =>
      stream === undefined ? Promise.resolve() : new Promise((resolve) => stream!.write('', () => resolve())),
  };
}

/**
 * isatty(), asked only of a character device (every terminal is one): a pipe or a file is told apart by
 * fstat alone, without loading node:tty, which loads net and the streams (bin/wabox.js loads node:tty on
 * first use). Not process.stdout.isTTY and friends:
 * those build the streams (see fdSink).
 */
function isTerminal(fd: 0 | 1 | 2): boolean {
  let stats: ReturnType<typeof fstatSync>;
  try {
    stats = fstatSync(fd);
  } catch {
    return false; // a closed descriptor
  }
  if (!stats.isCharacterDevice()) return false;
  // /dev/null, where the stdin of scripts and services often points, is a character device too; on Linux
  // major number 1 is the kernel's memory devices (null, zero, random, ...), never a terminal
  if (process.platform === 'linux' && ((stats.rdev >> 8) & 0xfff) === 1) return false;
  return isatty(fd);
}

function closedPipe(fd: 1 | 2, err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
  if (fd === 1) process.exit(0);
}
