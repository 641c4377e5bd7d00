import { readFileSync } from 'node:fs';
// `wabox webhook serve` end to end in-process: a real server on 127.0.0.1, a real SQLite file, every
// fixture, the signature over raw bytes, the refusals, redelivery, statuses, graceful shutdown.
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseWebhook, type WebhookEvent } from '../../src/cloud/webhook-events.js';
import { signPayload } from '../../src/cloud/webhook-signature.js';
import {
  serializeLikeMeta,
  simulatedStatus,
  simulatedTextMessage,
} from '../../src/cloud/webhook-simulate.js';
import { MAX_BODY_BYTES } from '../../src/server/webhook-server.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { run } from '../helpers/cli.js';
import { TOKEN } from '../helpers/cloud.js';
import {
  metaWebhookExamples,
  OPENAPI_MISSING,
  ownWebhookFixtures,
  PYWA_MISSING,
  pywaFixtures,
  skipSuite,
} from '../helpers/fixtures.js';
import { APP_SECRET, type Receiver, startReceiver, VERIFY_TOKEN } from '../helpers/receiver.js';

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.stop().catch(() => undefined);
});
async function receiver(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
}

// ours always; pywa's payloads and Meta's examples too when they are here
const fixtures = [
  ...ownWebhookFixtures(),
  ...(PYWA_MISSING ? [] : pywaFixtures()),
  ...(OPENAPI_MISSING ? [] : metaWebhookExamples()),
];
if (PYWA_MISSING) skipSuite("every fixture is accepted and stored: pywa's payloads", PYWA_MISSING);
if (OPENAPI_MISSING) skipSuite("every fixture is accepted and stored: Meta's examples", OPENAPI_MISSING);
const count = (r: Receiver, table: string) =>
  r.rows<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)[0]!.n;
const CUSTOMER = '919876543210';

function text(body: string, options: { from?: string; now?: Date; name?: string } = {}) {
  return simulatedTextMessage({
    from: options.from ?? CUSTOMER,
    name: options.name ?? 'Asha',
    text: body,
    now: options.now ?? new Date(),
  });
}

describe('every fixture is accepted and stored', () => {
  it('has our fixtures, and the extras that are here', () => {
    const extras = (PYWA_MISSING ? 0 : 40) + (OPENAPI_MISSING ? 0 : 10);
    expect(fixtures.length).toBeGreaterThan(ownWebhookFixtures().length - 1 + extras);
  });

  it.each(fixtures.map((f) => [f.name, f.body] as const))('%s', async (_name, body) => {
    const r = await receiver();
    // as Meta sends them: escaped unicode, signed over these bytes
    const answer = await r.post(serializeLikeMeta(body as object));
    expect(answer.status).toBe(200);
    const events = parseWebhook(body as { entry: unknown[] });
    const ofKind = <K extends WebhookEvent['kind']>(kind: K) =>
      events.filter((e): e is Extract<WebhookEvent, { kind: K }> => e.kind === kind);
    for (const m of ofKind('message')) {
      const [row] = r.rows<Record<string, unknown>>(
        'SELECT direction, wa_id, type, text, status, payload FROM messages WHERE wamid = ?',
        m.id,
      );
      expect(row, m.id).toMatchObject({
        direction: m.direction,
        wa_id: m.waId,
        type: m.type,
        text: m.text,
        status: m.direction === 'in' ? 'received' : 'sent',
      });
      expect(JSON.parse(row!.payload as string)).toEqual(m.payload);
      if (m.direction === 'in') {
        const [conversation] = r.rows<Record<string, unknown>>(
          'SELECT unread, last_inbound_at, referral FROM conversations WHERE wa_id = ?',
          m.waId,
        );
        expect(conversation!.unread).toBeGreaterThan(0);
        expect(conversation!.last_inbound_at).toBeGreaterThanOrEqual(m.timestamp.getTime());
        if (m.referral) expect(conversation!.referral).not.toBeNull();
      }
    }
    const messageIds = new Set(ofKind('message').map((m) => m.id));
    expect(count(r, 'messages')).toBe(messageIds.size);
    for (const s of ofKind('status')) {
      const [row] = r.rows<{ error: string | null; recipient_wa_id: string | null }>(
        'SELECT error, recipient_wa_id FROM status_events WHERE wamid = ? AND status = ?',
        s.id,
        s.status,
      );
      expect(row, `${s.id} ${s.status}`).toBeDefined();
      expect(row!.recipient_wa_id).toBe(s.recipientId);
      if (s.errors.length > 0) expect(JSON.parse(row!.error!).code).toBe(s.errors[0]!.code);
    }
    const raws = events.filter(
      (e) => e.kind === 'raw' || e.kind === 'error' || (e.kind === 'message' && !e.known),
    );
    if (raws.length > 0) expect(count(r, 'raw_events')).toBeGreaterThan(0);
    else expect(count(r, 'raw_events')).toBe(0);
    // a second delivery changes nothing
    const before = ['messages', 'status_events', 'raw_events', 'conversations'].map((t) => count(r, t));
    expect((await r.post(serializeLikeMeta(body as object))).status).toBe(200);
    expect(['messages', 'status_events', 'raw_events', 'conversations'].map((t) => count(r, t))).toEqual(
      before,
    );
  });
});

describe('the signature is checked over the raw bytes', () => {
  it('accepts non-ASCII text sent as \\u escapes; refuses the literal re-serialisation with the old signature', async () => {
    const r = await receiver();
    const words = 'નમસ્તે 🙏 કેક કેટલાની છે? café';
    const { id, body } = text(words, { name: 'અમર' });
    const escaped = serializeLikeMeta(body);
    expect([...escaped].every((b) => b < 0x80)).toBe(true);
    const signature = signPayload(escaped, APP_SECRET);
    const literal = Buffer.from(JSON.stringify(JSON.parse(escaped.toString())));
    expect(literal.toString()).toContain('નમસ્તે');
    expect((await r.post(literal, { signature })).status).toBe(401);
    expect(count(r, 'messages')).toBe(0);
    expect((await r.post(escaped, { signature })).status).toBe(200);
    expect(r.rows('SELECT wamid, text FROM messages')).toEqual([{ wamid: id, text: words }]);
    expect(r.rows('SELECT name FROM contacts')).toEqual([{ name: 'અમર' }]);
  });

  it('refuses a wrong or missing signature with 401 and stores nothing', async () => {
    const r = await receiver();
    const raw = serializeLikeMeta(text('hello').body);
    expect((await r.post(raw, { secret: 'another-secret' })).status).toBe(401);
    expect((await r.post(raw, { signature: null })).status).toBe(401);
    expect((await r.post(raw, { signature: 'sha256=zz' })).status).toBe(401);
    expect((await r.post(raw, { signature: signPayload(Buffer.from('{}'), APP_SECRET) })).status).toBe(401);
    for (const table of ['messages', 'contacts', 'raw_events']) expect(count(r, table)).toBe(0);
  });
});

describe('refusals and odd requests', () => {
  it('verification: the challenge with the right token, 403 otherwise', async () => {
    const r = await receiver();
    const ok = await r.get(`?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok).toMatchObject({ status: 200, body: '1158201444' });
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    expect((await r.get('?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1')).status).toBe(403);
    expect(
      (await r.get(`?hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).status,
    ).toBe(403);
    expect((await r.get('?hub.mode=subscribe&hub.challenge=1')).status).toBe(403);
    // the token in the query string never reaches the log
    expect(r.io.stderr.text()).not.toContain(VERIFY_TOKEN);
  });

  it('oversized body 413, invalid JSON 400, not a webhook 400, empty entry 200 with nothing stored', async () => {
    const r = await receiver();
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
    expect((await r.post(big)).status).toBe(413);
    expect((await r.post(Buffer.from('{"entry": ['))).status).toBe(400);
    expect((await r.post(Buffer.from('[1,2]'))).status).toBe(400);
    expect((await r.post(Buffer.from('{"object":"whatsapp_business_account","entry":[]}'))).status).toBe(200);
    for (const table of ['messages', 'status_events', 'raw_events', 'contacts'])
      expect(count(r, table)).toBe(0);
    expect((await r.get('/healthz')).body).toBe('{"ok":true,"store":"ok"}\n');
    expect((await r.get('/elsewhere')).status).toBe(404);
  });

  it('unknown fields and message types are kept as raw events', async () => {
    const r = await receiver();
    const { id, body } = text('x');
    const b = body as any;
    b.entry[0].changes[0].value.messages[0].type = 'hologram';
    b.entry[0].changes.push({ field: 'brand_new_field', value: { anything: [1, 2] } });
    b.entry.push({ id: 'no changes' });
    expect((await r.post(b)).status).toBe(200);
    expect(r.rows('SELECT type, text FROM messages WHERE wamid = ?', id)).toEqual([
      { type: 'hologram', text: null },
    ]);
    expect(r.rows('SELECT field, reason FROM raw_events ORDER BY id')).toEqual([
      { field: 'messages', reason: 'unknown message type "hologram"' },
      { field: 'brand_new_field', reason: 'field' },
      { field: 'entry', reason: 'entry without changes' },
    ]);
  });

  it('refuses to start without an app secret (exit 3); --insecure-skip-signature warns at start and per request', async () => {
    const refused = await run(['webhook', 'serve', '--port', '0'], {
      env: { WABOX_DB: ':memory:', WABOX_VERIFY_TOKEN: VERIFY_TOKEN },
    });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('no app secret');
    expect(refused.stderr).toContain('--insecure-skip-signature');
    const r = await receiver({
      env: { WABOX_APP_SECRET: undefined },
      flags: { insecureSkipSignature: true },
    });
    expect((await r.post(text('one').body, { signature: null })).status).toBe(200);
    expect((await r.post(text('two').body, { signature: 'sha256=whatever' })).status).toBe(200);
    expect(count(r, 'messages')).toBe(2);
    const warnings = r.logs().filter((l) => l.level === 'warn' && /NOT checked/i.test(String(l.msg)));
    expect(warnings.length).toBe(3); // at start, then once per request
  });

  it('logs each refused request; an accepted POST only at --log-level debug', async () => {
    const quiet = await receiver();
    expect((await quiet.post(text('hello').body)).status).toBe(200);
    expect((await quiet.post(text('hello').body, { secret: 'bad' })).status).toBe(401);
    const requests = (r: Receiver) =>
      r
        .logs()
        .filter((l) => l.msg === 'request')
        .map((l) => [l.level, l.status]);
    expect(requests(quiet)).toEqual([['info', 401]]);
    const loud = await receiver({ flags: { logLevel: 'debug' } });
    expect((await loud.post(text('hello').body)).status).toBe(200);
    expect(requests(loud)).toEqual([['debug', 200]]);
    expect(loud.logs().find((l) => l.msg === 'request')).toMatchObject({ method: 'POST', events: 1 });
  });

  it('logs at info what a POST changed: opt-outs and account events', async () => {
    const r = await receiver();
    const fixture = (name: string) =>
      readFileSync(join(import.meta.dirname, '..', 'fixtures', 'webhooks', 'contacts', name), 'utf8');
    for (const name of ['user-preferences-stop.json', 'both-ids.json', 'business-capability-update.json'])
      expect((await r.post(fixture(name))).status).toBe(200);
    const msgs = r
      .logs()
      .filter((l) => l.level === 'info')
      .map((l) => l.msg);
    expect(msgs).toContain('marketing opt-out');
    expect(msgs).toContain('account events stored');
    expect(r.logs().find((l) => l.msg === 'account events stored')).toMatchObject({
      fields: ['business_capability_update'],
    });
  });

  it('never logs the token, the app secret or the verify token', async () => {
    const r = await receiver();
    await r.post(text('hello').body);
    await r.post(text('hello').body, { secret: 'bad' });
    await r.get(`?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=7`);
    await r.stop();
    const log = r.io.stderr.text();
    expect(log).toContain('"msg":"listening"');
    for (const secret of [APP_SECRET, VERIFY_TOKEN, TOKEN]) expect(log).not.toContain(secret);
    for (const line of log.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('redelivery and statuses', () => {
  it('the same payload three times (one after the other, then at once) is stored once', async () => {
    const r = await receiver();
    const { id, body } = text('hello [ref:diwali-24]');
    const raw = serializeLikeMeta(body);
    for (let i = 0; i < 3; i++) expect((await r.post(raw)).status).toBe(200);
    const again = await Promise.all([r.post(raw), r.post(raw), r.post(raw)]);
    expect(again.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(r.rows('SELECT wamid FROM messages')).toEqual([{ wamid: id }]);
    expect(r.rows('SELECT unread, campaign FROM conversations')).toEqual([
      { unread: 1, campaign: 'diwali-24' },
    ]);
  });

  it('statuses out of order: a late delivered never replaces read; failed keeps its error', async () => {
    const r = await receiver();
    const store = openSqliteStore(r.env.WABOX_DB!);
    const now = new Date();
    for (const id of ['wamid.OUT1', 'wamid.OUT2'])
      await store.recordOutbound({
        id,
        waId: CUSTOMER,
        type: 'text',
        text: 'hi',
        timestamp: now,
        status: 'accepted',
      });
    await store.close();
    const status = (wamid: string, s: 'sent' | 'delivered' | 'read' | 'failed') =>
      r.post(simulatedStatus({ wamid, status: s, recipient: CUSTOMER, now }));
    expect((await status('wamid.OUT1', 'read')).status).toBe(200);
    expect((await status('wamid.OUT1', 'delivered')).status).toBe(200);
    expect((await status('wamid.OUT1', 'sent')).status).toBe(200);
    expect((await status('wamid.OUT1', 'read')).status).toBe(200);
    expect(r.rows('SELECT status FROM messages WHERE wamid = ?', 'wamid.OUT1')).toEqual([{ status: 'read' }]);
    expect(
      r
        .rows('SELECT status FROM status_events WHERE wamid = ? ORDER BY id', 'wamid.OUT1')
        .map((x: any) => x.status),
    ).toEqual(['read', 'delivered', 'sent']);
    expect((await status('wamid.OUT2', 'failed')).status).toBe(200);
    const [failed] = r.rows<{ status: string; error: string }>(
      'SELECT status, error FROM messages WHERE wamid = ?',
      'wamid.OUT2',
    );
    expect(failed!.status).toBe('failed');
    expect(JSON.parse(failed!.error)).toMatchObject({ code: 131049 });
    // a status for a message sent elsewhere is kept, and applies once the send is recorded
    expect((await status('wamid.LATER', 'delivered')).status).toBe(200);
    const later = openSqliteStore(r.env.WABOX_DB!);
    await later.recordOutbound({
      id: 'wamid.LATER',
      waId: CUSTOMER,
      type: 'text',
      text: 'x',
      timestamp: now,
      status: 'accepted',
    });
    await later.close();
    expect(r.rows('SELECT status FROM messages WHERE wamid = ?', 'wamid.LATER')).toEqual([
      { status: 'delivered' },
    ]);
  });

  it('one POST with many entries, changes, messages and statuses stores all of them', async () => {
    const r = await receiver();
    const a = text('first', { from: '919800000001' });
    const b = text('second', { from: '919800000002' });
    const c = text('third', { from: '919800000003' });
    const s = simulatedStatus({ wamid: 'wamid.X', status: 'sent', recipient: '1', now: new Date() }) as any;
    const body = a.body as any;
    body.entry[0].changes[0].value.messages.push((c.body as any).entry[0].changes[0].value.messages[0]);
    body.entry[0].changes.push(s.entry[0].changes[0]);
    body.entry.push((b.body as any).entry[0]);
    expect((await r.post(body)).status).toBe(200);
    expect(r.rows('SELECT wamid FROM messages ORDER BY seq').map((x: any) => x.wamid)).toEqual([
      a.id,
      c.id,
      b.id,
    ]);
    expect(count(r, 'status_events')).toBe(1);
    expect(count(r, 'contacts')).toBe(3);
  });
});

describe('graceful shutdown', () => {
  it('stops accepting, finishes a request in flight, answers it 200 and stores it', async () => {
    const r = await receiver();
    const { id, body } = text('arrives slowly');
    const raw = serializeLikeMeta(body);
    const { port } = new URL(r.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      `POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${raw.length}\r\nX-Hub-Signature-256: ${signPayload(raw, APP_SECRET)}\r\n\r\n`,
    );
    socket.write(raw.subarray(0, 20));
    await new Promise((resolve) => setTimeout(resolve, 50));
    let stopped = false;
    const stopping = r.stop().then((result) => {
      stopped = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    // no new connections meanwhile
    await expect(r.post(text('too late').body)).rejects.toThrow();
    // the rest of the body, without half-closing: Node's HTTP server ends a connection whose client
    // sent FIN before the response was ready (httpAllowHalfOpen is off), and Meta never half-closes
    socket.write(raw.subarray(20));
    await closed;
    expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1\.1 200/);
    expect((await stopping).requests).toBe(1);
    receivers.splice(receivers.indexOf(r), 1);
    const db = openSqliteStore(r.env.WABOX_DB!);
    expect((await db.getMessages([id])).map((m) => m.text)).toEqual(['arrives slowly']);
    await db.close();
    const logs = r.logs().map((l) => l.msg);
    expect(logs).toContain('shutting down: no new connections; finishing requests in flight');
    expect(logs.at(-1)).toBe('stopped');
  });
});
