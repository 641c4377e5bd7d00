// `wabox webhook serve` in-process for tests: a real server on 127.0.0.1 (ephemeral port), a real temp
// SQLite file, the fake Graph server for automatic replies, a settable clock. Signed POSTs as Meta sends.
import { type Agent, request } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createDeps, type Deps } from '../../src/cli/deps.js';
import { createTestIO, type TestIO } from '../../src/cli/test-io.js';
import { signPayload } from '../../src/cloud/webhook-signature.js';
import { serializeLikeMeta } from '../../src/cloud/webhook-simulate.js';
import { runServe, type ServeOptions, type ServeResult } from '../../src/commands/webhook/serve.js';
import { tempDir } from './cli.js';
import { fakeTime, PHONE_ID, TOKEN } from './cloud.js';
import type { FakeGraph, FakeReply } from './graph-server.js';

export const APP_SECRET = 'test-app-secret-0123456789';
export const VERIFY_TOKEN = 'test-verify-token-42';
export const MESSAGES_PATH = `/v23.0/${PHONE_ID}/messages`;

export interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface Receiver {
  url: string;
  env: Record<string, string>;
  dir: string;
  io: TestIO;
  deps: Deps;
  /** The instant the receiver's clock shows (deps.clock()); tests move it. */
  now: { value: Date };
  /** Signs (unless `signature` is given) and posts the raw bytes. */
  post(
    body: Buffer | string | object,
    options?: { signature?: string | null; secret?: string },
  ): Promise<Answer>;
  get(pathAndQuery: string): Promise<Answer>;
  /** Rows of the store, read by a separate connection. */
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  /** Graceful stop (as SIGTERM); resolves with runServe's result once everything closed. */
  stop(): Promise<ServeResult>;
  /** The JSON log lines written so far. */
  logs(): Array<Record<string, unknown> & { msg?: string; level?: string }>;
}

/** Distinct successful send answers (the store needs distinct wamids). */
export function sendReplies(n: number): FakeReply[] {
  return Array.from({ length: n }, (_, i) => ({
    json: {
      messaging_product: 'whatsapp',
      contacts: [{ input: '+919876543210', wa_id: '919876543210' }],
      messages: [{ id: `wamid.AUTO${i + 1}`, message_status: 'accepted' }],
    },
  }));
}

export function http(
  url: string,
  init: { method?: string; body?: Buffer | string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          headers: res.headers,
        }),
      );
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export async function startReceiver(
  options: {
    graph?: FakeGraph;
    flags?: ServeOptions;
    env?: Record<string, string | undefined>;
    now?: Date;
    dir?: string;
    /** Prepare the config dir or the store before the receiver starts. */
    before?: (env: Record<string, string>) => Promise<void> | void;
  } = {},
): Promise<Receiver> {
  const dir = options.dir ?? tempDir('wabox-receiver-');
  const env: Record<string, string> = {
    WABOX_CONFIG_DIR: join(dir, 'config'),
    WABOX_DB: join(dir, 'wabox.db'),
    WABOX_APP_SECRET: APP_SECRET,
    WABOX_VERIFY_TOKEN: VERIFY_TOKEN,
    WABOX_TOKEN: TOKEN,
    WABOX_PHONE_NUMBER_ID: PHONE_ID,
    ...(options.graph ? { WABOX_GRAPH_URL: options.graph.url } : {}),
  };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  await options.before?.(env);
  const now = { value: options.now ?? new Date() };
  const io = createTestIO();
  const deps = createDeps(io, env, { clock: () => now.value, cloudOptions: fakeTime().options });
  const graceful = new AbortController();
  let url = '';
  let running: Promise<ServeResult> | undefined;
  const listening = new Promise<void>((resolve, reject) => {
    const done = runServe({ port: '0', host: '127.0.0.1', ...options.flags }, deps, {
      signal: graceful.signal,
      onListening: (u) => {
        url = u;
        resolve();
      },
    });
    running = done;
    done.catch(reject);
  });
  await listening;
  let db: Database.Database | undefined;
  const receiver: Receiver = {
    url,
    env,
    dir,
    io,
    deps,
    now,
    post(body, opts = {}) {
      const raw = Buffer.isBuffer(body)
        ? body
        : typeof body === 'string'
          ? Buffer.from(body)
          : serializeLikeMeta(body);
      const signature =
        opts.signature === undefined ? signPayload(raw, opts.secret ?? APP_SECRET) : opts.signature;
      return http(url, {
        method: 'POST',
        body: raw,
        headers: {
          'content-type': 'application/json',
          ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
        },
      });
    },
    get: (pathAndQuery) => http(new URL(pathAndQuery, url).href),
    rows<T>(sql: string, ...params: unknown[]) {
      if (!db?.open) db = new Database(env.WABOX_DB!, { readonly: true });
      return db.prepare(sql).all(...params) as T[];
    },
    async stop() {
      graceful.abort();
      const result = await running!;
      db?.close();
      await deps.close();
      return result;
    },
    logs() {
      return io.stderr
        .text()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
  };
  return receiver;
}

/** POSTs raw bytes signed with `secret` as Meta does, to a receiver in another process; the status. */
export function postSigned(url: string, raw: Buffer, secret: string, agent?: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(raw.length),
          'x-hub-signature-256': signPayload(raw, secret),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(raw);
  });
}
