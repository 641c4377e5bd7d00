// `wabox webhook serve` in-process (a real server on 127.0.0.1, a real SQLite file) against what a
// stranger can send: a seeded, bounded corpus of mutated signed payloads (never a 5xx, every
// acknowledged message stored once), signature tricks, pipelined and smuggled requests on one socket.
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/cloud/webhook-signature.js';
import {
  serializeLikeMeta,
  simulatedStatus,
  simulatedTextMessage,
} from '../../src/cloud/webhook-simulate.js';
import { pywaFixtures } from '../helpers/fixtures.js';
import { APP_SECRET, type Receiver, startReceiver } from '../helpers/receiver.js';

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.stop().catch(() => undefined);
});
async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

/** mulberry32: a small seeded PRNG, so that a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const ODD_VALUES: Json[] = [
  null,
  '',
  0,
  -1,
  1e300,
  -1e300,
  '99999999999999999999',
  '1e3',
  '-5',
  'NaN',
  '\u0000',
  '\u202e\u001b]0;title\u0007',
  '\ud800',
  '🙏'.repeat(50),
  'x'.repeat(5000),
  [],
  {},
  [[[[[[]]]]]],
  { __proto__: { polluted: true } } as unknown as Json,
  { constructor: 'x', toString: 1 },
  true,
  false,
  Number('12345678901234567890'),
  '2200-01-01T00:00:00Z',
  '7258118400',
];

/** A copy of `value` with one random mutation somewhere in it. */
function mutate(value: Json, rand: () => number): Json {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const copy = structuredClone(value);
  // collect the containers, then change one of them
  const containers: Array<Json[] | { [k: string]: Json }> = [];
  const stack: Json[] = [copy];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node !== null && typeof node === 'object') {
      containers.push(node);
      for (const child of Object.values(node)) stack.push(child);
    }
  }
  const target = pick(containers);
  const keys = Object.keys(target);
  const key = keys.length > 0 ? pick(keys) : '0';
  const op = Math.floor(rand() * 6);
  const set = (k: string, v: Json) => {
    (target as Record<string, Json>)[k] = v;
  };
  const get = (k: string) => (target as Record<string, Json>)[k] as Json;
  if (op === 0) set(key, pick(ODD_VALUES));
  else if (op === 1) delete (target as Record<string, Json>)[key];
  else if (op === 2) set(key, [get(key) ?? null, get(key) ?? null]);
  else if (op === 3)
    set(pick(['id', 'timestamp', 'from', 'type', 'field', 'value', 'entry', 'x']), pick(ODD_VALUES));
  else if (op === 4) set(key, typeof get(key) === 'string' ? Number(get(key)) : String(get(key)));
  else {
    let deep: Json = 1;
    for (let i = 0; i < pick([10, 100, 70, 3000]); i++) deep = { a: deep };
    set(key, deep);
  }
  return copy;
}

function depth(root: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    max = Math.max(max, d);
    for (const child of Object.values(node)) stack.push([child, d + 1]);
  }
  return max;
}

/** The wamids a receiver must store when it acknowledges `body`: plain, well-formed inbound messages. */
function wellFormedMessages(body: Json): string[] {
  const ids: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(body) || !Array.isArray(body.entry)) return ids;
  for (const entry of body.entry) {
    if (!isObj(entry) || !Array.isArray(entry.changes)) continue;
    for (const change of entry.changes) {
      if (!isObj(change) || change.field !== 'messages' || !isObj(change.value)) continue;
      if (!Array.isArray(change.value.messages)) continue;
      for (const m of change.value.messages) {
        if (!isObj(m) || typeof m.id !== 'string' || m.id === '') continue;
        if (typeof m.from !== 'string' || !/^\d+$/.test(m.from)) continue;
        if (typeof m.timestamp !== 'string' || !/^\d{1,12}$/.test(m.timestamp)) continue;
        if (depth(m) > 60) continue;
        ids.push(m.id);
      }
    }
  }
  return ids;
}

function bases(): Json[] {
  const now = new Date();
  const own: Json[] = [
    simulatedTextMessage({ from: '919876543210', name: 'Asha', text: 'hello', now }).body as Json,
    simulatedStatus({ wamid: 'wamid.OUT1', status: 'read', recipient: '919876543210', now }) as Json,
    simulatedStatus({ wamid: 'wamid.OUT2', status: 'failed', recipient: '919876543210', now }) as Json,
    {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          time: 1_760_000_000,
          changes: [
            { field: 'message_template_status_update', value: { event: 'APPROVED', reason: 'NONE' } },
          ],
        },
      ],
    },
  ];
  // the real payloads where the shared fixtures are present (a fixed subset keeps the run bounded)
  return [
    ...own,
    ...pywaFixtures()
      .slice(0, 40)
      .map((f) => f.body as Json),
  ];
}

describe('fuzzed signed payloads (seeded, bounded)', () => {
  it('300 mutated payloads: never a 5xx; every acknowledged well-formed message is stored once', async () => {
    const r = await receiver();
    const rand = prng(0x5eed1234);
    const corpus = bases();
    const acknowledged: Buffer[] = [];
    const mustStore = new Set<string>();
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      let body: Json = corpus[i % corpus.length]!;
      // unique wamids per case, so that "stored" is about this case
      body = JSON.parse(JSON.stringify(body).replaceAll('"wamid.', `"wamid.F${i}x`)) as Json;
      const mutations = 1 + Math.floor(rand() * 3);
      for (let m = 0; m < mutations; m++) body = mutate(body, rand);
      const raw =
        rand() < 0.05 ? Buffer.from(JSON.stringify(body).slice(0, 40)) : serializeLikeMeta(body as object);
      const answer = await r.post(raw);
      expect([200, 400], `case ${i}: ${answer.status} ${answer.body}`).toContain(answer.status);
      if (answer.status !== 200) continue;
      acknowledged.push(raw);
      for (const id of wellFormedMessages(body)) {
        if (seen.has(id)) continue;
        seen.add(id);
        mustStore.add(id);
      }
    }
    expect(acknowledged.length).toBeGreaterThan(150);
    expect(mustStore.size).toBeGreaterThan(20);
    for (const id of mustStore)
      expect(r.rows('SELECT wamid FROM messages WHERE wamid = ?', id), id).toHaveLength(1);
    // redelivering every acknowledged POST changes nothing
    const tables = ['messages', 'status_events', 'raw_events', 'conversations', 'contacts'];
    const counts = () => tables.map((t) => r.rows<{ n: number }>(`SELECT count(*) AS n FROM ${t}`)[0]!.n);
    const before = counts();
    for (const raw of acknowledged) expect((await r.post(raw)).status).toBe(200);
    expect(counts()).toEqual(before);
    expect((await r.get('/healthz')).status).toBe(200);
  }, 120_000);
});

/** Writes raw bytes on one connection and returns everything the receiver answered until it closed. */
function exchange(url: string, bytes: string | Buffer, halfClose = true): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('connect', () => {
      socket.write(bytes);
      if (halfClose) socket.end();
    });
  });
}

function postHead(path: string, length: number, headers: string[]): string {
  return [
    `POST ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    `Content-Length: ${length}`,
    ...headers,
    '',
    '',
  ].join('\r\n');
}

const statusLines = (text: string) => [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));

describe('signature tricks are refused (401, nothing stored)', () => {
  const message = () => simulatedTextMessage({ from: '919876543210', text: 'hi', now: new Date() });

  it.each([
    [
      'sha1= with a valid SHA-1 HMAC',
      (raw: Buffer) => `sha1=${createHmac('sha1', APP_SECRET).update(raw).digest('hex')}`,
    ],
    ['no algorithm prefix', (raw: Buffer) => signPayload(raw, APP_SECRET).slice('sha256='.length)],
    ['empty digest', () => 'sha256='],
    ['a truncated digest', (raw: Buffer) => signPayload(raw, APP_SECRET).slice(0, 40)],
    ['the digest with one more byte', (raw: Buffer) => `${signPayload(raw, APP_SECRET)}00`],
    ['the HMAC keyed with the verify token', (raw: Buffer) => signPayload(raw, 'test-verify-token-42')],
    [
      'the HMAC of the body without its last byte',
      (raw: Buffer) => signPayload(raw.subarray(0, -1), APP_SECRET),
    ],
    [
      'two signatures in one header',
      (raw: Buffer) => `sha256=${'0'.repeat(64)}, ${signPayload(raw, APP_SECRET)}`,
    ],
  ])('%s', async (_name, sign) => {
    const r = await receiver();
    const { body } = message();
    const raw = serializeLikeMeta(body);
    const answer = await r.post(raw, { signature: sign(raw) });
    expect(answer.status).toBe(401);
    expect(r.rows('SELECT wamid FROM messages')).toEqual([]);
  });

  it('duplicate X-Hub-Signature-256 headers (a valid one first or last) are refused', async () => {
    const r = await receiver();
    const path = new URL(r.url).pathname;
    for (const order of ['valid-first', 'valid-last']) {
      const raw = serializeLikeMeta(message().body);
      const valid = `X-Hub-Signature-256: ${signPayload(raw, APP_SECRET)}`;
      const bogus = `X-Hub-Signature-256: sha256=${'ab'.repeat(32)}`;
      const headers = order === 'valid-first' ? [valid, bogus] : [bogus, valid];
      const text = await exchange(
        r.url,
        Buffer.concat([Buffer.from(postHead(path, raw.length, headers)), raw]),
      );
      expect(statusLines(text), order).toEqual([401]);
    }
    expect(r.rows('SELECT wamid FROM messages')).toEqual([]);
  });
});

describe('pipelining and smuggling on one connection', () => {
  it('three pipelined POSTs (signed, unsigned, signed) are answered in order 200, 401, 200', async () => {
    const r = await receiver();
    const path = new URL(r.url).pathname;
    const [a, b, c] = [1, 2, 3].map(() =>
      simulatedTextMessage({ from: '919876543210', text: 'pipelined', now: new Date() }),
    );
    const part = (m: typeof a, signed: boolean) => {
      const raw = serializeLikeMeta(m!.body);
      const headers = signed ? [`X-Hub-Signature-256: ${signPayload(raw, APP_SECRET)}`] : [];
      return Buffer.concat([Buffer.from(postHead(path, raw.length, headers)), raw]);
    };
    const text = await exchange(r.url, Buffer.concat([part(a, true), part(b, false), part(c, true)]));
    expect(statusLines(text)).toEqual([200, 401, 200]);
    const stored = r.rows<{ wamid: string }>('SELECT wamid FROM messages').map((x) => x.wamid);
    expect(stored.sort()).toEqual([a!.id, c!.id].sort());
  });

  it('Content-Length with Transfer-Encoding (a smuggling attempt) is refused with 400 and nothing is stored', async () => {
    const r = await receiver();
    const path = new URL(r.url).pathname;
    const inner = serializeLikeMeta(message().body);
    const smuggled = `${postHead(path, inner.length, [`X-Hub-Signature-256: ${signPayload(inner, APP_SECRET)}`])}${inner}`;
    const outer = `0\r\n\r\n${smuggled}`;
    const text = await exchange(
      r.url,
      `${postHead(path, outer.length, ['Transfer-Encoding: chunked'])}${outer}`,
    );
    expect(statusLines(text)).toEqual([400]);
    expect(r.rows('SELECT wamid FROM messages')).toEqual([]);
  });

  function message() {
    return simulatedTextMessage({ from: '919876543210', text: 'smuggled', now: new Date() });
  }
});
