import { Readable } from 'node:stream';
import type { IO, Sink } from './io.js';

export interface BufferSink extends Sink {
  /** Everything written, as UTF-8 text. */
  text(): string;
  /** Everything written, as bytes. */
  bytes(): Buffer;
}

function bufferSink(): BufferSink {
  const chunks: Buffer[] = [];
  return {
    write(chunk) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
      return true;
    },
    flush: async () => {},
    text: () => Buffer.concat(chunks).toString('utf8'),
    bytes: () => Buffer.concat(chunks),
  };
}

export interface TestIO extends IO {
  stdout: BufferSink;
  stderr: BufferSink;
}

/** An IO backed by string buffers, for tests (DESIGN.md §1: createTestIO). */
export function createTestIO(
  options: { stdin?: string | Buffer; tty?: boolean; color?: boolean; canPrompt?: boolean } = {},
): TestIO {
  const tty = options.tty ?? false;
  const input = options.stdin ?? '';
  return {
    stdout: bufferSink(),
    stderr: bufferSink(),
    stdin: Readable.from(input.length === 0 ? [] : [typeof input === 'string' ? Buffer.from(input) : input]),
    isStdoutTTY: tty,
    isStderrTTY: tty,
    isStdinTTY: options.stdin === undefined ? tty : false,
    color: options.color ?? false,
    canPrompt: options.canPrompt ?? false,
    columns: 100,
  };
}
