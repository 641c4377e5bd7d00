// `npm run spec` (scripts/spec.mjs): where Meta's OpenAPI description is looked for, the pinned
// download checked by sha256 (against a local server), its one-line failure, and the summary of skipped
// suites that ends every test run.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachePath, fetchSpec, resolveOpenApi, SPEC, SPEC_URL, sha256 } from '../../scripts/spec.mjs';
import { ROOT, tempDir } from '../helpers/cli.js';
import { skipSummary } from '../helpers/skip-reporter.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A strict server: answers each scripted reply once, in order; anything more is a 500 and recorded. */
async function serve(replies: Array<{ status: number; body: string }>) {
  const unexpected: string[] = [];
  const server = createServer((req, res) => {
    const reply = replies.shift();
    if (!reply) {
      unexpected.push(`${req.method} ${req.url}`);
      res.writeHead(500).end();
      return;
    }
    res.writeHead(reply.status).end(reply.body);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${SPEC.file}`;
  return { url, replies, unexpected };
}

describe('where the description is looked for', () => {
  it('WABOX_OPENAPI first (relative to the repo), then the cache; otherwise one line on how to get it', () => {
    const root = tempDir('wabox-spec-root-');
    const missing = resolveOpenApi({}, root);
    expect(missing).toEqual({
      reason:
        "Meta's OpenAPI description is not downloaded: run npm run spec (or set WABOX_OPENAPI to a copy)",
    });
    mkdirSync(join(root, '.cache/openapi'), { recursive: true });
    writeFileSync(cachePath(root), 'openapi: 3.1.0\n');
    expect(resolveOpenApi({}, root)).toEqual({ path: join(root, '.cache/openapi', SPEC.file) });
    writeFileSync(join(root, 'mine.yaml'), 'openapi: 3.1.0\n');
    expect(resolveOpenApi({ WABOX_OPENAPI: 'mine.yaml' }, root)).toEqual({ path: join(root, 'mine.yaml') });
    const wrong = resolveOpenApi({ WABOX_OPENAPI: '../nowhere.yaml' }, root);
    expect(wrong.reason).toMatch(/^WABOX_OPENAPI=\.\.\/nowhere\.yaml does not exist \(.*npm run spec/);
    expect(wrong.reason).not.toContain('\n');
  });

  it('pins a commit of facebook/openapi', () => {
    expect(SPEC_URL).toBe(
      `https://raw.githubusercontent.com/facebook/openapi/${SPEC.commit}/business-messaging-api_v23.0.yaml`,
    );
    expect(SPEC.commit).toMatch(/^[0-9a-f]{40}$/);
    // the copy CI keeps beside the clone is the pinned file
    const shared = join(ROOT, '../shared/meta-openapi', SPEC.file);
    if (existsSync(shared)) expect(sha256(readFileSync(shared))).toBe(SPEC.sha256);
  });
});

describe('the download', () => {
  const body = 'openapi: 3.1.0\ninfo: {title: test}\n';

  it('writes the file when its sha256 matches, and does not fetch it again', async () => {
    const dest = join(tempDir('wabox-spec-'), '.cache/openapi', SPEC.file);
    const server = await serve([{ status: 200, body }]);
    expect(await fetchSpec({ url: server.url, expected: sha256(body), dest })).toBe('downloaded');
    expect(readFileSync(dest, 'utf8')).toBe(body);
    expect(await fetchSpec({ url: server.url, expected: sha256(body), dest })).toBe('cached');
    expect(server.unexpected).toEqual([]);
  });

  it('refuses a file with another sha256 and an HTTP error, writing nothing', async () => {
    const dest = join(tempDir('wabox-spec-'), SPEC.file);
    const server = await serve([
      { status: 200, body: `${body}tampered: true\n` },
      { status: 404, body: 'Not Found' },
    ]);
    await expect(fetchSpec({ url: server.url, expected: sha256(body), dest })).rejects.toThrow(
      new RegExp(`^${server.url} has sha256 [0-9a-f]{64}, expected ${sha256(body)}; nothing written$`),
    );
    await expect(fetchSpec({ url: server.url, expected: sha256(body), dest })).rejects.toThrow(
      `could not download ${server.url}: HTTP 404`,
    );
    expect(server.unexpected).toEqual([]);
    expect(existsSync(dest)).toBe(false);
  });

  it('npm run spec without network: one error line (and a hint), exit 1, nothing cached', async () => {
    const closed = await serve([]);
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
    // a copy of the script in a fresh folder, so its cache is that folder's and not the developer's
    const root = tempDir('wabox-spec-cli-');
    mkdirSync(join(root, 'scripts'));
    copyFileSync(join(ROOT, 'scripts/spec.mjs'), join(root, 'scripts/spec.mjs'));
    const result = spawnSync(process.execPath, [join(root, 'scripts/spec.mjs')], {
      env: { PATH: process.env.PATH, WABOX_SPEC_URL: closed.url },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: could not download ${closed.url}: ECONNREFUSED\n` +
        `hint: or set WABOX_OPENAPI to a local copy of ${SPEC.file}\n`,
    );
    expect(existsSync(join(root, '.cache'))).toBe(false);
  });
});

describe('the summary of skipped tests', () => {
  it('names each file with its reason, and lists skips without one', () => {
    expect(skipSummary([])).toBe('skipped: nothing\n');
    expect(
      skipSummary([
        { file: 'test/b.test.ts', test: 'b > one', note: undefined },
        { file: 'test/a.test.ts', test: 'a > x', note: 'run npm run spec' },
        { file: 'test/a.test.ts', test: 'a > y', note: 'run npm run spec' },
      ]),
    ).toBe(
      'skipped (3 tests):\n' +
        '  test/a.test.ts: run npm run spec (2 tests)\n' +
        '  test/b.test.ts: 1 test skipped without a reason: b > one\n',
    );
  });

  it('ends a run of the contract suite without the description with its one-line reason', () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'),
    );
    const result = spawnSync(
      join(ROOT, 'node_modules/.bin/vitest'),
      ['run', 'test/cloud/contract.test.ts', '--no-color'],
      {
        cwd: ROOT,
        env: { ...env, WABOX_OPENAPI: '/nowhere/openapi.yaml', NO_COLOR: '1', CI: 'true' },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /skipped \(1 test\):\n {2}test\/cloud\/contract\.test\.ts: WABOX_OPENAPI=\/nowhere\/openapi\.yaml does not exist \(unset it and run npm run spec, or point it at the file\) \(1 test\)\n$/,
    );
  });
});
