import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../src/cloud/webhook-events.js';
import { signPayload } from '../../src/cloud/webhook-signature.js';
import {
  createWebhookServer,
  listen,
  MAX_BODY_BYTES,
  type RunningServer,
} from '../../src/server/webhook-server.js';
import { ownWebhook } from '../helpers/fixtures.js';

const SECRET = 'app-secret-for-tests';
const VERIFY = 'verify-me';
const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

interface Logged {
  level: string;
  obj: object;
  msg?: string;
}

async function start(
  options: {
    handle?: (events: WebhookEvent[]) => Promise<void>;
    insecure?: boolean;
    debug?: boolean;
    storeHealth?: () => Promise<void>;
  } = {},
) {
  const received: WebhookEvent[][] = [];
  const logs: Logged[] = [];
  const log = (level: string) => (obj: object, msg?: string) => logs.push({ level, obj, msg });
  const server = createWebhookServer({
    path: '/webhook',
    appSecret: options.insecure ? null : SECRET,
    verifyToken: VERIFY,
    insecureSkipSignature: options.insecure,
    handle: options.handle ?? (async (events) => void received.push(events)),
    ...(options.storeHealth ? { storeHealth: options.storeHealth } : {}),
    logger: {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      isLevelEnabled: () => options.debug ?? true,
    },
  });
  const s = await listen(server, 0, '127.0.0.1', '/webhook');
  running.push(s);
  return { ...s, received, logs };
}

function http(
  url: string,
  init: { method?: string; body?: Buffer | string; headers?: Record<string, string> } = {},
) {
  return new Promise<{ status: number; body: string; type: string | undefined }>((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          type: res.headers['content-type'],
        }),
      );
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const post = (url: string, body: Buffer | string, signature?: string) =>
  http(url, {
    method: 'POST',
    body,
    headers: signature === undefined ? {} : { 'x-hub-signature-256': signature },
  });

describe('webhook server', () => {
  it('answers the verification challenge only with the right token', async () => {
    const s = await start();
    const ok = await http(`${s.url}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`);
    expect(ok).toMatchObject({ status: 200, body: '1158201444' });
    expect(ok.type).toMatch(/^text\/plain/);
    expect((await http(`${s.url}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(
      403,
    );
    expect(
      (await http(`${s.url}?hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=1`)).status,
    ).toBe(403);
    expect((await http(`${s.url}?hub.verify_token=${VERIFY}&hub.challenge=1`)).status).toBe(403);
    expect((await http(s.url)).status).toBe(403);
  });

  it('accepts a signed payload and hands every event over before answering', async () => {
    const s = await start();
    const body = Buffer.from(JSON.stringify(ownWebhook('text')));
    const res = await post(s.url, body, signPayload(body, SECRET));
    expect(res.status).toBe(200);
    expect(s.received).toHaveLength(1);
    expect(s.received[0]?.[0]).toMatchObject({
      kind: 'message',
      text: 'Is the paneer tikka available today?',
    });
  });

  it('rejects missing and wrong signatures with 401 and stores nothing', async () => {
    const s = await start();
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    expect((await post(s.url, body)).status).toBe(401);
    expect((await post(s.url, body, signPayload(body, 'not-the-secret'))).status).toBe(401);
    expect((await post(s.url, body, 'sha256=zz')).status).toBe(401);
    expect(s.received).toHaveLength(0);
  });

  it('answers 413 to a body over 1 MiB, 400 to invalid JSON or shape, 200 to an empty entry', async () => {
    const s = await start();
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
    expect((await post(s.url, big, signPayload(big, SECRET))).status).toBe(413);
    const bad = Buffer.from('{"entry": [');
    expect((await post(s.url, bad, signPayload(bad, SECRET))).status).toBe(400);
    const notPayload = Buffer.from('{"hello":1}');
    expect((await post(s.url, notPayload, signPayload(notPayload, SECRET))).status).toBe(400);
    const empty = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    expect((await post(s.url, empty, signPayload(empty, SECRET))).status).toBe(200);
    expect(s.received).toEqual([[]]);
  });

  it('answers 500 when storing fails, so Meta redelivers', async () => {
    const s = await start({ handle: async () => Promise.reject(new Error('disk full')) });
    const body = Buffer.from('{"entry":[]}');
    expect((await post(s.url, body, signPayload(body, SECRET))).status).toBe(500);
    expect(s.logs.some((l) => l.level === 'error' && JSON.stringify(l.obj).includes('disk full'))).toBe(true);
  });

  it('serves /healthz, 404 elsewhere, 405 for other methods', async () => {
    const s = await start();
    const base = s.url.replace('/webhook', '');
    expect(await http(`${base}/healthz`)).toMatchObject({ status: 200, body: '{"ok":true}\n' });
    expect((await http(`${base}/other`)).status).toBe(404);
    expect((await http(s.url, { method: 'PUT' })).status).toBe(405);
  });

  it('/healthz reports the store: 200 while it answers, 503 (logged) while it does not', async () => {
    let up = true;
    const s = await start({
      storeHealth: async () => {
        if (!up) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    });
    const healthz = `${s.url.replace('/webhook', '')}/healthz`;
    expect(await http(healthz)).toMatchObject({ status: 200, body: '{"ok":true,"store":"ok"}\n' });
    up = false;
    expect(await http(healthz)).toMatchObject({ status: 503, body: '{"ok":false,"store":"unreachable"}\n' });
    expect(s.logs.some((l) => l.level === 'info' && (l.obj as { status?: number }).status === 503)).toBe(
      true,
    );
    up = true;
    expect((await http(healthz)).status).toBe(200);
  });

  it('logs accepted POSTs and health checks at debug only, refusals at info', async () => {
    const s = await start();
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    await post(s.url, body, signPayload(body, SECRET));
    await http(`${s.url.replace('/webhook', '')}/healthz`);
    await post(s.url, body, signPayload(body, 'not-the-secret'));
    const requests = s.logs.filter((l) => l.msg === 'request');
    expect(requests.map((l) => [l.level, (l.obj as { status: number }).status])).toEqual([
      ['debug', 200],
      ['debug', 200],
      ['info', 401],
    ]);
    // with debug off, the lines for accepted requests are not even made
    const quiet = await start({ debug: false });
    await post(quiet.url, body, signPayload(body, SECRET));
    await post(quiet.url, body);
    expect(quiet.logs.map((l) => [l.level, l.msg])).toEqual([['info', 'request']]);
  });

  it('warns on every request when signatures are not checked', async () => {
    const s = await start({ insecure: true });
    await post(s.url, '{"entry":[]}');
    await post(s.url, '{"entry":[]}');
    expect(s.logs.filter((l) => l.level === 'warn')).toHaveLength(2);
    expect(s.received).toHaveLength(2);
  });
});
