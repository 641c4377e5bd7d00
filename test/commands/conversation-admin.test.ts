// `wabox label add|rm`, `wabox assign`, `wabox resolve`, `wabox reopen` on a real temp SQLite store.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { normalizeAgent, normalizeLabel } from '../../src/core/label.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { run, tempDir } from '../helpers/cli.js';

const NOW = new Date('2025-06-10T12:00:00.000Z');
const ASHA = '919876543210';
const clock = { clock: () => NOW };
let env: Record<string, string>;

beforeEach(async () => {
  const dir = tempDir();
  env = { WABOX_DB: join(dir, 'wabox.db'), WABOX_CONFIG_DIR: join(dir, 'config') };
  const store = openSqliteStore(env.WABOX_DB!);
  await store.recordInbound({
    id: 'wamid.a1',
    waId: ASHA,
    name: 'Asha Rao',
    type: 'text',
    text: 'Hi',
    timestamp: new Date(NOW.getTime() - 600_000),
  });
  await store.close();
});

const cli = (...argv: string[]) => run(argv, { env, overrides: clock });
const json = async (...argv: string[]) => {
  const r = await cli(...argv, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { changed: boolean; conversation: Record<string, unknown> };
};

describe('wabox label', () => {
  it('add and rm: {changed, conversation}; labels normalised, sorted, listed in the inbox', async () => {
    expect(await json('label', 'add', '+91 98765 43210', 'VIP')).toMatchObject({
      changed: true,
      conversation: { waId: ASHA, phone: '+919876543210', labels: ['vip'] },
    });
    expect((await json('label', 'add', '+919876543210', 'vip')).changed).toBe(false);
    expect((await json('label', 'add', '+919876543210', '  Cake   Order ')).conversation.labels).toEqual([
      'cake order',
      'vip',
    ]);
    expect((await json('label', 'add', '+919876543210', 'ग्राहक')).conversation.labels).toEqual([
      'cake order',
      'vip',
      'ग्राहक',
    ]);
    const inbox = await cli('inbox', '--label', 'cake order', '--json');
    expect(JSON.parse(inbox.stdout).map((c: { waId: string }) => c.waId)).toEqual([ASHA]);
    expect(await json('label', 'rm', '+919876543210', 'Vip')).toMatchObject({ changed: true });
    expect((await json('label', 'rm', '+919876543210', 'vip')).changed).toBe(false);
    const human = await cli('label', 'rm', '+919876543210', 'cake order');
    expect(human.stdout).toBe('+919876543210 (Asha Rao): label removed (labels: ग्राहक)\n');
  });

  it('bad labels exit 2 and change nothing', async () => {
    for (const bad of ['', '   ', 'a,b', '.vip', 'x'.repeat(41), 'tab\there', 'semi;colon', '🎂']) {
      const r = await cli('label', 'add', '+919876543210', bad);
      expect(r.code, JSON.stringify(bad)).toBe(2);
      expect(r.stderr).toMatch(/^error: ".*" is not a valid label\nhint: a label is 1-40 letters/s);
    }
    expect((await json('label', 'add', '+919876543210', 'x'.repeat(40))).changed).toBe(true);
  });

  it('an unknown contact exits 6 with a hint', async () => {
    expectError(
      await cli('label', 'add', '+15550001111', 'vip'),
      6,
      'no conversation with +15550001111: the store has no message to or from this contact',
      /wabox inbox/,
    );
  });
});

describe('wabox assign', () => {
  it('assigns, reports no change, unassigns with --none; --me uses agent-name', async () => {
    expect(await json('assign', '+919876543210', 'Ravi K')).toMatchObject({
      changed: true,
      conversation: { assignee: 'Ravi K' },
    });
    expect((await json('assign', '+919876543210', 'Ravi K')).changed).toBe(false);
    expect((await cli('assign', '+919876543210', 'Ravi K')).stdout).toBe(
      '+919876543210 (Asha Rao): already assigned to Ravi K\n',
    );
    expect(JSON.parse((await cli('inbox', '--assigned', 'Ravi K', '--json')).stdout)).toHaveLength(1);
    expect(await json('assign', '+919876543210', '--none')).toMatchObject({
      changed: true,
      conversation: { assignee: null },
    });
    expect((await cli('assign', '+919876543210', '--me')).code).toBe(3);
    expect((await cli('config', 'set', 'agent-name', 'Meera')).code).toBe(0);
    expect((await json('assign', '+919876543210', '--me')).conversation.assignee).toBe('Meera');
  });

  it('usage errors exit 2; an unknown contact exits 6', async () => {
    expect((await cli('assign', '+919876543210')).code).toBe(2);
    expect((await cli('assign', '+919876543210', 'ravi', '--none')).code).toBe(2);
    expect((await cli('assign', '+919876543210', 'ra,vi')).code).toBe(2);
    expect((await cli('assign', '+15550001111', 'ravi')).code).toBe(6);
  });
});

describe('wabox resolve / reopen', () => {
  it('resolve, then reopen; each reports whether anything changed', async () => {
    expect(await json('resolve', '+919876543210')).toMatchObject({
      changed: true,
      conversation: { status: 'resolved', unanswered: false },
    });
    expect((await cli('resolve', '+919876543210')).stdout).toBe(
      '+919876543210 (Asha Rao): already resolved\n',
    );
    expect(JSON.parse((await cli('inbox', '--status', 'resolved', '--json')).stdout)).toHaveLength(1);
    expect(await json('reopen', '+919876543210')).toMatchObject({
      changed: true,
      conversation: { status: 'open', unanswered: true },
    });
    expect((await json('reopen', '+919876543210')).changed).toBe(false);
    expect((await cli('resolve', '+15550001111')).code).toBe(6);
    expect((await cli('reopen', '+15550001111')).code).toBe(6);
  });
});

describe('help', () => {
  it('every inbox command has an Examples section', async () => {
    for (const argv of [
      ['inbox'],
      ['inbox', 'show'],
      ['reply'],
      ['label'],
      ['label', 'add'],
      ['label', 'rm'],
      ['assign'],
      ['resolve'],
      ['reopen'],
      ['messages', 'list'],
    ]) {
      const r = await run([...argv, '--help']);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.stdout, argv.join(' ')).toContain('\nExamples:\n');
    }
  });
});

describe('core/label', () => {
  it('normalizeLabel and normalizeAgent', () => {
    expect(normalizeLabel(' Pending  Payment ')).toBe('pending payment');
    expect(normalizeLabel('B2B/wholesale')).toBe('b2b/wholesale');
    expect(normalizeLabel('نیا گاہک')).toBe('نیا گاہک');
    expect(() => normalizeLabel('')).toThrow(/not a valid label/);
    expect(normalizeAgent(' asha@example.com ')).toBe('asha@example.com');
    expect(normalizeAgent('Ravi  K')).toBe('Ravi K');
    expect(() => normalizeAgent('x'.repeat(65))).toThrow(/not a valid agent name/);
  });
});
