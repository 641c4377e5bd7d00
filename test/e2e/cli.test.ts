// The shell around every command, as a user meets it: help, version, usage errors, --json errors,
// colour decisions (through a real pseudo-terminal where it matters) and pipes.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createDeps } from '../../src/cli/deps.js';
import { buildProgram } from '../../src/cli/main.js';
import { createTestIO } from '../../src/cli/test-io.js';
import { expectError, warnings } from '../helpers/assert.js';
import { BIN, ROOT, run, spawnCli, tempDir } from '../helpers/cli.js';

const FIXED_LINE = '+44 20 7946 0958';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Every command path, e.g. ['config', 'set'], from the program itself so new commands are covered. */
function commandPaths(): string[][] {
  const program = buildProgram(createDeps(createTestIO(), {}));
  const walk = (cmd: Command, path: string[]): string[][] =>
    cmd.commands
      .filter((c) => c.name() !== 'help')
      .flatMap((c) => [[...path, c.name()], ...walk(c, [...path, c.name()])]);
  return [[], ...walk(program, [])];
}

/**
 * Runs the built CLI on a pseudo-terminal (util-linux `script`, whose -e passes the exit code on);
 * stdout and stderr arrive mixed. Throws unless the exit code is `status`.
 */
function onTty(args: string[], env: Record<string, string | undefined> = {}, status = 0): string {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const result = spawnSync('script', ['-qec', command, '/dev/null'], {
    env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status !== status) throw new Error(`exit ${result.status}: ${result.stdout}${result.stderr}`);
  return result.stdout.replace(/\r\n/g, '\n');
}

const hasScript = spawnSync('script', ['--version']).status === 0;

describe('--help', () => {
  const paths = commandPaths();

  it('covers the commands of this issue', () => {
    const names = paths.map((p) => p.join(' '));
    expect(names).toEqual(
      expect.arrayContaining([
        '',
        'link',
        'inspect',
        'qr',
        'config',
        'config get',
        'config set',
        'completion',
      ]),
    );
  });

  it.each(paths.map((p) => [p.join(' ') || '(wabox)', p] as const))(
    '%s has usage and Examples',
    async (_n, path) => {
      const r = await run([...path, '--help']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(new RegExp(`^Usage: wabox${path.map((p) => ` ${p}`).join('')}`));
      // an Examples: heading followed by at least one indented `wabox ...` line
      expect(r.stdout).toMatch(/\nExamples:\n {2}(?:\S+ \| )?(?:echo .*\| |printf .*\| )?wabox /);
    },
  );

  it('prints help on stderr and exits 2 when a command is missing', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: wabox /);
    const sub = await run(['config']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/^Usage: wabox config /);
  });
});

describe('--version', () => {
  it.each([['--version'], ['-V']])('%s prints a version (the build bakes in the real one)', async (flag) => {
    expect(await run([flag])).toMatchObject({ code: 0, stdout: '0.0.0-dev\n', stderr: '' });
  });

  it('the built CLI has it baked in', async () => {
    expect(await spawnCli(['--version'])).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });
});

describe('usage errors', () => {
  it.each([
    [['lnk'], "unknown command 'lnk' (Did you mean link?)"],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['link', '+919876543210', '--txt', 'hi'], "unknown option '--txt' (Did you mean --text?)"],
    [['link', '+919876543210', '--text'], "option '-t, --text <text>' argument missing"],
    [['link', 'a', 'b'], "too many arguments for 'link'. Expected 1 argument but got 2."],
    [['qr', 'x', '--ecl'], "option '--ecl <level>' argument missing"],
  ])('%j: exit 2, one line and a hint', async (argv, message) => {
    expectError(await run(argv), 2, message, 'see --help for usage and examples');
  });

  it('the built CLI exits 2 with the same single error line', async () => {
    expectError(
      await spawnCli(['lnk']),
      2,
      "unknown command 'lnk' (Did you mean link?)",
      'see --help for usage and examples',
    );
  });
});

describe('--json errors', () => {
  it('is one JSON object on stderr and nothing on stdout', async () => {
    const r = await run(['link', '07700 900123', '--json']);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stderr)).toEqual({
      error: {
        code: 'phone.missing_country',
        message: '"07700 900123" has no country code',
        exitCode: 2,
        hint: 'write the number with its country code (+44 7700 900123) or pass --country (e.g. --country GB)',
      },
    });
  });

  it('covers usage errors too', async () => {
    const r = await run(['link', '+919876543210', '--json', '--nope']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toEqual({
      error: {
        code: 'usage',
        message: "unknown option '--nope'",
        exitCode: 2,
        hint: 'see --help for usage and examples',
      },
    });
    // wherever --json stands, and for a nested command
    for (const argv of [
      ['link', '+919876543210', '--nope', '--json'],
      ['link', '--json'],
      ['template', 'show', '--json'],
    ]) {
      const other = await run(argv);
      expect(other.code, argv.join(' ')).toBe(2);
      expect(JSON.parse(other.stderr).error.code, argv.join(' ')).toMatch(/^usage/);
    }
    // without --json the same error is a line of text
    expect((await run(['template', 'show'])).stderr).toMatch(/^error: missing required argument/);
  });

  it('is the same through the built CLI', async () => {
    const r = await spawnCli(['inspect', 'https://wa.me/message/ABC', '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr).error.code).toBe('link.short_link');
  });
});

describe('colour', () => {
  const ESC = '\x1b[';

  it('is off in a pipe, and NO_COLOR keeps it off', async () => {
    for (const env of [{ NO_COLOR: undefined }, { NO_COLOR: '1' }]) {
      const r = await spawnCli(['link', FIXED_LINE], { env });
      expect(r.code).toBe(0);
      expect(warnings(r.stderr)).toHaveLength(1);
      expect(r.stderr).not.toContain(ESC);
    }
  });

  it('FORCE_COLOR turns it on in a pipe for stderr only; FORCE_COLOR=0 and --no-color turn it off', async () => {
    const forced = await spawnCli(['link', FIXED_LINE], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(forced.stderr).toMatch(/^\x1b\[33mwarning:\x1b\[39m \+442079460958 is a fixed-line number/);
    expect(forced.stdout).toBe('https://wa.me/442079460958\n');
    const zero = await spawnCli(['link', FIXED_LINE], { env: { NO_COLOR: undefined, FORCE_COLOR: '0' } });
    expect(zero.stderr).not.toContain(ESC);
    const flag = await spawnCli(['--no-color', 'link', FIXED_LINE], {
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    expect(flag.stderr).toMatch(/^warning: /);
    expect(flag.stderr).not.toContain(ESC);
  });

  it.skipIf(!hasScript)('is on for a terminal, and off with NO_COLOR, --no-color or TERM=dumb', () => {
    expect(onTty(['link', FIXED_LINE])).toContain(`${ESC}33mwarning:`);
    for (const [args, env] of [
      [['link', FIXED_LINE], { NO_COLOR: '1' }],
      [['--no-color', 'link', FIXED_LINE], {}],
      [['link', FIXED_LINE], { TERM: 'dumb' }],
    ] as const) {
      const out = onTty([...args], env);
      expect(out).toContain('warning: +442079460958 is a fixed-line number');
      expect(out).not.toContain(ESC);
    }
  });

  it.skipIf(!hasScript)('a terminal gets a QR drawing, never PNG bytes', () => {
    const out = onTty(['qr', 'https://wa.me/919876543210', '--no-color']);
    expect(out).not.toContain('PNG');
    const lines = out.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).toMatch(/^[ █▀▄]+$/);
    expect(onTty(['qr', 'hi', '--format', 'png'], {}, 2)).toBe(
      'error: refusing to write PNG bytes to a terminal\nhint: redirect stdout (> code.png), pass -o code.png, or use --format terminal\n',
    );
  });
});

describe('pipes', () => {
  it('a reader that stops early (head -1) is a normal end, not a crash', () => {
    const out = execFileSync(
      'bash',
      [
        '-c',
        `seq 10000 29999 | sed 's/^/+9198765/' | (echo phone; cat) | "$0" "$1" link --batch - | head -1; echo "exit \${PIPESTATUS[3]}"`,
        process.execPath,
        BIN,
      ],
      { encoding: 'utf8', env: { ...process.env, WABOX_CONFIG_DIR: tempDir() } },
    );
    expect(out).toBe('phone,url,waId,error,warning\nexit 0\n');
  });

  it('a reader that is gone before the first line is written is a normal end too', () => {
    // `true` exits before wabox has started, so its one write meets a closed pipe (EPIPE)
    const out = execFileSync(
      'bash',
      [
        '-c',
        `"$0" "$1" link +919876543210 --text Hi 2>&1 | true; echo "exit \${PIPESTATUS[0]}"`,
        process.execPath,
        BIN,
      ],
      { encoding: 'utf8', env: { ...process.env, WABOX_CONFIG_DIR: tempDir() } },
    );
    expect(out).toBe('exit 0\n');
  });

  it('stdin from /dev/null is no terminal: nothing is asked, the missing flags are named', () => {
    const r = spawnSync(process.execPath, [BIN, 'template', 'add', '--kind', 'cta'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WABOX_CONFIG_DIR: tempDir() },
      timeout: 10_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: missing --name, --body/);
  });
});

describe('start-up', () => {
  // what only a command at work needs: loaded at the top of a command file, it slows every start that
  // registers the whole tree (bench/startup.mjs)
  const HEAVY = ['luxon', 'pg', 'better-sqlite3', 'undici', 'csv-parse', 'csv-stringify', 'node:v8'];

  it('--help loads none of the packages that only commands at work need', () => {
    const hook = join(tempDir(), 'loads.cjs');
    writeFileSync(
      hook,
      `const Module = require('node:module');
const load = Module._load;
const seen = new Set();
Module._load = function (request, ...rest) {
  seen.add(request);
  return load.call(this, request, ...rest);
};
process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify([...seen]) + '\\n'));
`,
    );
    const r = spawnSync(process.execPath, ['--require', hook, BIN, '--help'], {
      encoding: 'utf8',
      env: { ...process.env, WABOX_CONFIG_DIR: tempDir(), NO_COLOR: '1' },
      timeout: 10_000,
    });
    expect(r.status).toBe(0);
    const loaded = JSON.parse(/^LOADED (.*)$/m.exec(r.stderr)![1]!) as string[];
    // the hook sees the loader's own requires: an empty list below is not a blind one
    expect(loaded).toContain('node:vm');
    expect(loaded.filter((m) => HEAVY.some((h) => m === h || m.startsWith(`${h}/`)))).toEqual([]);
  });
});
