// `wabox webhook serve` against hostile or odd payloads, in-process: a real server on 127.0.0.1 and a
// real SQLite file. Non-message events that repeat, parts that can never be stored, far-future times.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { serializeLikeMeta, simulatedTextMessage } from '../../src/cloud/webhook-simulate.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.stop().catch(() => undefined);
});
async function receiver(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
}
const count = (r: Receiver, table: string) =>
  r.rows<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)[0]!.n;

/** A message_template_status_update as Meta sends it, at `time` (Unix seconds). */
function templateStatus(event: string, time: number) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        time,
        changes: [
          {
            field: 'message_template_status_update',
            value: {
              event,
              message_template_id: 1234567890,
              message_template_name: 'order_update',
              message_template_language: 'en_US',
              reason: 'NONE',
            },
          },
        ],
      },
    ],
  };
}

describe('non-message events are deduplicated on the whole change, its time included', () => {
  it('APPROVED, PAUSED, APPROVED again are three events; a byte-identical redelivery is one', async () => {
    const r = await receiver();
    const approved = serializeLikeMeta(templateStatus('APPROVED', 1_760_000_000));
    expect((await r.post(approved)).status).toBe(200);
    expect((await r.post(serializeLikeMeta(templateStatus('PAUSED', 1_760_000_600)))).status).toBe(200);
    expect((await r.post(serializeLikeMeta(templateStatus('APPROVED', 1_760_003_600)))).status).toBe(200);
    expect((await r.post(approved)).status).toBe(200);
    const events = r
      .rows<{ payload: string }>('SELECT payload FROM raw_events ORDER BY id')
      .map((row) => (JSON.parse(row.payload) as { event: string }).event);
    expect(events).toEqual(['APPROVED', 'PAUSED', 'APPROVED']);
  });

  it('two identical account_update events months apart are both stored', async () => {
    const r = await receiver();
    const violation = (time: number) => ({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          time,
          changes: [
            {
              field: 'account_update',
              value: { event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'SCAM' } },
            },
          ],
        },
      ],
    });
    await r.post(violation(1_750_000_000));
    await r.post(violation(1_760_000_000));
    await r.post(violation(1_760_000_000));
    expect(count(r, 'raw_events')).toBe(2);
  });
});

/** A POST with a good message and, in the same change, a bad part. */
function withBadPart(bad: Record<string, unknown>) {
  const good = simulatedTextMessage({ from: '919876543210', name: 'Asha', text: 'hello', now: new Date() });
  const body = good.body as { entry: Array<{ changes: Array<{ value: { messages: unknown[] } }> }> };
  body.entry[0]!.changes[0]!.value.messages.push({
    from: '919876543211',
    id: 'wamid.BAD',
    type: 'text',
    text: { body: 'bad' },
    timestamp: '1760000000',
    ...bad,
  });
  return { id: good.id, body };
}

function deeplyNested(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

describe('a part that can never be stored does not fail the POST', () => {
  it.each([
    ['a timestamp past the Date range as a string', { timestamp: '99999999999999999999' }],
    ['a timestamp of 1e300', { timestamp: 1e300 }],
  ])('%s: the good message is stored, the bad one kept as a raw event, 200', async (_name, bad) => {
    const r = await receiver();
    const { id, body } = withBadPart(bad);
    const answer = await r.post(body);
    expect(answer.status).toBe(200);
    expect(r.rows('SELECT wamid FROM messages')).toEqual([{ wamid: id }]);
    const raws = r.rows<{ reason: string; payload: string }>('SELECT reason, payload FROM raw_events');
    expect(raws).toHaveLength(1);
    expect(raws[0]!.reason).toMatch(/timestamp/);
    expect(JSON.parse(raws[0]!.payload)).toMatchObject({ id: 'wamid.BAD' });
    // a redelivery changes nothing
    expect((await r.post(body)).status).toBe(200);
    expect(count(r, 'raw_events')).toBe(1);
  });

  it('a message nested 20,000 levels deep: the good message is stored, the deep one pruned into a raw event', async () => {
    const r = await receiver();
    const { id, body } = withBadPart({ text: { body: 'x' } });
    // splice the deep value into the serialised body: JSON.stringify itself cannot build it
    const raw = serializeLikeMeta(body)
      .toString()
      .replace('{"body":"x"}', `{"body":"x","deep":${deeplyNested(20_000)}}`);
    const answer = await r.post(Buffer.from(raw));
    expect(answer.status).toBe(200);
    expect(r.rows('SELECT wamid FROM messages')).toEqual([{ wamid: id }]);
    const raws = r.rows<{ reason: string; payload: string }>('SELECT reason, payload FROM raw_events');
    expect(raws).toHaveLength(1);
    expect(raws[0]!.reason).toMatch(/nested deeper than 64 levels/);
    expect(raws[0]!.payload).toContain('"id":"wamid.BAD"');
    expect(raws[0]!.payload).toContain('[pruned]');
    expect((await r.post(Buffer.from(raw))).status).toBe(200);
    expect(count(r, 'raw_events')).toBe(1);
  });

  it('an edit of an edit of ... 5,000 levels deep is a raw event, not a stack overflow', async () => {
    const r = await receiver();
    let edit: Record<string, unknown> = { type: 'text', text: { body: 'x' } };
    for (let i = 0; i < 5000; i++) edit = { type: 'edit', edit: { message: edit } };
    const { id, body } = withBadPart({ type: 'edit', edit: { message: { type: 'text' } } });
    const raw = serializeLikeMeta(body)
      .toString()
      .replace('{"message":{"type":"text"}}', `{"message":${jsonOf(edit)}}`);
    expect((await r.post(Buffer.from(raw))).status).toBe(200);
    expect(r.rows('SELECT wamid FROM messages')).toEqual([{ wamid: id }]);
    expect(count(r, 'raw_events')).toBe(1);
  });

  it('a deep unknown field: stored pruned, 200', async () => {
    const r = await receiver();
    const raw = `{"object":"whatsapp_business_account","entry":[{"id":"1","time":1760000000,"changes":[{"field":"nosuch","value":{"v":${deeplyNested(15_000)}}}]}]}`;
    expect((await r.post(Buffer.from(raw))).status).toBe(200);
    const raws = r.rows<{ field: string; reason: string }>('SELECT field, reason FROM raw_events');
    expect(raws).toEqual([{ field: 'nosuch', reason: 'field; nested deeper than 64 levels' }]);
  });
});

/** JSON.stringify without recursion, for values deeper than the stack allows. */
function jsonOf(v: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === 'string' && x.startsWith('\u0000')) out.push(x.slice(1));
    else if (typeof x !== 'object' || x === null) out.push(JSON.stringify(x));
    else {
      const entries = Object.entries(x);
      stack.push('\u0000}');
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push(entries[i]![1]);
        stack.push(`\u0000${i > 0 ? ',' : ''}${JSON.stringify(entries[i]![0])}:`);
      }
      stack.push('\u0000{');
    }
  }
  return out.join('');
}

describe('a time far in the future does not hold the 24-hour window open', () => {
  it('a message dated 2200 is stored with its arrival time; the payload keeps the time sent', async () => {
    const arrival = new Date('2026-03-02T10:00:00Z');
    const r = await receiver({ now: arrival });
    const in2200 = Math.floor(Date.UTC(2200, 0, 1) / 1000);
    const { id, body } = withBadPart({ timestamp: String(in2200) });
    expect((await r.post(body)).status).toBe(200);
    const [row] = r.rows<{ timestamp: number; payload: string }>(
      'SELECT timestamp, payload FROM messages WHERE wamid = ?',
      'wamid.BAD',
    );
    expect(row!.timestamp).toBe(arrival.getTime());
    expect(JSON.parse(row!.payload).timestamp).toBe(String(in2200));
    const [conversation] = r.rows<{ last_inbound_at: number }>(
      'SELECT last_inbound_at FROM conversations WHERE wa_id = ?',
      '919876543211',
    );
    expect(conversation!.last_inbound_at).toBe(arrival.getTime());
    expect(r.rows('SELECT wamid FROM messages WHERE wamid = ?', id)).toHaveLength(1);
  });

  it('a time a minute ahead (clock skew) is kept as sent', async () => {
    const arrival = new Date('2026-03-02T10:00:00Z');
    const r = await receiver({ now: arrival });
    const ahead = Math.floor(arrival.getTime() / 1000) + 60;
    const { body } = withBadPart({ timestamp: String(ahead) });
    await r.post(body);
    const [row] = r.rows<{ timestamp: number }>(
      'SELECT timestamp FROM messages WHERE wamid = ?',
      'wamid.BAD',
    );
    expect(row!.timestamp).toBe(ahead * 1000);
  });
});

describe('another process holding the store write lock', () => {
  it('the POST gets 503 with Retry-After (nothing stored), /healthz answers meanwhile; then 200', async () => {
    const r = await receiver();
    const other = new Database(r.env.WABOX_DB!);
    other.exec('BEGIN IMMEDIATE');
    try {
      const { id, body } = simulatedTextMessage({ from: '919876543210', text: 'hi', now: new Date() });
      const order: string[] = [];
      const posting = r.post(body).then((a) => {
        order.push('post');
        return a;
      });
      const health = await r.get('/healthz');
      order.push('healthz');
      expect(health.status).toBe(200);
      const answer = await posting;
      // the event loop was free while the POST waited for the lock
      expect(order).toEqual(['healthz', 'post']);
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('5');
      expect(r.rows('SELECT wamid FROM messages')).toEqual([]);
      other.exec('ROLLBACK');
      expect((await r.post(body)).status).toBe(200);
      expect(r.rows('SELECT wamid FROM messages')).toEqual([{ wamid: id }]);
      expect(r.logs().some((l) => l.msg === 'request failed' && l.level === 'warn')).toBe(true);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    }
  });

  it('a lock released while the POST waits: the POST is stored and answered 200', async () => {
    const r = await receiver();
    const other = new Database(r.env.WABOX_DB!);
    other.exec('BEGIN IMMEDIATE');
    const { id, body } = simulatedTextMessage({ from: '919876543210', text: 'hi', now: new Date() });
    const posting = r.post(body);
    // the receiver answers a health check only between its attempts at the lock
    expect((await r.get('/healthz')).status).toBe(200);
    other.exec('ROLLBACK');
    other.close();
    expect((await posting).status).toBe(200);
    expect(r.rows('SELECT wamid FROM messages')).toEqual([{ wamid: id }]);
  });
});
