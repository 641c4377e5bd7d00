import { describe, expect, it } from 'vitest';
import { createDeps } from '../../src/cli/deps.js';
import { createTestIO } from '../../src/cli/test-io.js';
import { createReceiverLogger } from '../../src/commands/webhook/logger.js';

describe("the receiver's JSON logs", () => {
  it('carry a customer text exactly, with no raw control a terminal acts on', async () => {
    const io = createTestIO();
    const deps = createDeps(io, {});
    const logger = await createReceiverLogger(deps, 'info');
    const text = 'Hi \u001b]0;pwn\u0007 \u009b2J \u0085 \u202e4321\u202c \u2066x\u2069 \u2028';
    logger.info({ text }, 'dry run: automatic reply NOT sent');
    await logger.flush();
    const out = io.stderr.text();
    expect(out).not.toMatch(/[\u0007\u001b\u0080-\u009f\u202a-\u202e\u2066-\u2069\u2028]/);
    expect(JSON.parse(out.trim()).text).toBe(text);
  });
});
