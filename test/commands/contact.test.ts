// `wabox contact show|list|request-phone`: argv -> options through runF, then the verbs against a real
// temp SQLite store and the strict fake Graph server.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as list from '../../src/commands/contact/list.js';
import * as requestPhone from '../../src/commands/contact/request-phone.js';
import * as show from '../../src/commands/contact/show.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { captureOptions, run, tempDir } from '../helpers/cli.js';
import { PHONE_ID, runCloud } from '../helpers/cloud.js';
import { type FakeGraph, startFakeGraph } from '../helpers/graph-server.js';

const MESSAGES = `/v23.0/${PHONE_ID}/messages`;
const NOW = new Date('2025-06-10T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const BSUID = 'IN.13491208655302741918';
const clock = { clock: () => NOW };

describe('argv -> options', () => {
  async function parse(argv: string[]) {
    return captureOptions(['contact', ...argv], (program, d, capture) => {
      const parent = program.command('contact');
      show.register(parent, d, capture);
      list.register(parent, d, capture);
      requestPhone.register(parent, d, capture);
    });
  }

  it.each([
    [['show', '@asha.bakes', '--json'], { contact: '@asha.bakes', json: true }],
    [['show', '07700 900123', '-c', 'GB'], { contact: '07700 900123', country: 'GB' }],
    [['list'], {}],
    [['list', '--opted-out', '--limit', '5', '--json'], { optedOut: true, limit: '5', json: true }],
    [['request-phone', BSUID], { contact: BSUID }],
    [
      ['request-phone', '@asha.bakes', '--text', 'Your number?'],
      { contact: '@asha.bakes', text: 'Your number?' },
    ],
  ])('%j', async (argv, options) => {
    const r = await parse(argv as string[]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.seen).toEqual([options]);
  });

  it.each([[['show']], [['request-phone']], [['list', '--bogus']]])('%j is a usage error', async (argv) => {
    const r = await parse(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.seen).toEqual([]);
  });
});

describe('against the store and the fake Graph server', () => {
  let graph: FakeGraph;
  let db: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    graph = await startFakeGraph();
    const dir = tempDir();
    db = join(dir, 'wabox.db');
    env = { WABOX_DB: db, WABOX_CONFIG_DIR: join(dir, 'config') };
    const store = openSqliteStore(db);
    await store.recordInbound({
      id: 'wamid.u1',
      waId: BSUID,
      identity: { userId: BSUID, username: 'asha.bakes' },
      name: 'Asha',
      type: 'text',
      text: 'hello',
      timestamp: hoursAgo(1),
    });
    await store.ingestWebhook([
      {
        receivedAt: hoursAgo(2),
        inbound: [
          {
            id: 'wamid.r1',
            waId: '919800000001',
            name: 'Ravi',
            type: 'text',
            text: 'STOP',
            timestamp: hoursAgo(30),
          },
        ],
        echoes: [],
        statuses: [],
        raw: [],
      },
    ]);
    await store.close();
  });
  afterEach(async () => {
    await graph.close();
  });

  it('contact show: identifiers and opt-out, by @username; unknown is exit 6', async () => {
    const r = await run(['contact', 'show', '@asha.bakes', '--json'], { env, overrides: clock });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).contact).toMatchObject({
      waId: null,
      phone: null,
      userId: BSUID,
      username: 'asha.bakes',
      key: BSUID,
      name: 'Asha',
      optOut: { optedOut: false },
    });
    const human = await run(['contact', 'show', BSUID], { env, overrides: clock });
    expect(human.stdout).toContain('@asha.bakes');
    expectError(await run(['contact', 'show', '@nobody'], { env, overrides: clock }), 6, /nobody/);
  });

  it('contact list --opted-out: only the customer who sent STOP', async () => {
    const all = JSON.parse((await run(['contact', 'list', '--json'], { env, overrides: clock })).stdout);
    expect(all.map((c: { key: string }) => c.key).sort()).toEqual([BSUID, '919800000001'].sort());
    const out = await run(['contact', 'list', '--opted-out'], { env, overrides: clock });
    expect(out.stdout.trim()).toBe('+919800000001\tRavi\tstopped');
  });

  it('request-phone: the request_contact_info message to the BSUID, recorded', async () => {
    graph.on('POST', MESSAGES, {
      json: { contacts: [{ input: BSUID, user_id: BSUID }], messages: [{ id: 'wamid.R1' }] },
    });
    const r = await runCloud(graph.url, ['contact', 'request-phone', '@asha.bakes', '--json'], {
      db,
      env: { WABOX_CONFIG_DIR: env.WABOX_CONFIG_DIR! },
      overrides: clock,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(graph.calls('POST', MESSAGES)[0]!.json).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      recipient: BSUID,
      type: 'interactive',
      interactive: {
        type: 'request_contact_info',
        body: { text: requestPhone.DEFAULT_REQUEST_TEXT },
        action: { name: 'request_contact_info' },
      },
    });
    const store = openSqliteStore(db);
    try {
      expect((await store.listMessages({ waId: BSUID, direction: 'out' }))[0]).toMatchObject({
        id: 'wamid.R1',
        type: 'interactive',
      });
    } finally {
      await store.close();
    }
  });

  it('request-phone outside the 24-hour window is refused (exit 4), nothing sent', async () => {
    const r = await runCloud(graph.url, ['contact', 'request-phone', '+919800000001'], {
      db,
      env: { WABOX_CONFIG_DIR: env.WABOX_CONFIG_DIR! },
      overrides: clock,
    });
    expectError(r, 4, /window/);
    expect(graph.requests).toEqual([]);
  });
});
