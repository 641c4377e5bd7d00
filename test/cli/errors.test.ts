import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/cli/errors.js';
import { invalidInput } from '../../src/core/errors.js';

const ESC = '\u001b';
const plain = { json: false, debug: false, mask: (s: string) => s };

describe('formatError with outside data in the message', () => {
  const err = invalidInput(`"${ESC}]0;pwn\u0007\u202e\u009b2J\tx" is not a phone number`, {
    code: 'phone.invalid',
    hint: `try ${ESC}[2J instead`,
  });

  it('prints one line each for error and hint, every control shown as an escape', () => {
    expect(formatError(err, plain)).toBe(
      'error: "\\x1b]0;pwn\\x07\\u202e\\x9b2J\\tx" is not a phone number\nhint: try \\x1b[2J instead\n',
    );
  });

  it('escapes the stack of --debug too', () => {
    const out = formatError(new Error(`boom ${ESC}]52;c;eA==\u0007`), { ...plain, debug: true });
    expect(out).not.toMatch(/[\u0007\u001b]/);
    expect(out).toContain('Error: boom \\x1b]52;c;eA==\\x07\n    at ');
  });

  it('keeps the exact message under --json, C1 and bidi controls as \\u escapes', () => {
    const out = formatError(err, { ...plain, json: true });
    expect(out).not.toMatch(/[\u0007\u001b\u009b\u202e]/);
    expect(JSON.parse(out).error.message).toBe(`"${ESC}]0;pwn\u0007\u202e\u009b2J\tx" is not a phone number`);
  });
});
