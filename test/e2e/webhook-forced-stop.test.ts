// The built `wabox webhook serve` as a child process with an automatic reply stuck on a Graph API that
// never answers: the first SIGTERM waits for it, a second one ends the process (exit 130) and logs what
// was abandoned.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/cloud/webhook-signature.js';
import { serializeLikeMeta, simulatedTextMessage } from '../../src/cloud/webhook-simulate.js';
import { SETTINGS_KEY } from '../../src/core/autoreply.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';
import { PHONE_ID, TOKEN } from '../helpers/cloud.js';
import { type FakeGraph, startFakeGraph } from '../helpers/graph-server.js';

const SECRET = 'forced-stop-app-secret';
const MESSAGES_PATH = `/v23.0/${PHONE_ID}/messages`;
const children: ChildProcess[] = [];
let graph: FakeGraph | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await graph?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean, bound = 15_000): Promise<void> {
  for (let waited = 0; waited < bound; waited += 50) {
    if (check()) return;
    await sleep(50);
  }
  throw new Error(`${what}: not within ${bound} ms`);
}

describe('a second signal ends a receiver whose automatic replies are stuck', () => {
  it('SIGTERM waits for the reply in flight; a second SIGTERM exits 130 and logs it as abandoned', async () => {
    graph = await startFakeGraph();
    graph.on('POST', MESSAGES_PATH, { hang: true });
    const dir = tempDir('wabox-forced-');
    const config = join(dir, 'config');
    mkdirSync(config, { recursive: true });
    writeFileSync(
      join(config, 'templates.json'),
      JSON.stringify({
        version: 1,
        templates: [{ name: 'welcome', kind: 'greeting', language: 'en', body: 'Hello!' }],
      }),
    );
    const db = join(dir, 'wabox.db');
    const store = openSqliteStore(db);
    await store.setSetting(SETTINGS_KEY, { greeting: true });
    await store.close();

    const child = spawn(process.execPath, [BIN, 'webhook', 'serve', '--port', '0'], {
      cwd: ROOT,
      env: {
        ...process.env,
        WABOX_DB: db,
        WABOX_CONFIG_DIR: config,
        WABOX_APP_SECRET: SECRET,
        WABOX_TOKEN: TOKEN,
        WABOX_PHONE_NUMBER_ID: PHONE_ID,
        WABOX_GRAPH_URL: graph.url,
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    await until('listening', () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `the receiver exited before listening (${child.exitCode ?? child.signalCode}): ${err}`,
        );
      return err.includes('"msg":"listening"');
    });
    const url = /"url":"([^"]+)"/.exec(err)![1]!;

    const { id, body } = simulatedTextMessage({ from: '919876543210', text: 'hi', now: new Date() });
    const raw = serializeLikeMeta(body);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(raw, SECRET) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(raw);
    });
    expect(status).toBe(200);
    await until('the reply reached the Graph API', () => graph!.calls('POST', MESSAGES_PATH).length === 1);

    child.kill('SIGTERM');
    await until('waiting for the reply', () =>
      err.includes('"msg":"waiting for automatic replies in flight"'),
    );
    // a signal within a second of the first counts as the same one (see serve.ts)
    await sleep(1200);
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    const ended = await Promise.race([exited, sleep(10_000).then(() => 'still running' as const)]);
    expect(ended).toEqual({ code: 130, signal: null });
    const abandoned = err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; replies?: Array<Record<string, unknown>> })
      .find((l) => l.msg?.startsWith('forced stop: automatic replies abandoned'));
    expect(abandoned?.replies).toEqual([
      { id: expect.any(Number), wamid: id, waId: '919876543210', reason: 'greeting', sending: true },
    ]);
    expect(err).toContain('"msg":"stopped"');
    expect(err).not.toContain(TOKEN);
  }, 60_000);
});
