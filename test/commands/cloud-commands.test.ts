// read, media, meta-template, profile, numbers and doctor against a local fake Graph server.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/assert.js';
import { tempDir } from '../helpers/cli.js';
import { PHONE_ID, runCloud, TOKEN, WABA_ID } from '../helpers/cloud.js';
import { type FakeGraph, graphError, startFakeGraph } from '../helpers/graph-server.js';

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
    expect(JSON.parse(r.stdout)).toEqual({ id: 'wamid.IN1', success: true, typing: true });
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

  it('profile set checks limits locally, then posts only the given fields', async () => {
    const path = `/v23.0/${PHONE_ID}/whatsapp_business_profile`;
    graph.on('POST', path, { json: { success: true } });
    expectError(
      await runCloud(graph.url, ['profile', 'set', '--about', 'x'.repeat(140)]),
      2,
      /about is 140 characters; WhatsApp's limit is 139/,
    );
    expect(graph.requests).toHaveLength(0);
    const r = await runCloud(graph.url, [
      'profile',
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

  it('profile show reads the flat shape too', async () => {
    graph.on('GET', `/v23.0/${PHONE_ID}/whatsapp_business_profile`, {
      json: { data: [{ about: 'Hi', email: 'a@b.co', websites: [], messaging_product: 'whatsapp' }] },
    });
    const r = await runCloud(graph.url, ['profile', 'show', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ about: 'Hi', email: 'a@b.co', websites: [], address: null });
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
});
