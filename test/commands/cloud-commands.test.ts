// read, media, meta-template, profile, numbers and doctor against a local fake Graph server.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Check } from '../../src/commands/doctor.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { tempDir } from '../helpers/cli.js';
import { PHONE_ID, runCloud, TOKEN, WABA_ID } from '../helpers/cloud.js';
import { type FakeGraph, type FakeReply, graphError, startFakeGraph } from '../helpers/graph-server.js';

const MESSAGES = `/v23.0/${PHONE_ID}/messages`;
let graph: FakeGraph;

beforeEach(async () => {
  graph = await startFakeGraph();
});
afterEach(async () => {
  await graph.close();
});

describe('read', () => {
  it('marks as read, with the typing indicator', async () => {
    graph.on('POST', MESSAGES, { json: { success: true } });
    const r = await runCloud(graph.url, ['read', 'wamid.IN1', '--typing', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ id: 'wamid.IN1', success: true, typing: true, markedRead: 0 });
    expect(graph.calls('POST', MESSAGES)[0]!.json).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.IN1',
      typing_indicator: { type: 'text' },
    });
  });

  it('an unknown message id (131009) is a refusal, not retried', async () => {
    graph.on('POST', MESSAGES, graphError(131009, { message: '(#131009) Parameter value is not valid' }));
    const r = await runCloud(graph.url, ['read', 'wamid.NOPE']);
    expectError(r, 4, /Parameter value is not valid/);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(1);
  });

  describe('marks the stored message read locally, with the earlier ones', () => {
    const NOW = new Date('2025-06-10T12:00:00.000Z');
    const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
    const ASHA = '919876543210';
    const BOB = '447700900123';
    let db: string;
    beforeEach(async () => {
      db = join(tempDir(), 'wabox.db');
      const store = openSqliteStore(db);
      const inbound = (id: string, waId: string, minutes: number) =>
        store.recordInbound({ id, waId, type: 'text', text: id, timestamp: ago(minutes) });
      await inbound('wamid.a1', ASHA, 30);
      await inbound('wamid.a2', ASHA, 20);
      await inbound('wamid.a3', ASHA, 10);
      await inbound('wamid.b1', BOB, 25);
      await store.close();
    });
    const statuses = async () => {
      const store = openSqliteStore(db);
      try {
        const rows = await store.listMessages();
        const unread = Object.fromEntries(
          (await store.listConversations()).map((c) => [c.waId, c.unread] as const),
        );
        return { ...Object.fromEntries(rows.map((m) => [m.id, m.status] as const)), unread };
      } finally {
        await store.close();
      }
    };
    const read = (wamid: string, json = true) =>
      runCloud(graph.url, ['read', wamid, ...(json ? ['--json'] : [])], {
        db,
        overrides: { clock: () => NOW },
      });

    it("an older message: it and the customer's earlier ones, not the later one nor other customers'", async () => {
      graph.on('POST', MESSAGES, { json: { success: true }, times: 3 });
      const r = await read('wamid.a2');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ id: 'wamid.a2', success: true, typing: false, markedRead: 2 });
      expect(await statuses()).toEqual({
        'wamid.a1': 'read',
        'wamid.a2': 'read',
        'wamid.a3': 'received',
        'wamid.b1': 'received',
        unread: { [ASHA]: 1, [BOB]: 1 },
      });
      // again: WhatsApp accepts it, nothing more changes here
      expect(JSON.parse((await read('wamid.a2')).stdout).markedRead).toBe(0);
      const last = await read('wamid.a3');
      expect(JSON.parse(last.stdout).markedRead).toBe(1);
      expect((await statuses()).unread).toEqual({ [ASHA]: 0, [BOB]: 1 });
    });

    it('a refused receipt changes nothing in the store', async () => {
      graph.on('POST', MESSAGES, graphError(131009, { message: '(#131009) Parameter value is not valid' }));
      expect((await read('wamid.a3')).code).toBe(4);
      expect(await statuses()).toMatchObject({ 'wamid.a3': 'received', unread: { [ASHA]: 3 } });
    });

    it('a message the store does not have (or one of ours) is marked on WhatsApp only', async () => {
      graph.on('POST', MESSAGES, { json: { success: true }, times: 2 });
      const r = await read('wamid.ELSEWHERE', false);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      const store = openSqliteStore(db);
      await store.recordOutbound({
        id: 'wamid.out1',
        waId: ASHA,
        type: 'text',
        text: 'ours',
        timestamp: ago(5),
        status: 'accepted',
      });
      await store.close();
      expect(JSON.parse((await read('wamid.out1')).stdout).markedRead).toBe(0);
      expect(await statuses()).toMatchObject({ 'wamid.out1': 'accepted', unread: { [ASHA]: 3, [BOB]: 1 } });
    });

    it('a store that cannot be opened is a warning: the receipt went out', async () => {
      graph.on('POST', MESSAGES, { json: { success: true } });
      const r = await runCloud(graph.url, ['read', 'wamid.a1', '--json'], {
        db: 'postgres://localhost/wabox',
      });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).markedRead).toBe(0);
      expect(r.stderr).toMatch(/^warning: the message was marked read on WhatsApp but not in the store: /);
      expect(graph.calls('POST', MESSAGES)).toHaveLength(1);
    });
  });
});

describe('media', () => {
  const bytes = Buffer.from('%PDF-1.4 the invoice\n');
  const sha = createHash('sha256').update(bytes).digest('hex');
  const info = (extra: Record<string, unknown> = {}) => ({
    json: {
      messaging_product: 'whatsapp',
      url: `${graph.url}/lookaside/m1`,
      mime_type: 'application/pdf',
      sha256: sha,
      file_size: String(bytes.length),
      id: '555',
      ...extra,
    },
  });

  it('upload prints the id; the type comes from the file', async () => {
    graph.on('POST', `/v23.0/${PHONE_ID}/media`, { json: { id: '555' } });
    const file = join(tempDir(), 'notes.txt');
    writeFileSync(file, 'hello');
    const r = await runCloud(graph.url, ['media', 'upload', file, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      id: '555',
      file,
      kind: 'document',
      mimeType: 'text/plain',
      size: 5,
    });
  });

  it('upload refuses a type WhatsApp does not take, before any request', async () => {
    const file = join(tempDir(), 'anim.gif');
    writeFileSync(file, 'GIF89a');
    expectError(
      await runCloud(graph.url, ['media', 'upload', file]),
      2,
      /image\/gif, which WhatsApp does not accept as media/,
    );
    expect(graph.requests).toHaveLength(0);
  });

  it('info shows type, size, hash and URL', async () => {
    graph.on('GET', '/v23.0/555', info());
    const r = await runCloud(graph.url, ['media', 'info', '555', '--json']);
    expect(JSON.parse(r.stdout)).toEqual({
      id: '555',
      url: `${graph.url}/lookaside/m1`,
      mimeType: 'application/pdf',
      sha256: sha,
      fileSize: bytes.length,
    });
    expect(graph.calls('GET', '/v23.0/555')[0]!.url.searchParams.get('phone_number_id')).toBe(PHONE_ID);
  });

  it('download writes the file after checking SHA-256 and size, with the token and a User-Agent', async () => {
    graph.on('GET', '/v23.0/555', info());
    graph.on('GET', '/lookaside/m1', { body: bytes, headers: { 'content-type': 'application/pdf' } });
    const dir = tempDir();
    const out = join(dir, 'invoice.pdf');
    const r = await runCloud(graph.url, ['media', 'download', '555', '-o', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: '555', path: out, size: bytes.length, sha256: sha });
    expect(readFileSync(out)).toEqual(bytes);
    const get = graph.calls('GET', '/lookaside/m1')[0]!;
    expect(get.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(get.headers['user-agent']).toMatch(/^wabox\//);
    expect(readdirSync(dir)).toEqual(['invoice.pdf']);
  });

  it('a media id cannot name a path: ../, absolute and encoded forms are refused before any request', async () => {
    for (const id of ['../evil', '/etc/passwd', '..%2F..%2Fevil', '555/../../evil', '555\\..\\evil']) {
      expectError(await runCloud(graph.url, ['media', 'download', id]), 2, /is not a media id/);
    }
    expect(graph.requests).toHaveLength(0);
  });

  it('download to stdout', async () => {
    graph.on('GET', '/v23.0/555', info());
    graph.on('GET', '/lookaside/m1', { body: bytes });
    const r = await runCloud(graph.url, ['media', 'download', '555', '-o', '-']);
    expect(r.code).toBe(0);
    expect(r.stdoutBytes).toEqual(bytes);
  });

  it('a corrupt download is refused and leaves no file', async () => {
    graph.on('GET', '/v23.0/555', info({ sha256: 'f'.repeat(64) }));
    graph.on('GET', '/lookaside/m1', { body: bytes });
    const dir = tempDir();
    const r = await runCloud(graph.url, ['media', 'download', '555', '-o', join(dir, 'x.pdf')]);
    expectError(r, 5, /the download of media 555 is corrupt: its SHA-256 is/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the token is never sent to a plain-http URL on another origin', async () => {
    graph.on('GET', '/v23.0/555', info({ url: 'http://203.0.113.9/m1' }));
    const r = await runCloud(graph.url, ['media', 'download', '555', '-o', join(tempDir(), 'x')]);
    expectError(r, 3, /refusing to send the token to http:\/\/203\.0\.113\.9/);
  });

  it('rm needs --yes when nobody can be asked', async () => {
    graph.on('DELETE', '/v23.0/555', { json: { success: true } });
    expectError(
      await runCloud(graph.url, ['media', 'rm', '555']),
      2,
      /refusing to delete media 555 without --yes/,
    );
    expect(graph.requests).toHaveLength(0);
    const r = await runCloud(graph.url, ['media', 'rm', '555', '--yes', '--json']);
    expect(JSON.parse(r.stdout)).toEqual({ id: '555', deleted: true });
    expectError(await runCloud(graph.url, ['media', 'info', 'abc']), 2, /"abc" is not a media id/);
  });
});

describe('meta-template, profile, numbers', () => {
  it('meta-template show prints the components', async () => {
    graph.on('GET', `/v23.0/${WABA_ID}/message_templates`, {
      json: {
        data: [
          {
            id: '1',
            name: 'order_update',
            language: 'en_US',
            status: 'APPROVED',
            category: 'UTILITY',
            components: [
              { type: 'BODY', text: 'Hi {{1}}, order {{2}} is ready' },
              { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Details' }] },
            ],
          },
        ],
      },
    });
    const r = await runCloud(graph.url, ['meta-template', 'show', 'order_update']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'order_update (en_US) APPROVED · UTILITY\nBODY     Hi {{1}}, order {{2}} is ready\nBUTTONS  [0] quick_reply: Details\n',
    );
  });

  it('needs waba-id: exit 3 naming it', async () => {
    const r = await runCloud(graph.url, ['numbers'], { env: { WABOX_WABA_ID: undefined } });
    expectError(r, 3, /no WhatsApp Business Account id \(waba-id\) is set/, /wabox config set waba-id/);
  });

  it('business-profile set checks limits locally, then posts only the given fields', async () => {
    const path = `/v23.0/${PHONE_ID}/whatsapp_business_profile`;
    graph.on('POST', path, { json: { success: true } });
    expectError(
      await runCloud(graph.url, ['business-profile', 'set', '--about', 'x'.repeat(140)]),
      2,
      /about is 140 characters; WhatsApp's limit is 139/,
    );
    expect(graph.requests).toHaveLength(0);
    const r = await runCloud(graph.url, [
      'business-profile',
      'set',
      '--about',
      'Fresh bread',
      '--website',
      'https://a.example',
      '--json',
    ]);
    expect(JSON.parse(r.stdout)).toEqual({ updated: ['about', 'websites'], success: true });
    expect(graph.calls('POST', path)[0]!.json).toEqual({
      messaging_product: 'whatsapp',
      about: 'Fresh bread',
      websites: ['https://a.example'],
    });
  });

  it('business-profile show reads the flat shape too', async () => {
    graph.on('GET', `/v23.0/${PHONE_ID}/whatsapp_business_profile`, {
      json: { data: [{ about: 'Hi', email: 'a@b.co', websites: [], messaging_product: 'whatsapp' }] },
    });
    const r = await runCloud(graph.url, ['business-profile', 'show', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ about: 'Hi', email: 'a@b.co', websites: [], address: null });
  });

  it('business-profile set with no field: exit 2, nothing sent, the hint names the command', async () => {
    expectError(
      await runCloud(graph.url, ['business-profile', 'set']),
      2,
      /nothing to change: give at least one field/,
      /wabox business-profile set --about/,
    );
    expect(graph.requests).toHaveLength(0);
  });

  it('profile still runs business-profile for this release, and its help says so', async () => {
    graph.on('GET', `/v23.0/${PHONE_ID}/whatsapp_business_profile`, {
      json: { data: [{ about: 'Hi', websites: [], messaging_product: 'whatsapp' }] },
    });
    const r = await runCloud(graph.url, ['profile', 'show', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ about: 'Hi', websites: [], email: null });
    const help = await runCloud(graph.url, ['profile', '--help']);
    expect(help.stdout).toMatch(/^Usage: wabox business-profile\|profile /);
    expect(help.stdout).toContain('`wabox profile` is a deprecated alias of `wabox business-profile`');
    const root = await runCloud(graph.url, ['--help']);
    expect(root.stdout.replace(/\s+/g, ' ')).toContain(
      ' business-profile|profile the WhatsApp Business profile of the sending number (alias profile: deprecated) ',
    );
  });
});

describe('doctor', () => {
  const phone = `/v23.0/${PHONE_ID}`;
  const numbers = `/v23.0/${WABA_ID}/phone_numbers`;
  const okPhone = {
    json: {
      id: PHONE_ID,
      display_phone_number: '+1 555-0100',
      verified_name: 'Asha Bakery',
      quality_rating: 'GREEN',
    },
    headers: { 'facebook-api-version': 'v23.0' },
  };

  it('all good: exit 0', async () => {
    graph.on('GET', phone, okPhone);
    graph.on('GET', numbers, { json: { data: [{ id: PHONE_ID }] } });
    const r = await runCloud(graph.url, ['doctor']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/✓ phone-number-id 123456 is \+1 555-0100 Asha Bakery, quality GREEN/);
    expect(r.stdout).not.toContain(TOKEN);
  });

  it('the messaging limit: from the API, and the latest webhook the store holds; numbers shows both', async () => {
    const dir = tempDir();
    const db = join(dir, 'wabox.db');
    const store = openSqliteStore(db);
    const body = JSON.parse(
      readFileSync(
        join(
          import.meta.dirname,
          '..',
          'fixtures',
          'webhooks',
          'contacts',
          'business-capability-update.json',
        ),
        'utf8',
      ),
    );
    const { toWebhookPost } = await import('../../src/server/ingest.js');
    const { parseWebhook } = await import('../../src/cloud/webhook-events.js');
    await store.ingestWebhook([toWebhookPost(parseWebhook(body), new Date('2025-06-10T12:00:00Z'))]);
    const expected = await store.latestMessagingLimit();
    await store.close();
    expect(expected).not.toBeNull();
    const limited = {
      ...okPhone,
      json: { ...okPhone.json, whatsapp_business_manager_messaging_limit: 'TIER_2K' },
    };
    graph.on('GET', phone, limited);
    graph.on('GET', numbers, [
      { json: { data: [{ id: PHONE_ID }] } },
      { json: { data: [{ id: PHONE_ID, whatsapp_business_manager_messaging_limit: 'TIER_2K' }] } },
    ]);
    const r = await runCloud(graph.url, ['doctor', '--json'], { db });
    expect(r.code, r.stdout).toBe(0);
    const checks = JSON.parse(r.stdout).checks as Check[];
    expect(checks.find((c) => c.name === 'messaging-limit')!.message).toMatch(/^TIER_2K /);
    const shown = expected!.limit === null ? 'unlimited' : `${expected!.limit} customers a day`;
    expect(checks.find((c) => c.name === 'messaging-limit-webhook')!.message).toContain(shown);
    expect(graph.calls('GET', phone)[0]!.url.searchParams.get('fields')).toContain(
      'whatsapp_business_manager_messaging_limit',
    );
    const n = await runCloud(graph.url, ['numbers'], { db });
    expect(n.stdout.trim().split('\t').at(-1)).toBe('TIER_2K');
    expect(n.stderr).toContain(`messaging limit: ${shown}`);
  });

  it('missing settings: exit 3, each named with how to set it, no request', async () => {
    const r = await runCloud(graph.url, ['doctor', '--json'], {
      env: { WABOX_TOKEN: undefined, WABOX_PHONE_NUMBER_ID: undefined, WABOX_WABA_ID: undefined },
    });
    expect(r.code).toBe(3);
    const checks = JSON.parse(r.stdout).checks as Array<{ name: string; status: string; hint?: string }>;
    expect(checks.filter((c) => c.status === 'fail').map((c) => c.name)).toEqual([
      'token',
      'phone-number-id',
    ]);
    expect(checks.find((c) => c.name === 'token')!.hint).toMatch(/wabox config set token/);
    expect(checks.find((c) => c.name === 'waba-id')!.status).toBe('warn');
    expect(graph.requests).toHaveLength(0);
  });

  it('an expired token: exit 3 with the fix', async () => {
    graph.on(
      'GET',
      phone,
      graphError(190, { status: 401, message: 'Error validating access token: Session has expired' }),
    );
    const r = await runCloud(graph.url, ['doctor', '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).checks.at(-1)).toMatchObject({
      name: 'token',
      status: 'fail',
      message: expect.stringMatching(/Session has expired/),
      hint: expect.stringMatching(/wabox config set token/),
    });
  });

  it('a wrong phone number id (100/33): exit 3 with where to find the right one', async () => {
    graph.on(
      'GET',
      phone,
      graphError(100, {
        subcode: 33,
        message: "Unsupported get request. Object with ID '123456' does not exist",
      }),
    );
    const r = await runCloud(graph.url, ['doctor', '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).checks.at(-1)).toMatchObject({
      name: 'phone-number-id',
      status: 'fail',
      hint: expect.stringMatching(/API setup/),
    });
  });

  it('a phone number outside the WABA, an upgraded API version', async () => {
    graph.on('GET', phone, { ...okPhone, headers: { 'facebook-api-version': 'v24.0' } });
    graph.on('GET', numbers, { json: { data: [{ id: '999' }] } });
    const r = await runCloud(graph.url, ['doctor', '--json']);
    expect(r.code).toBe(3);
    const checks = JSON.parse(r.stdout).checks as Array<{ name: string; status: string; message: string }>;
    expect(checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'api-version',
          status: 'warn',
          message: expect.stringMatching(/answered as v24\.0/),
        }),
        expect.objectContaining({
          name: 'waba-id',
          status: 'fail',
          message: expect.stringMatching(/is not one of the 1 number/),
        }),
      ]),
    );
  });

  it('the API unreachable: exit 5', async () => {
    const url = graph.url;
    await graph.close();
    const r = await runCloud(url, ['doctor'], { cloud: { retry: { maxAttempts: 1 } } });
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/✗ api +could not reach the API/);
    graph = await startFakeGraph();
  });

  describe('says what is wrong and how to fix it, for each failure', () => {
    const wabaOk = { json: { data: [{ id: PHONE_ID }] } };
    const cases: Array<{
      name: string;
      env?: Record<string, string | undefined>;
      routes?: Array<[string, FakeReply]>;
      exit: number;
      /** The check that says it: [name, status, message, fix]. */
      check: [string, 'fail' | 'warn', RegExp, RegExp | null];
      requests: number;
      /** Other checks that are not ok, as name:status. */
      also?: string[];
    }> = [
      {
        name: 'an invalid phone number id in the environment',
        env: { WABOX_PHONE_NUMBER_ID: '+1 555 0100' },
        exit: 3,
        check: [
          'phone-number-id',
          'fail',
          /WABOX_PHONE_NUMBER_ID is invalid: .*digits only/,
          /unset WABOX_PHONE_NUMBER_ID/,
        ],
        requests: 0,
      },
      {
        name: 'an invalid API version',
        env: { WABOX_API_VERSION: '23' },
        exit: 3,
        check: ['api-version', 'fail', /must look like v23\.0, got "23"/, /WABOX_API_VERSION/],
        requests: 0,
      },
      {
        name: 'an invalid Graph URL',
        env: { WABOX_GRAPH_URL: 'ftp://graph.example' },
        exit: 3,
        check: ['graph-url', 'fail', /http or https URL/, /WABOX_GRAPH_URL/],
        requests: 0,
      },
      {
        name: 'an API version other than the tested one (a warning)',
        env: { WABOX_API_VERSION: 'v22.0' },
        routes: [
          [`/v22.0/${PHONE_ID}`, { json: okPhone.json, headers: { 'facebook-api-version': 'v22.0' } }],
          [`/v22.0/${WABA_ID}/phone_numbers`, wabaOk],
        ],
        exit: 0,
        check: [
          'api-version',
          'warn',
          /v22\.0 \(WABOX_API_VERSION\); wabox is tested against v23\.0/,
          /wabox config set api-version v23\.0/,
        ],
        requests: 2,
      },
      {
        name: 'a token without the permission (10)',
        routes: [
          [phone, graphError(10, { status: 403, message: '(#10) Application does not have permission' })],
        ],
        exit: 3,
        check: [
          'token',
          'fail',
          /the token may not use phone number 123456: .*does not have permission/,
          /whatsapp_business_messaging/,
        ],
        requests: 1,
      },
      {
        name: 'the API version refused (12): a setting to change',
        routes: [[phone, graphError(12, { message: '(#12) This endpoint is deprecated since v23.0' })]],
        exit: 3,
        check: [
          'api-version',
          'fail',
          /the API refused version v23\.0: .*deprecated/,
          /a newer version .*wabox config set api-version/,
        ],
        requests: 1,
      },
      {
        name: 'a configured API version refused: back to the tested one',
        env: { WABOX_API_VERSION: 'v17.0' },
        routes: [
          [
            `/v17.0/${PHONE_ID}`,
            graphError(2635, { message: '(#2635) You are calling a deprecated version' }),
          ],
        ],
        exit: 3,
        check: [
          'api-version',
          'fail',
          /the API refused version v17\.0/,
          /^wabox config set api-version v23\.0$/,
        ],
        requests: 1,
        also: ['api-version:warn'],
      },
      {
        name: 'the API failing (5xx after the retries)',
        routes: [[phone, { status: 503, body: 'Service Unavailable' }]],
        exit: 5,
        check: ['api', 'fail', /the API at http:\/\/127\.0\.0\.1:\d+ is failing: the API answered 503/, null],
        requests: 1,
      },
      {
        name: 'another refusal (a locked account): exit 4',
        routes: [[phone, graphError(131031, { message: '(#131031) Business Account locked' })]],
        exit: 4,
        check: ['phone-number-id', 'fail', /Business Account locked .*\[code 131031\]/, /WhatsApp Manager/],
        requests: 1,
      },
      {
        name: 'a RED quality rating (a warning)',
        routes: [
          [phone, { json: { ...okPhone.json, quality_rating: 'RED' } }],
          [numbers, wabaOk],
        ],
        exit: 0,
        check: [
          'phone-number-id',
          'warn',
          /123456 is \+1 555-0100 Asha Bakery, quality RED/,
          /sending is limited/,
        ],
        requests: 2,
      },
      {
        name: 'a WABA id that does not exist (100/33)',
        routes: [
          [phone, okPhone],
          [
            numbers,
            graphError(100, {
              subcode: 33,
              message: "Unsupported get request. Object with ID '111222' does not exist",
            }),
          ],
        ],
        exit: 3,
        check: ['waba-id', 'fail', /WABA 111222: .*does not exist/, /check phone-number-id and waba-id/],
        requests: 2,
      },
      {
        name: 'a WABA the token may not read (200)',
        routes: [
          [phone, okPhone],
          [numbers, graphError(200, { status: 403, message: '(#200) Permissions error' })],
        ],
        exit: 3,
        check: ['waba-id', 'fail', /WABA 111222: .*Permissions error/, /whatsapp_business_management/],
        requests: 2,
      },
      {
        name: 'no WABA id (a warning; its check is skipped)',
        env: { WABOX_WABA_ID: undefined },
        routes: [[phone, okPhone]],
        exit: 0,
        check: [
          'waba-id',
          'warn',
          /not set: meta-template and numbers need it/,
          /wabox config set waba-id <id>, or set WABOX_WABA_ID/,
        ],
        requests: 1,
      },
    ];
    for (const c of cases)
      it(`${c.name}: exit ${c.exit}`, async () => {
        // once for --json, once for people
        for (const [path, reply] of c.routes ?? []) graph.on('GET', path, { ...reply, times: 2 });
        const options = { env: c.env ?? {}, cloud: { retry: { maxAttempts: 1 } } };
        const r = await runCloud(graph.url, ['doctor', '--json'], options);
        expect(r.code, r.stdout + r.stderr).toBe(c.exit);
        expect(graph.requests).toHaveLength(c.requests);
        const out = JSON.parse(r.stdout) as { ok: boolean; checks: Check[] };
        expect(out.ok).toBe(c.exit === 0);
        const [name, status, message, fix] = c.check;
        const found = out.checks.filter(
          (k) => k.name === name && k.status === status && message.test(k.message),
        );
        expect(found, JSON.stringify(out.checks, null, 2)).toHaveLength(1);
        expect(found[0]!.message).toMatch(message);
        if (fix === null) expect(found[0]!.hint).toBeUndefined();
        else expect(found[0]!.hint).toMatch(fix);
        // exactly the failures and warnings the case is about
        const notOk = out.checks.filter((k) => k.status !== 'ok').map((k) => `${k.name}:${k.status}`);
        expect(notOk.sort()).toEqual([`${name}:${status}`, ...(c.also ?? [])].sort());
        // the same, for people: the mark, the check, and the fix on the next line
        const human = await runCloud(graph.url, ['doctor'], options);
        expect(human.code).toBe(c.exit);
        const mark = status === 'fail' ? '✗' : '!';
        const at = human.stdout.indexOf(`${mark} ${name.padEnd(15)} ${found[0]!.message}`);
        expect(at, human.stdout).toBeGreaterThanOrEqual(0);
        if (fix !== null)
          expect(human.stdout.slice(at).split('\n')[1]).toBe(`${' '.repeat(18)}fix: ${found[0]!.hint}`);
        expect(human.stdout + human.stderr + r.stdout + r.stderr).not.toContain(TOKEN);
      });
  });
});
