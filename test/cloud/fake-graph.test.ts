// The Cloud API client against a local fake Graph server: one error body per category, retries exactly
// for the retryable ones (counted on the server), backoff waits (fake clock), timeouts, malformed
// answers, the exit codes of DESIGN.md §4, every code of the table, and that the token is never printed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudClient } from '../../src/cloud/client.js';
import { ERROR_CODES } from '../../src/cloud/error-codes.js';
import { GraphError } from '../../src/cloud/errors.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { run, tempDir } from '../helpers/cli.js';
import { fakeTime, PHONE_ID, runCloud, TOKEN, WABA_ID } from '../helpers/cloud.js';
import { type FakeGraph, graphError, SEND_OK, startFakeGraph } from '../helpers/graph-server.js';

const MESSAGES = `/v23.0/${PHONE_ID}/messages`;
const NUMBERS = `/v23.0/${WABA_ID}/phone_numbers`;
const TO = '+919876543210';
let graph: FakeGraph;

beforeEach(async () => {
  graph = await startFakeGraph();
});
afterEach(async () => {
  await graph.close();
});

const send = (argv: string[] = [], options: Parameters<typeof runCloud>[2] = {}) =>
  runCloud(graph.url, ['send', TO, '--text', 'Hello', ...argv], options);

describe('errors that are never retried', () => {
  const cases: Array<{
    name: string;
    reply: ReturnType<typeof graphError>;
    exit: number;
    message: RegExp;
    hint?: RegExp;
  }> = [
    {
      name: 'auth (190, token expired)',
      reply: graphError(190, { status: 401, message: 'Error validating access token' }),
      exit: 3,
      message: /Error validating access token .*\[code 190\]/,
      hint: /wabox config set token/,
    },
    {
      name: 'permission (10)',
      reply: graphError(10, { status: 403, message: '(#10) Permission denied' }),
      exit: 3,
      message: /Permission denied/,
      hint: /whatsapp_business_messaging/,
    },
    {
      name: 'permission (200-299)',
      reply: graphError(200, { status: 403 }),
      exit: 3,
      message: /\[code 200\]/,
      hint: /permission/,
    },
    {
      name: 'invalid request (100)',
      reply: graphError(100, { message: '(#100) Invalid parameter' }),
      exit: 4,
      message: /Invalid parameter \(details of 100\) \[code 100\]/,
      hint: /--dry-run/,
    },
    {
      name: 'object not found or not visible (100/33): a configuration problem',
      reply: graphError(100, {
        subcode: 33,
        message: 'Unsupported post request. Object with ID does not exist',
      }),
      exit: 3,
      message: /\[code 100\/33\]/,
      hint: /phone-number-id/,
    },
    {
      name: 'undeliverable (131026)',
      reply: graphError(131026, { message: '(#131026) Message undeliverable' }),
      exit: 4,
      message: /Message undeliverable/,
    },
    {
      name: 'template missing (132001): not found',
      reply: graphError(132001, { message: '(#132001) Template name does not exist in the translation' }),
      exit: 6,
      message: /Template name does not exist/,
      hint: /meta-template list/,
    },
    {
      name: 'template parameters (132000)',
      reply: graphError(132000, { message: '(#132000) Number of parameters does not match' }),
      exit: 4,
      message: /Number of parameters/,
    },
    {
      name: 'media (131053)',
      reply: graphError(131053, { message: '(#131053) Media upload error' }),
      exit: 4,
      message: /Media upload error/,
    },
    {
      name: 'policy (368)',
      reply: graphError(368, { status: 403, message: 'Temporarily blocked for policies violations' }),
      exit: 4,
      message: /Temporarily blocked/,
    },
    {
      name: 'spam rate limit (131048) is a policy matter, not retried',
      reply: graphError(131048, { message: '(#131048) Spam rate limit hit' }),
      exit: 4,
      message: /Spam rate limit hit/,
    },
    {
      name: 'an unknown code with a 4xx status',
      reply: graphError(999999, { message: 'Something new' }),
      exit: 4,
      message: /Something new/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: exit ${c.exit}, one request`, async () => {
      graph.on('POST', MESSAGES, c.reply);
      const r = await send();
      expect(r.code).toBe(c.exit);
      expect(r.stdout).toBe('');
      expect(graph.calls('POST', MESSAGES)).toHaveLength(1);
      expect(r.waits).toEqual([]);
      const [first, ...rest] = r.stderr.trim().split('\n');
      expect(first).toMatch(/^error: /);
      expect(first).toMatch(c.message);
      if (c.hint) expect(rest.join('\n')).toMatch(c.hint);
    });
  }

  it('131047 maps to the same refusal as the local window check, and the failure is stored', async () => {
    const db = join(tempDir(), 'wabox.db');
    graph.on('POST', MESSAGES, {
      ...graphError(131047, { message: '(#131047) Re-engagement message' }),
      times: 2,
    });
    const r = await send([], { db });
    expect(r.code).toBe(4);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: the 24-hour customer-service window with \+919876543210 is closed\n/);
    expect(r.stderr).toMatch(/hint: .*--template <name> --lang <code>/);
    const json = await send(['--json'], { db });
    const error = JSON.parse(json.stderr).error;
    expect(error).toMatchObject({ code: 'window.closed', exitCode: 4, details: { graphCode: 131047 } });
    const store = openSqliteStore(db);
    const rows = await store.listMessages({ waId: '919876543210' });
    await store.close();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ status: 'failed', type: 'text', text: 'Hello', error: { code: 131047 } });
    expect(rows[0]!.id).toMatch(/^local\./);
  });

  it('--json errors carry status, code, details and fbtrace_id', async () => {
    graph.on('POST', MESSAGES, graphError(131026, { details: 'not on WhatsApp' }));
    const r = await send(['--json']);
    expect(JSON.parse(r.stderr).error).toMatchObject({
      code: 'cloud.invalid_request',
      exitCode: 4,
      details: {
        status: 400,
        graphCode: 131026,
        details: 'not on WhatsApp',
        fbtraceId: 'Trace131026',
        category: 'invalid-request',
        attempts: 1,
        request: { method: 'POST', url: `${graph.url}${MESSAGES}` },
      },
    });
  });
});

describe('errors that are retried', () => {
  it('429 / 130429 then success: two requests, one backoff wait, exit 0', async () => {
    graph.on('POST', MESSAGES, [
      graphError(130429, { status: 429, message: '(#130429) Rate limit hit' }),
      SEND_OK,
    ]);
    const r = await send(['--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      id: 'wamid.FAKE1',
      waId: '919876543210',
      userId: null,
      status: 'accepted',
    });
    expect(graph.calls('POST', MESSAGES)).toHaveLength(2);
    // full jitter: random() = 0.5 of the 500 ms base
    expect(r.waits).toEqual([250]);
  });

  it('honours Retry-After (seconds) instead of the backoff', async () => {
    graph.on('POST', MESSAGES, [
      { ...graphError(80007, { status: 429 }), headers: { 'retry-after': '3' } },
      SEND_OK,
    ]);
    const r = await send();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('wamid.FAKE1\n');
    expect(r.waits).toEqual([3000]);
  });

  it('a 429 without a Graph body is a rate limit too', async () => {
    graph.on('POST', MESSAGES, [{ status: 429, body: 'Too Many Requests' }, SEND_OK]);
    const r = await send();
    expect(r.code).toBe(0);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(2);
  });

  it('a rate limit that persists: 5 requests, growing backoff, then exit 5', async () => {
    graph.on('POST', MESSAGES, {
      ...graphError(4, { status: 429, message: '(#4) Application request limit reached' }),
      times: 5,
    });
    const r = await send();
    expect(r.code).toBe(5);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(5);
    expect(r.waits).toEqual([250, 500, 1000, 2000]);
    expect(r.stderr).toMatch(
      /^error: .*Application request limit reached.*\(still failing after 5 attempts\)/,
    );
  });

  it('131056 pair rate limit: waits 4^X seconds (1 s, 4 s) for that recipient', async () => {
    graph.on('POST', MESSAGES, [
      graphError(131056, { status: 429 }),
      graphError(131056, { status: 429 }),
      SEND_OK,
    ]);
    const r = await send();
    expect(r.code).toBe(0);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(3);
    expect(r.waits).toEqual([1000, 4000]);
  });

  it('131056 within the bounded budget: 1+4+16 s fit in 30 s, the next 64 s does not', async () => {
    graph.on('POST', MESSAGES, graphError(131056, { status: 429, times: 4 }));
    const r = await send();
    expect(r.code).toBe(5);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(4);
    expect(r.waits).toEqual([1000, 4000, 16000]);
    expect(r.stderr).toMatch(/hint: wait before messaging this customer again/);
  });

  it('transient codes (131000, 2, 133004) are retried on a read-only call', async () => {
    graph.on('GET', NUMBERS, [
      graphError(131000, { status: 500 }),
      graphError(2, { status: 503 }),
      graphError(133004, { status: 503 }),
      { json: { data: [{ id: PHONE_ID }] } },
    ]);
    const r = await runCloud(graph.url, ['numbers', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(graph.calls('GET', NUMBERS)).toHaveLength(4);
  });

  for (const code of [131000, 2, 133004])
    it(`a send answered ${code} (a server error) is not repeated: it may have gone out, exit 5`, async () => {
      graph.on('POST', MESSAGES, graphError(code, { status: 500 }));
      const r = await send();
      expect(r.code).toBe(5);
      expect(graph.calls('POST', MESSAGES)).toHaveLength(1);
      expect(r.stderr).toMatch(/\nhint: the message may have been sent: check before sending it again/);
    });

  it("a gateway's HTML 504 on a send: one POST, exit 5, 'may have been sent'", async () => {
    graph.on('POST', MESSAGES, { status: 504, body: '<html><body>504 Gateway Time-out</body></html>' });
    const r = await send();
    expect(r.code).toBe(5);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(1);
    expect(r.waits).toEqual([]);
    expect(r.stderr).toMatch(/^error: the API answered 504 without a JSON error\n/);
    expect(r.stderr).toMatch(/\nhint: the message may have been sent: check before sending it again/);
  });

  it('5xx without JSON on a read-only call is retried, and persists as exit 5', async () => {
    graph.on('GET', NUMBERS, [{ status: 502, body: '<html>Bad Gateway</html>' }, { json: { data: [] } }]);
    expect((await runCloud(graph.url, ['numbers'])).code).toBe(0);
    expect(graph.calls('GET', NUMBERS)).toHaveLength(2);
    graph.on('GET', NUMBERS, { status: 503, body: 'Service Unavailable', times: 5 });
    const r = await runCloud(graph.url, ['numbers']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error: the API answered 503 without a JSON error/);
    expect(graph.calls('GET', NUMBERS)).toHaveLength(2 + 5);
  });

  it('a Retry-After beyond the retry budget is not waited for: one request, exit 5', async () => {
    graph.on('POST', MESSAGES, { ...graphError(130429, { status: 429 }), headers: { 'retry-after': '120' } });
    const r = await send();
    expect(r.code).toBe(5);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(1);
    expect(r.waits).toEqual([]);
    expect(r.stderr).toMatch(/next try would be in 120 s, beyond the retry budget/);
  });

  it('131057 (maintenance, about a minute) does not fit the default budget: exit 5 at once', async () => {
    graph.on('POST', MESSAGES, graphError(131057, { status: 503 }));
    const r = await send();
    expect(r.code).toBe(5);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(1);
    expect(r.stderr).toMatch(/hint: try again in about a minute/);
  });

  it('the retry policy is configurable: maxAttempts 2', async () => {
    graph.on('POST', MESSAGES, graphError(130429, { status: 429, times: 2 }));
    const r = await send([], { cloud: { retry: { maxAttempts: 2 } } });
    expect(r.code).toBe(5);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(2);
  });
});

describe('every code of the table: the code decides, not the HTTP status', () => {
  // Written out by hand from cloud-api.md §2.2 and DESIGN.md §4 (3 configuration, 4 refused,
  // 5 transient, 6 not found). `send`: what a send (never repeated unless nothing was accepted) does;
  // `get`: what a read-only call does. `retry` is a retry followed by success; a number is the exit code
  // of a single request.
  const EXPECTED: Record<number, { send: 'retry' | number; get: 'retry' | number }> = {
    0: { send: 3, get: 3 },
    1: { send: 5, get: 'retry' },
    2: { send: 5, get: 'retry' },
    3: { send: 3, get: 3 },
    4: { send: 'retry', get: 'retry' },
    10: { send: 3, get: 3 },
    100: { send: 4, get: 4 },
    190: { send: 3, get: 3 },
    368: { send: 4, get: 4 },
    470: { send: 4, get: 4 },
    80007: { send: 'retry', get: 'retry' },
    130429: { send: 'retry', get: 'retry' },
    130472: { send: 4, get: 4 },
    131000: { send: 5, get: 'retry' },
    131005: { send: 3, get: 3 },
    131008: { send: 4, get: 4 },
    131009: { send: 4, get: 4 },
    131016: { send: 5, get: 'retry' },
    131021: { send: 4, get: 4 },
    131026: { send: 4, get: 4 },
    131030: { send: 4, get: 4 },
    131031: { send: 4, get: 4 },
    131042: { send: 4, get: 4 },
    131045: { send: 4, get: 4 },
    131047: { send: 4, get: 4 },
    131048: { send: 4, get: 4 },
    131049: { send: 4, get: 4 },
    131051: { send: 4, get: 4 },
    131052: { send: 4, get: 4 },
    131053: { send: 4, get: 4 },
    131056: { send: 'retry', get: 'retry' },
    131057: { send: 'retry', get: 'retry' },
    132000: { send: 4, get: 4 },
    132001: { send: 6, get: 6 },
    132005: { send: 4, get: 4 },
    132007: { send: 4, get: 4 },
    132012: { send: 4, get: 4 },
    132015: { send: 4, get: 4 },
    132016: { send: 4, get: 4 },
    133004: { send: 5, get: 'retry' },
    133010: { send: 4, get: 4 },
    137000: { send: 4, get: 4 },
  };

  it('the expectations name every code of the table, and only those', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  for (const [code, expected] of Object.entries(EXPECTED)) {
    const name = (e: 'retry' | number) => (e === 'retry' ? 'retried, then done' : `exit ${e}`);
    it(`${code}: a send is ${name(expected.send)}`, async () => {
      const retried = expected.send === 'retry';
      graph.on('POST', MESSAGES, [graphError(Number(code), { status: 400 }), ...(retried ? [SEND_OK] : [])]);
      const r = await send(['--json'], { cloud: { retry: { budgetMs: 120_000 } } });
      expect(graph.calls('POST', MESSAGES)).toHaveLength(retried ? 2 : 1);
      expect(r.waits).toHaveLength(retried ? 1 : 0);
      if (retried) {
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout).id).toBe('wamid.FAKE1');
      } else {
        expect(r.code, r.stderr).toBe(expected.send);
        expect(JSON.parse(r.stderr).error.exitCode).toBe(expected.send);
      }
    });
    it(`${code}: a read-only call is ${name(expected.get)}`, async () => {
      const retried = expected.get === 'retry';
      graph.on('GET', NUMBERS, [
        graphError(Number(code), { status: 400 }),
        ...(retried ? [{ json: { data: [{ id: PHONE_ID }] } }] : []),
      ]);
      const r = await runCloud(graph.url, ['numbers', '--json'], { cloud: { retry: { budgetMs: 120_000 } } });
      expect(graph.calls('GET', NUMBERS)).toHaveLength(retried ? 2 : 1);
      if (retried) expect(r.code, r.stderr).toBe(0);
      else expect(r.code, r.stderr).toBe(expected.get);
    });
  }

  it('the categories the issue names all have codes', () => {
    const categories = new Set(Object.values(ERROR_CODES).map((i) => i.category));
    for (const name of [
      'auth',
      'permission',
      'invalid-request',
      'window-closed',
      'template',
      'media',
      'rate-limit',
      'pair-rate-limit',
      'transient',
      'policy',
    ] as const)
      expect(categories, name).toContain(name);
  });
});

describe('answers that are not Graph errors', () => {
  it('malformed JSON on a send: not retried (it may have been sent), exit 5', async () => {
    graph.on('POST', MESSAGES, { status: 200, body: '{"messages": [' });
    const r = await send();
    expect(r.code).toBe(5);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: the API answered 200 with a body that is not JSON/);
    expect(r.stderr).toMatch(/hint: the request may have been carried out/);
  });

  it('malformed JSON on a read-only call is retried', async () => {
    graph.on('GET', NUMBERS, [{ status: 200, body: 'not json' }, { json: { data: [{ id: PHONE_ID }] } }]);
    const r = await runCloud(graph.url, ['numbers', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0].id).toBe(PHONE_ID);
    expect(graph.calls('GET', NUMBERS)).toHaveLength(2);
  });

  it('a send slower than the timeout: exit 5, not retried (it may have gone out)', async () => {
    graph.on('POST', MESSAGES, { hang: true });
    const r = await send([], { cloud: { timeouts: { headersMs: 300 } } });
    expect(r.code).toBe(5);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: no answer from 127\.0\.0\.1:\d+ within 0\.3 s/);
    expect(r.stderr).toMatch(/hint: the message may have been sent/);
  });

  it('a slow read-only call is retried until the attempts run out: exit 5', async () => {
    graph.on('GET', NUMBERS, { delayMs: 2000, json: { data: [] }, times: 3 });
    const r = await runCloud(graph.url, ['numbers'], {
      cloud: { timeouts: { headersMs: 200 }, retry: { maxAttempts: 3 } },
    });
    expect(r.code).toBe(5);
    expect(graph.calls('GET', NUMBERS)).toHaveLength(3);
  });

  it('connection refused is retried (nothing was sent), then exit 5', async () => {
    const url = graph.url;
    await graph.close();
    const r = await runCloud(url, ['send', TO, '--text', 'Hi'], { cloud: { retry: { maxAttempts: 3 } } });
    expect(r.code).toBe(5);
    expect(r.waits).toHaveLength(2);
    expect(r.stderr).toMatch(/^error: could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    graph = await startFakeGraph(); // for afterEach
  });

  it('a 404 without a Graph body is a refusal', async () => {
    graph.on('GET', `/v23.0/${PHONE_ID}/whatsapp_business_profile`, { status: 404, body: 'Not Found' });
    const r = await runCloud(graph.url, ['business-profile', 'show']);
    expect(r.code).toBe(4);
  });
});

describe('a deadline for every call, however the answer trickles', () => {
  // one byte every 50 ms: the idle timeouts (30 s between chunks) never fire
  const trickle = { trickle: { everyMs: 50, bytes: 5000 } };

  it('a send: exit 5 once WABOX_TIMEOUT has passed, not repeated, "may have been sent"', async () => {
    graph.on('POST', MESSAGES, trickle);
    const r = await send([], { env: { WABOX_TIMEOUT: '1s' } });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error: no complete answer from 127\.0\.0\.1:\d+ within 1 s\n/);
    expect(r.stderr).toMatch(/\nhint: the message may have been sent: check before sending it again/);
    const [call] = graph.calls('POST', MESSAGES);
    // the client gave up while the server was still trickling
    expect(call!.bytesWritten).toBeGreaterThan(0);
    expect(call!.bytesWritten).toBeLessThan(5000);
  });

  it('business-profile show, with `config set timeout`: exit 5, no retry after the deadline, how to allow more', async () => {
    const env = { WABOX_CONFIG_DIR: join(tempDir(), 'config') };
    const set = await run(['config', 'set', 'timeout', '1s'], { env });
    expect(set.code, set.stderr).toBe(0);
    graph.on('GET', `/v23.0/${PHONE_ID}/whatsapp_business_profile`, trickle);
    const r = await runCloud(graph.url, ['business-profile', 'show'], { env });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error: no complete answer from 127\.0\.0\.1:\d+ within 1 s\n/);
    expect(r.stderr).toMatch(/\nhint: .*: wabox config set timeout 60s$/m);
    expect(graph.calls('GET', `/v23.0/${PHONE_ID}/whatsapp_business_profile`)).toHaveLength(1);
  });

  it('the timeout setting is checked: a flag-like value is a usage error, a bad WABOX_TIMEOUT a config error', async () => {
    const env = { WABOX_CONFIG_DIR: join(tempDir(), 'config') };
    for (const bad of ['0s', 'soon', '2h'])
      expect((await run(['config', 'set', 'timeout', bad], { env })).code, bad).toBe(2);
    const r = await runCloud(graph.url, ['send', TO, '--text', 'Hi'], { env: { WABOX_TIMEOUT: 'soon' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: WABOX_TIMEOUT is invalid: timeout must be a duration/);
  });
});

describe('answers too large to read', () => {
  it('a read-only answer over 16 MiB: exit 1, and the client stops reading', async () => {
    graph.on('GET', NUMBERS, { bigBody: 256 * 1024 * 1024 });
    const r = await runCloud(graph.url, ['numbers']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the API's answer is larger than 16 MiB; wabox stopped reading it\n/);
    expect(graph.calls('GET', NUMBERS)).toHaveLength(1);
    // what the server managed to write before the client hung up: the limit plus socket buffers
    expect(graph.calls('GET', NUMBERS)[0]!.bytesWritten).toBeLessThan(48 * 1024 * 1024);
  });

  it('a send whose answer is too large: exit 1, not repeated, "may have been carried out"', async () => {
    graph.on('POST', MESSAGES, { bigBody: 64 * 1024 * 1024 });
    const r = await send();
    expect(r.code).toBe(1);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(1);
    expect(r.stderr).toMatch(/\nhint: the request may have been carried out/);
  });

  it('the limit is an option of the client; a declared Content-Length over it is refused unread', async () => {
    graph.on('GET', `/v23.0/${PHONE_ID}`, [
      { bigBody: 4 * 1024 * 1024 },
      { body: 'x'.repeat(2 * 1024 * 1024) },
    ]);
    const client = new CloudClient({
      token: TOKEN,
      phoneNumberId: PHONE_ID,
      baseUrl: graph.url,
      maxBodyBytes: 1024 * 1024,
      ...fakeTime().options,
    });
    try {
      for (let i = 0; i < 2; i++)
        await expect(client.getPhoneNumber()).rejects.toMatchObject({
          code: 'cloud.response_too_large',
          kind: 'failure',
          retryable: false,
        });
    } finally {
      await client.close();
    }
  });
});

describe('an upload answered without a media id', () => {
  it('send --image says the upload answer was not an id (exit 1), without blaming the user', async () => {
    const png = join(tempDir(), 'menu.png');
    writeFileSync(png, Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64)]));
    graph.on('POST', `/v23.0/${PHONE_ID}/media`, { json: { id: 'minim laborum' } });
    const r = await runCloud(graph.url, ['send', TO, '--image', png]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: the API accepted the upload but its answer holds no media id \(id: "minim laborum"\)\n/,
    );
    expect(r.stderr).not.toMatch(/is not a media id|the image/);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(0);
  });
});

describe('the client as a library', () => {
  it('a Retry-After travels on the error as retryAfterMs', async () => {
    graph.on('POST', MESSAGES, { ...graphError(130429, { status: 429 }), headers: { 'retry-after': '7' } });
    const client = new CloudClient({
      token: TOKEN,
      phoneNumberId: PHONE_ID,
      baseUrl: graph.url,
      retry: { maxAttempts: 1 },
      ...fakeTime().options,
    });
    try {
      const err = await client
        .markRead({ messaging_product: 'whatsapp', status: 'read', message_id: 'x' })
        .catch((e) => e);
      expect(err).toBeInstanceOf(GraphError);
      expect((err as GraphError).retryAfterMs).toBe(7000);
    } finally {
      await client.close();
    }
  });

  it('sends the token, a wabox User-Agent and JSON; throws GraphError with the request masked', async () => {
    graph.on('POST', MESSAGES, graphError(131009, { message: '(#131009) Parameter value is not valid' }));
    const client = new CloudClient({
      token: TOKEN,
      phoneNumberId: PHONE_ID,
      baseUrl: graph.url,
      ...fakeTime().options,
    });
    let error: unknown;
    try {
      await client.markRead({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' });
    } catch (err) {
      error = err;
    } finally {
      await client.close();
    }
    const req = graph.calls('POST', MESSAGES)[0]!;
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers['user-agent']).toMatch(/^wabox\/\d+\.\d+\.\d+(;[0-9A-Za-z.-]+)?$/);
    expect(req.headers['content-type']).toBe('application/json');
    expect(error).toBeInstanceOf(GraphError);
    const g = error as GraphError;
    expect(g).toMatchObject({
      status: 400,
      graphCode: 131009,
      category: 'invalid-request',
      kind: 'refused',
      retryable: false,
    });
    expect(g.request.headers.authorization).toBe('Bearer ***');
    expect(g.request.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' });
    expect(JSON.stringify(g) + g.dump() + g.message + String(g.stack)).not.toContain(TOKEN);
  });

  it('follows every paging.next page of the template list', async () => {
    const path = `/v23.0/${WABA_ID}/message_templates`;
    graph.on('GET', path, [
      {
        json: {
          data: [{ id: '1', name: 'a', language: 'en', status: 'APPROVED' }],
          paging: { next: `${graph.url}${path}?after=P2` },
        },
      },
      {
        json: {
          data: [{ id: '2', name: 'b', language: 'en', status: 'APPROVED' }],
          paging: { next: `${graph.url}${path}?after=P3` },
        },
      },
      {
        json: {
          data: [{ id: '3', name: 'c', language: 'hi', status: 'REJECTED' }],
          paging: { cursors: { after: 'END' } },
        },
      },
    ]);
    const r = await runCloud(graph.url, ['meta-template', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((t: { name: string }) => t.name)).toEqual(['a', 'b', 'c']);
    const calls = graph.calls('GET', path);
    expect(calls.map((c) => c.url.searchParams.get('after'))).toEqual([null, 'P2', 'P3']);
    expect(calls[0]!.url.searchParams.get('limit')).toBe('100');
  });

  it('a paging.next on another origin is not followed with the token; the cursor is used instead', async () => {
    const path = `/v23.0/${WABA_ID}/phone_numbers`;
    graph.on('GET', path, [
      {
        json: {
          data: [{ id: '1' }],
          paging: { next: 'https://graph.facebook.com/v23.0/x?after=C2', cursors: { after: 'C2' } },
        },
      },
      { json: { data: [{ id: '2' }] } },
    ]);
    const r = await runCloud(graph.url, ['numbers', '--json']);
    expect(JSON.parse(r.stdout).map((n: { id: string }) => n.id)).toEqual(['1', '2']);
    expect(graph.calls('GET', path)[1]!.url.searchParams.get('after')).toBe('C2');
  });

  it('meta-template list filters by status and language (on the server and again locally)', async () => {
    const path = `/v23.0/${WABA_ID}/message_templates`;
    graph.on('GET', path, {
      times: 2,
      json: {
        data: [
          { id: '1', name: 'a', language: 'en_US', status: 'APPROVED' },
          { id: '2', name: 'b', language: 'en_US', status: 'REJECTED' },
          { id: '3', name: 'c', language: 'hi', status: 'APPROVED' },
        ],
      },
    });
    const r = await runCloud(graph.url, [
      'meta-template',
      'list',
      '--status',
      'approved',
      '--lang',
      'en-US',
      '--json',
    ]);
    expect(JSON.parse(r.stdout).map((t: { name: string }) => t.name)).toEqual(['a']);
    const q = graph.calls('GET', path)[0]!.url.searchParams;
    expect([q.get('status'), q.get('language')]).toEqual(['APPROVED', 'en_US']);
    const missing = await runCloud(graph.url, ['meta-template', 'show', 'zzz']);
    expect(missing.code).toBe(6);
  });
});

// The token never leaves wabox except in the Authorization header: every Cloud API command, run with
// --debug (request/answer dumps and stacks) and with --json errors, against a fake Graph API that
// echoes the token back in error messages, details, response bodies and paging URLs. The token comes
// from the environment in one pass and from the config file (`config set token` on stdin) in the other.
describe('secrets: the token is never printed', () => {
  /** A Graph error whose message and details both carry the token, as a confused API might. */
  const echo = (code: number, status = 400) =>
    graphError(code, {
      status,
      message: `(#${code}) Malformed access token ${TOKEN}`,
      details: `token=${TOKEN}`,
    });

  /** Every command below runs twice (plain and --json); the counts are per route over both runs. */
  function script(): void {
    const times = <T extends object>(reply: T, n: number) => ({ ...reply, times: n });
    // send --text, send --template, read (send --document stops at its upload)
    graph.on('POST', MESSAGES, times(echo(190, 401), 6));
    // send --document, media upload
    graph.on('POST', `/v23.0/${PHONE_ID}/media`, times(echo(131053), 4));
    // media info, media download
    graph.on(
      'GET',
      '/v23.0/555',
      times(
        {
          json: {
            messaging_product: 'whatsapp',
            url: `${graph.url}/lookaside/m1?access_token=${TOKEN}`,
            mime_type: 'application/pdf',
            sha256: '0'.repeat(64),
            file_size: '10',
            id: '555',
          },
        },
        4,
      ),
    );
    // a 500 is retried once (maxAttempts 2)
    graph.on('GET', '/lookaside/m1', { status: 500, body: `internal error for ${TOKEN}`, times: 4 });
    graph.on('DELETE', '/v23.0/555', times(echo(100), 2));
    // Graph's paging.next URLs carry access_token: the second page's failure names that URL;
    // meta-template list and show, twice each
    const templates = `/v23.0/${WABA_ID}/message_templates`;
    for (let i = 0; i < 4; i++)
      graph.on('GET', templates, [
        {
          json: {
            data: [{ id: '1', name: 'a', language: 'en', status: 'APPROVED' }],
            paging: { next: `${graph.url}${templates}?access_token=${TOKEN}&after=P2` },
          },
        },
        echo(100),
      ]);
    graph.on('GET', `/v23.0/${PHONE_ID}/whatsapp_business_profile`, times(echo(10, 403), 2));
    graph.on('POST', `/v23.0/${PHONE_ID}/whatsapp_business_profile`, times(echo(100), 2));
    graph.on('GET', NUMBERS, times(echo(200, 403), 2));
    // doctor stops at the token check
    graph.on('GET', `/v23.0/${PHONE_ID}`, times(echo(190, 401), 2));
  }

  function commands(dir: string): string[][] {
    const pdf = join(dir, 'invoice.pdf');
    writeFileSync(pdf, '%PDF-1.4\n');
    return [
      ['send', TO, '--text', 'Hi'],
      ['send', TO, '--template', 'order_update', '--lang', 'en', '--param', 'Asha'],
      ['send', TO, '--document', pdf],
      ['read', 'wamid.IN1', '--typing'],
      ['media', 'upload', pdf],
      ['media', 'info', '555'],
      ['media', 'download', '555', '-o', join(dir, 'out.pdf')],
      ['media', 'rm', '555', '--yes'],
      ['meta-template', 'list'],
      ['meta-template', 'show', 'a'],
      ['business-profile', 'show'],
      ['business-profile', 'set', '--about', 'Fresh bread'],
      ['numbers'],
      ['doctor'],
    ];
  }

  for (const source of ['env', 'config file'] as const)
    it(`token from the ${source}: no stdout, stderr, --debug dump or --json error of any Cloud API command contains it`, async () => {
      script();
      const dir = tempDir();
      const env: Record<string, string | undefined> = { WABOX_CONFIG_DIR: join(dir, 'config') };
      if (source === 'config file') {
        env.WABOX_TOKEN = undefined;
        const set = await run(['config', 'set', 'token'], { env, stdin: `${TOKEN}\n` });
        expect(set.code, set.stderr).toBe(0);
        expect(set.stdout + set.stderr).not.toContain(TOKEN);
      }
      const outputs: string[] = [];
      let failures = 0;
      for (const argv of commands(dir))
        for (const extra of [[], ['--json']]) {
          const r = await runCloud(graph.url, ['--debug', ...argv, ...extra], {
            env,
            cloud: { retry: { maxAttempts: 2 } },
          });
          outputs.push(`$ ${argv.join(' ')}\n${r.stdout}${r.stderr}`);
          if (r.code !== 0) failures++;
        }
      const all = outputs.join('\n');
      // not vacuous: the token did go out, the dumps and the echoed errors are there
      const authorized = graph.requests.filter((q) => q.headers.authorization === `Bearer ${TOKEN}`);
      expect(authorized.length).toBeGreaterThan(20);
      expect(graph.calls('GET', '/lookaside/m1').length).toBeGreaterThan(0);
      expect(failures).toBeGreaterThan(20);
      expect(all).toContain('debug: → POST');
      expect(all).toContain('Bearer ***');
      expect(all).toContain('Malformed access token ***');
      expect(all).toContain('access_token=***');
      for (const piece of [TOKEN, TOKEN.slice(0, 12), TOKEN.slice(-12)]) {
        const at = all.indexOf(piece);
        expect(at, `${piece} in:\n${all.slice(Math.max(0, at - 400), at + 100)}`).toBe(-1);
      }
    });

  it('a request that times out, with --debug: the dump has the request, masked', async () => {
    graph.on('POST', MESSAGES, { hang: true });
    const r = await runCloud(graph.url, ['--debug', 'send', TO, '--text', 'Hi'], {
      cloud: { timeouts: { headersMs: 200 } },
    });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('"authorization": "Bearer ***"');
    expect(r.stderr).not.toContain(TOKEN);
  });
});
