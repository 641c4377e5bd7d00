// The README's examples, run. Every ```sh block of README.md runs in document order, each as one
// `bash -e -o pipefail` script, in one sandbox shared by all blocks: a temp working directory, its own
// WABOX_CONFIG_DIR, WABOX_DB and HOME, and the built CLI on the PATH as `wabox`. Each must exit 0.
//
// Markers: HTML comments on the lines right before the opening fence (invisible on GitHub).
//   <!-- needs: <what> -->   the block is not run; <what> says why: `cloud-api` (a token and Meta, or
//                            Prism), `server` (starts one and waits), `terminal`, `network`, ...
//   <!-- exit: <code> -->    the block must exit with this code instead of 0.
//   <!-- cwd: repo -->       the block runs in the repository checkout (set-up commands), not the sandbox.
//   <!-- needs: postgresql -->  run on their own, in order, when PostgreSQL is reachable: a fresh sandbox
//                            without WABOX_DB, the README's example URL (README_PG_URL) made a test schema.
// A block that needs a file makes it itself (the README stays self-contained), e.g. with printf.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';
import { describePg, dropTestSchemas, PG_TEST_URL, testSchema } from '../helpers/pg.js';
import { shBlocks } from '../helpers/readme-blocks.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = shBlocks(README);

function sandbox() {
  const root = tempDir('wabox-readme-');
  const dirs = { work: join(root, 'work'), bin: join(root, 'bin'), home: join(root, 'home') };
  for (const dir of Object.values(dirs)) mkdirSync(dir);
  const shim = join(dirs.bin, 'wabox');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(shim, 0o755);
  const env: Record<string, string> = {
    PATH: `${dirs.bin}:${process.env.PATH}`,
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_DATA_HOME: join(dirs.home, '.local/share'),
    WABOX_CONFIG_DIR: join(root, 'config'),
    WABOX_DB: join(root, 'wabox.db'),
    // nothing reaches Meta by accident: a block that calls the API fails fast (exit 5)
    WABOX_GRAPH_URL: 'http://127.0.0.1:9',
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    // `npx wabox` in the clone must not run `prepare` (a clean rebuild of dist/ under the other suites)
    npm_config_ignore_scripts: 'true',
    npm_config_offline: 'true',
  };
  return { env, cwd: dirs.work };
}

describe('README.md examples', () => {
  it('has sh blocks to run, and every marker is understood', () => {
    expect(blocks.filter((b) => b.needs === undefined).length).toBeGreaterThan(10);
    for (const b of blocks) expect(Number.isInteger(b.exit), `line ${b.line}`).toBe(true);
    // an unknown marker name would silently not apply
    for (const m of README.matchAll(/^\s*<!--\s*([\w-]+):/gm))
      expect(['needs', 'exit', 'cwd'], m[0]).toContain(m[1]);
  });

  it('every block not marked `needs:` runs in document order and exits as stated', () => {
    const box = sandbox();
    const failures: string[] = [];
    for (const block of blocks) {
      if (block.needs !== undefined) continue;
      const result = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', block.code], {
        cwd: block.cwd === 'repo' ? ROOT : box.cwd,
        env: box.env,
        input: '',
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (result.status !== block.exit)
        failures.push(
          `README.md:${block.line} (${block.section}) exited ${result.status ?? result.signal}, expected ${block.exit}:\n` +
            `${block.code}\n--- stderr:\n${result.stderr.trim().split('\n').slice(-6).join('\n')}`,
        );
    }
    expect(failures.join('\n\n')).toBe('');
  }, 300_000);

  it('set-up: the package bin on the PATH (what `npm link` makes) runs wabox, `npx wabox` works in the clone', () => {
    // npm link itself reifies the clone's node_modules under the tests running beside this one, so the
    // link it makes is made here: <prefix>/bin/wabox -> package.json's bin
    const prefix = tempDir('wabox-npm-prefix-');
    // ignore-scripts: npx may reify the clone, and its `prepare` would rebuild dist/ under the other suites
    const env = {
      ...process.env,
      npm_config_offline: 'true',
      npm_config_ignore_scripts: 'true',
      NO_COLOR: '1',
    };
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { wabox: string } };
    mkdirSync(join(prefix, 'bin'));
    symlinkSync(join(ROOT, pkg.bin.wabox), join(prefix, 'bin', 'wabox'));
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const onPath = spawnSync('wabox', ['--version'], {
      cwd: tempDir('wabox-elsewhere-'),
      env: { ...env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` },
      encoding: 'utf8',
    });
    expect(onPath.stdout.trim()).toBe(version);
    const npx = spawnSync('npx', ['wabox', '--version'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(npx.stdout.trim(), npx.stderr).toBe(version);
  }, 180_000);
});

/** The database URL the README's PostgreSQL examples use. */
const README_PG_URL = 'postgres://wabox@db.internal:5432/wabox';

await describePg('README.md examples on PostgreSQL', () => {
  afterAll(dropTestSchemas);

  it('every `needs: postgresql` block runs in order against a fresh schema', () => {
    const pgBlocks = blocks.filter((b) => b.needs === 'postgresql');
    expect(pgBlocks.length).toBeGreaterThan(0);
    const box = sandbox();
    const { WABOX_DB: _sqlite, ...env } = box.env;
    const url = `${PG_TEST_URL}?schema=${testSchema()}`;
    for (const block of pgBlocks) {
      expect(block.code, `README.md:${block.line}`).toContain(README_PG_URL);
      const result = spawnSync(
        'bash',
        ['-e', '-o', 'pipefail', '-c', block.code.replaceAll(README_PG_URL, url)],
        {
          cwd: box.cwd,
          env,
          input: '',
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      expect(result.status, `README.md:${block.line}\n${result.stderr}`).toBe(block.exit);
    }
  }, 300_000);
});

describe('the marker scheme', () => {
  it('reads needs, exit and cwd markers, indented blocks, and leaves other languages out', () => {
    const md = [
      '# A',
      '```sh',
      'echo one',
      '```',
      '## B',
      '<!-- needs: cloud-api -->',
      '```sh',
      'wabox send',
      '```',
      '```json',
      '{}',
      '```',
      '<!-- exit: 2 -->',
      '<!-- cwd: repo -->',
      '```sh',
      'false',
      '```',
      '- item',
      '',
      '  ```sh',
      '  echo indented',
      '  ```',
    ].join('\n');
    expect(shBlocks(md)).toEqual([
      { line: 2, section: 'A', code: 'echo one', needs: undefined, exit: 0, cwd: 'sandbox' },
      { line: 7, section: 'B', code: 'wabox send', needs: 'cloud-api', exit: 0, cwd: 'sandbox' },
      { line: 15, section: 'B', code: 'false', needs: undefined, exit: 2, cwd: 'repo' },
      { line: 20, section: 'B', code: 'echo indented', needs: undefined, exit: 0, cwd: 'sandbox' },
    ]);
  });
});
