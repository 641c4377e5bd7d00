// `wabox note`: argv -> options through runF, then notes against a real temp SQLite store, and how
// `inbox show` interleaves them with the thread (pipe and --json).
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import * as noteCommand from '../../src/commands/note.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { captureOptions, run, tempDir } from '../helpers/cli.js';

const T0 = new Date('2025-06-10T12:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const ASHA = '919876543210';

describe('argv -> options', () => {
  async function parse(argv: string[], stdin?: string) {
    const { code, stderr, seen } = await captureOptions(
      ['note', ...argv],
      (program, d, capture) => noteCommand.register(program, d, capture),
      stdin,
    );
    return { code, stderr, seen };
  }

  it.each([
    [['+919876543210', 'call', 'before 5'], { contact: '+919876543210', text: ['call', 'before 5'] }],
    [
      ['@asha.bakes', '--as', 'asha', '--json', 'refund ok'],
      { contact: '@asha.bakes', text: ['refund ok'], as: 'asha', json: true },
    ],
    [['98765 43210', '-c', 'IN', '-'], { contact: '98765 43210', country: 'IN', text: ['-'] }],
    [['+919876543210'], { contact: '+919876543210', text: [] }],
  ])('%j', async (argv, options) => {
    const r = await parse(argv as string[]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.seen).toEqual([options]);
  });

  it.each([[[]], [['+919876543210', '--as']], [['+919876543210', 'x', '--bogus']]])(
    '%j is a usage error',
    async (argv) => {
      const r = await parse(argv as string[]);
      expect(r.code).toBe(2);
      expect(r.seen).toEqual([]);
    },
  );
});

describe('against a real store', () => {
  let env: Record<string, string>;
  let now: Date;
  const clock = { clock: () => now };
  const note = (argv: string[], options: { stdin?: string; tty?: boolean; env?: object } = {}) =>
    run(['note', ...argv], { ...options, env: { ...env, ...options.env }, overrides: clock });

  beforeEach(async () => {
    const dir = tempDir();
    env = { WABOX_DB: join(dir, 'wabox.db'), WABOX_CONFIG_DIR: join(dir, 'config') };
    const store = openSqliteStore(env.WABOX_DB!);
    await store.recordInbound({
      id: 'wamid.1',
      waId: ASHA,
      name: 'Asha Rao',
      type: 'text',
      text: 'Is my cake ready?',
      timestamp: at(0),
    });
    await store.recordOutbound({
      id: 'wamid.2',
      waId: ASHA,
      type: 'text',
      text: 'At 5.',
      timestamp: at(10),
      status: 'accepted',
    });
    await store.close();
    now = at(5);
  });

  it('adds a note: one line on stderr, --json prints it, the store lists it', async () => {
    const r = await note(['+91 98765 43210', 'wants', 'no nuts']);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'note added to +919876543210\n' });
    now = at(20);
    const j = await note(['+919876543210', '--as', 'asha', '--json', 'refund approved']);
    expect(j.code).toBe(0);
    expect(j.stderr).toBe('');
    expect(JSON.parse(j.stdout)).toEqual({
      id: 2,
      waId: ASHA,
      author: 'asha',
      text: 'refund approved',
      createdAt: at(20).toISOString(),
    });
    const store = openSqliteStore(env.WABOX_DB!);
    try {
      expect(await store.notes(ASHA)).toEqual([
        { id: 1, waId: ASHA, author: null, text: 'wants no nuts', createdAt: at(5).toISOString() },
        { id: 2, waId: ASHA, author: 'asha', text: 'refund approved', createdAt: at(20).toISOString() },
      ]);
      expect((await store.notes(ASHA, { limit: 1 })).map((n) => n.id)).toEqual([2]);
      expect((await store.notes(ASHA, { before: at(20) })).map((n) => n.id)).toEqual([1]);
    } finally {
      await store.close();
    }
  });

  it('reads the text from stdin with - or when stdin is not a terminal', async () => {
    for (const argv of [['+919876543210', '-'], ['+919876543210']]) {
      const r = await note([...argv, '--json'], { stdin: 'line one\nline two\n' });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).text).toBe('line one\nline two');
    }
  });

  it('author: --as, else WABOX_AGENT, else config agent-name, else null', async () => {
    const author = async (argv: string[], extra: Record<string, string> = {}) => {
      const r = await note(['+919876543210', '--json', ...argv, 'x'], { env: extra });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout).author;
    };
    expect(await author([])).toBeNull();
    expect((await run(['config', 'set', 'agent-name', 'ravi'], { env })).code).toBe(0);
    expect(await author([])).toBe('ravi');
    expect(await author([], { WABOX_AGENT: 'meera' })).toBe('meera');
    expect(await author(['--as', 'asha'], { WABOX_AGENT: 'meera' })).toBe('asha');
  });

  it('bad inputs: empty, too long, no text on a terminal, an unknown contact', async () => {
    expectError(await note(['+919876543210', '  ']), 2, 'the note is empty');
    expectError(await note(['+919876543210', '-'], { stdin: '\n' }), 2, 'the note is empty');
    expect((await note(['+919876543210', 'é'.repeat(4096)])).code).toBe(0);
    expectError(
      await note(['+919876543210', 'é'.repeat(4097)]),
      2,
      'the note is 4097 characters long; at most 4096',
    );
    expectError(
      await note(['+919876543210'], { tty: true }),
      2,
      'missing the note text',
      'wabox note <contact> "text", or pipe it: ... | wabox note <contact> -',
    );
    expectError(
      await note(['+447700900123', 'hello']),
      6,
      'no conversation with +447700900123: the store has no message to or from this contact',
      /^list the known conversations with: wabox inbox/,
    );
    expectError(await note(['+919876543210', '--as', '\u0007', 'x']), 2, /is not a valid agent name/);
  });

  it('inbox show interleaves notes with the messages by time, never as messages', async () => {
    expect((await note(['+919876543210', '--as', 'asha', 'wants', 'no nuts'])).code).toBe(0);
    now = at(30);
    expect((await note(['+919876543210', '-'], { stdin: 'called her\nall fine' })).code).toBe(0);
    const show = (...args: string[]) =>
      run(['inbox', 'show', '+919876543210', ...args], { env: { ...env, TZ: 'UTC' }, overrides: clock });

    const json = await show('--json');
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out.messages.map((m: { id: string }) => m.id)).toEqual(['wamid.1', 'wamid.2']);
    expect(out.notes).toEqual([
      { id: 1, author: 'asha', text: 'wants no nuts', createdAt: at(5).toISOString() },
      { id: 2, author: null, text: 'called her\nall fine', createdAt: at(30).toISOString() },
    ]);
    expect(out.conversation.lastMessage.id).toBe('wamid.2');

    const pipe = await show();
    expect(pipe.code).toBe(0);
    const thread = pipe.stdout.split('\n\n')[1]!.trimEnd().split('\n');
    expect(thread.map((l) => l.replace(/^\S+ \S+ {2}/, '<time>  '))).toEqual([
      '<time>  ← Asha Rao',
      '    Is my cake ready?',
      '<time>  ✎ note by asha',
      '    wants no nuts',
      '<time>  → sent  accepted',
      '    At 5.',
      '<time>  ✎ note',
      '    called her',
      '    all fine',
    ]);
  });

  it('with --limit leaving older messages out, notes older than the oldest shown are left out too', async () => {
    now = at(-5);
    expect((await note(['+919876543210', 'before everything'])).code).toBe(0);
    now = at(5);
    expect((await note(['+919876543210', 'in between'])).code).toBe(0);
    const r = await run(['inbox', 'show', '+919876543210', '--limit', '1', '--json'], {
      env,
      overrides: clock,
    });
    const out = JSON.parse(r.stdout);
    expect(out.messages.map((m: { id: string }) => m.id)).toEqual(['wamid.2']);
    expect(out.notes).toEqual([]);
    const all = await run(['inbox', 'show', '+919876543210', '--json'], { env, overrides: clock });
    expect(JSON.parse(all.stdout).notes.map((n: { text: string }) => n.text)).toEqual([
      'before everything',
      'in between',
    ]);
  });
});
