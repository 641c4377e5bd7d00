import { invalidInput } from '../core/errors.js';
import type { IO } from './io.js';
import { note } from './output.js';

const MAX_STDIN_TEXT = 1024 * 1024;

/**
 * Reads text from stdin for `--text -` and friends: strict UTF-8, no binary control characters, at most
 * 1 MiB; one trailing newline (what `echo` adds) is dropped.
 */
export async function readStdinText(io: IO, what = 'text'): Promise<string> {
  if (io.isStdinTTY) note(io, `reading ${what} from stdin; finish with Ctrl-D`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_STDIN_TEXT)
      throw invalidInput(`${what} on stdin is larger than 1 MiB`, { code: 'stdin.too_large' });
    chunks.push(buf);
  }
  return decodeText(Buffer.concat(chunks), `${what} on stdin`).replace(/\r?\n$/, '');
}

/** Decodes UTF-8 text, refusing invalid byte sequences and binary control characters. */
export function decodeText(bytes: Uint8Array, what: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw invalidInput(`${what} is not UTF-8 text`, { code: 'text.not_utf8' });
  }
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).padStart(4, '0');
    throw invalidInput(`${what} contains a binary control character (U+${code}); is it really text?`, {
      code: 'text.binary',
    });
  }
  return text;
}
