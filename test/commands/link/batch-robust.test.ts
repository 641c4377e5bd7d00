// `wabox link --batch` as a process: every failing path ends it, and hostile input (huge records,
// invalid UTF-8, signals mid-run) is reported row by row or cleaned up. Runs the built CLI.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, spawnCli, tempDir } from '../../helpers/cli.js';

function file(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A run that has not ended by then is killed (exit code null): a hang fails the test instead of timing it out. */
const DEADLINE_MS = 20_000;

describe('wabox link --batch: every failing path ends the process', () => {
  it.each([
    ['a missing input', (dir: string) => ['--batch', join(dir, 'missing.csv'), '--qr-dir', join(dir, 'qr')]],
    ['an input that is a directory', (dir: string) => ['--batch', dir, '--qr-dir', join(dir, 'qr')]],
    [
      'an output in a missing directory',
      (dir: string) => [
        '--batch',
        file(dir, 'in.csv', 'phone\n+919876543210\n'),
        '--output',
        join(dir, 'nodir', 'out.csv'),
        '--qr-dir',
        join(dir, 'qr'),
      ],
    ],
    [
      'an input without a phone column',
      (dir: string) => ['--batch', file(dir, 'in.csv', 'name\nAsha\n'), '--qr-dir', join(dir, 'qr')],
    ],
    [
      'a large input without a phone column',
      (dir: string) => [
        '--batch',
        file(dir, 'in.csv', `name\n${'Asha\n'.repeat(200_000)}`),
        '--output',
        join(dir, 'out.csv'),
      ],
    ],
  ])('%s, with worker threads (--jobs 2)', async (_, args) => {
    const dir = tempDir();
    const r = await spawnCli(['link', ...args(dir), '--jobs', '2'], { timeoutMs: DEADLINE_MS });
    expect(r.code, `stderr: ${r.stderr}`).not.toBeNull();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stdout).toBe('');
    // nothing half-written is left behind
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

/** Runs the CLI with a preload that records its peak RSS (getrusage maxrss) in a file; returns it in MB. */
async function withPeakRss(dir: string, argv: string[]) {
  const preload = file(
    dir,
    'rss.cjs',
    "process.on('exit', () => require('node:fs').writeFileSync(process.env.RSS_FILE, String(process.resourceUsage().maxRSS)));",
  );
  const rssFile = `${dir}/rss.txt`;
  const r = await spawnCli(argv, {
    timeoutMs: 60_000,
    env: { NODE_OPTIONS: `--require ${preload}`, RSS_FILE: rssFile },
  });
  return { ...r, rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

/** Writes `head`, then `size` bytes of `fill`, then `tail`, streamed. */
async function bigFile(path: string, head: string, size: number, fill: string, tail: string) {
  const out = createWriteStream(path);
  out.write(head);
  const piece = fill.repeat(Math.ceil((1 << 20) / fill.length)).slice(0, 1 << 20);
  for (let n = 0; n < size; n += piece.length)
    if (!out.write(n + piece.length <= size ? piece : piece.slice(0, size - n))) await once(out, 'drain');
  out.end(tail);
  await once(out, 'finish');
}

describe('wabox link --batch: a record over 1 MiB', () => {
  const LINE_MB = 64;

  it.each(['1', '2'])(
    'is reported by line, the batch goes on, memory stays bounded (CSV, --jobs %s)',
    async (jobs) => {
      const dir = tempDir();
      const input = join(dir, 'in.csv');
      await bigFile(
        input,
        'phone,text\n+919876543210,before\n+919876543211,"',
        LINE_MB << 20,
        'a,b\n',
        '"\n+919876543212,after\n',
      );
      const r = await withPeakRss(dir, [
        'link',
        '--batch',
        input,
        '--jobs',
        jobs,
        '--output-format',
        'jsonl',
      ]);
      expect(r.code).toBe(1);
      const rows = r.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, string>);
      expect(rows.map((row) => [row.phone, row.url, row.error])).toEqual([
        ['+919876543210', 'https://wa.me/919876543210?text=before', ''],
        [
          undefined,
          '',
          `the record is ${((LINE_MB << 20) + 17).toLocaleString('en')} bytes, over the 1 MiB limit: skipped`,
        ],
        ['+919876543212', 'https://wa.me/919876543212?text=after', ''],
      ]);
      expect(r.stderr).toMatch(/^line 3: the record is [\d,]+ bytes, over the 1 MiB limit: skipped\n/);
      // the line is never held whole: a node process doing this little stays well under its size
      expect(r.rssMb).toBeLessThan(LINE_MB + 40);
    },
  );

  it('is reported by line in JSONL, also as the last line without a line break', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.jsonl');
    await bigFile(
      input,
      '{"phone":"+919876543210"}\n{"phone":"+919876543211","t":"',
      3 << 20,
      'x',
      '"}\n{"phone":"+919876543212"}\n{"t":"',
    );
    writeFileSync(input, Buffer.alloc(2 << 20, 'y'), { flag: 'a' });
    const r = await spawnCli(['link', '--batch', input, '--output-format', 'jsonl']);
    expect(r.code).toBe(1);
    expect(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).error),
    ).toEqual([
      '',
      'the line is 3,145,761 bytes, over the 1 MiB limit: skipped',
      '',
      'the line is 2,097,158 bytes, over the 1 MiB limit: skipped',
    ]);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      'line 2: the line is 3,145,761 bytes, over the 1 MiB limit: skipped',
      'line 4: the line is 2,097,158 bytes, over the 1 MiB limit: skipped',
    ]);
  });

  it('refuses a CSV header over 1 MiB (exit 2)', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.csv');
    await bigFile(input, 'phone,', 2 << 20, 'x', '\n+919876543210,a\n');
    const r = await spawnCli(['link', '--batch', input]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: the CSV header is over ${1 << 20} bytes\n`);
  });
});

/** Starts the CLI, waits until `ready()` holds (the batch is mid-run), sends `signal`, and collects the end. */
async function interrupt(argv: string[], ready: () => boolean, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, [BIN, ...argv], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: DEADLINE_MS,
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  child.stdout.resume();
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  for (let i = 0; i < 400 && !ready(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(ready(), 'the batch started').toBe(true);
  child.kill(signal);
  const [code] = await closed;
  return { code, stderr };
}

/** A CSV of `rows` valid numbers, big enough that a batch is still running when it is interrupted. */
function bigCsv(dir: string, rows: number): string {
  let text = 'phone,name\n';
  for (let i = 0; i < rows; i++) text += `+9198765${String(10000 + (i % 90000))},n${i}\n`;
  return file(dir, 'in.csv', text);
}

describe('wabox link --batch: Ctrl-C and SIGTERM mid-run', () => {
  it.each([
    ['SIGINT', '2', 130],
    ['SIGTERM', '2', 143],
    ['SIGINT', '1', 130],
  ] as const)(
    '%s with --jobs %s: the temp file is removed, one line says what was done',
    async (signal, jobs, exit) => {
      const dir = tempDir();
      const input = bigCsv(dir, 600_000);
      const output = join(dir, 'out.csv');
      const temp = () => readdirSync(dir).find((name) => name.endsWith('.tmp'));
      const r = await interrupt(
        ['link', '--batch', input, '--output', output, '--jobs', jobs],
        // mid-run: some rows are written
        () => {
          const name = temp();
          return (
            name !== undefined &&
            (statSync(join(dir, name), { throwIfNoEntry: false })?.size ?? 0) > 64 * 1024
          );
        },
        signal,
      );
      expect(r.code).toBe(exit);
      expect(r.stderr).toMatch(
        new RegExp(
          `^cancelled after \\d+ of about \\d+ rows \\(\\d+% of ${input}\\); ${output} not written\\n$`,
        ),
      );
      expect(readdirSync(dir)).toEqual(['in.csv']);
    },
  );

  it('with --qr-dir: the QR files written are kept, counted, and none is half-written', async () => {
    const dir = tempDir();
    const input = bigCsv(dir, 50_000);
    const qrDir = join(dir, 'qr');
    mkdirSync(qrDir);
    const output = join(dir, 'out.csv');
    const r = await interrupt(
      ['link', '--batch', input, '--output', output, '--qr-dir', qrDir, '--jobs', '2'],
      () => readdirSync(qrDir).length > 0,
      'SIGINT',
    );
    expect(r.code).toBe(130);
    const files = readdirSync(qrDir);
    expect(files.filter((name) => !name.endsWith('.png'))).toEqual([]);
    expect(files.length).toBeLessThan(50_000);
    expect(r.stderr).toMatch(
      new RegExp(
        `^cancelled after \\d+ of about \\d+ rows \\(\\d+% of ${input}\\); ${output} not written; ${files.length} QR files already written kept in ${qrDir}\\n$`,
      ),
    );
    expect(readdirSync(dir).sort()).toEqual(['in.csv', 'qr']);
  });
});

describe('wabox link --batch: interrupted on a terminal', () => {
  it('restores the cursor and line wrap that the progress bar turned off', async () => {
    const dir = tempDir();
    const input = bigCsv(dir, 600_000);
    const output = join(dir, 'out.csv');
    // script(1) gives the CLI a pseudo-terminal; SIGTERM once rows are in the temp file (bounded wait)
    const shell = [
      `node ${BIN} link --batch ${input} --output ${output} & pid=$!`,
      `i=0; while [ $i -lt 400 ] && [ -z "$(find ${dir} -name '*.tmp' -size +64k)" ]; do sleep 0.05; i=$((i+1)); done`,
      'kill -TERM $pid; wait $pid; echo "EXIT=$?"',
    ].join('; ');
    const child = spawn('script', ['-qfec', shell, '/dev/null'], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: DEADLINE_MS,
    });
    let tty = '';
    child.stdout.on('data', (c: Buffer) => {
      tty += c.toString();
    });
    await once(child, 'close');
    expect(tty).toContain('EXIT=143');
    // the progress bar estimates the time left
    expect(tty).toMatch(/ETA (\d+[smhd])+ \| \d+ rows, 0 failed/);
    const hidden = tty.indexOf('\x1b[?25l');
    expect(hidden).toBeGreaterThanOrEqual(0);
    expect(tty.lastIndexOf('\x1b[?25h')).toBeGreaterThan(hidden);
    expect(tty.lastIndexOf('\x1b[?7h')).toBeGreaterThan(tty.indexOf('\x1b[?7l'));
    expect(tty).toMatch(/cancelled after \d+ of about \d+ rows \(\d+% of .*\); .* not written\r\n/);
    expect(readdirSync(dir)).toEqual(['in.csv']);
  });
});
