// Customers without a known phone number: named by BSUID or @username, sent to with `recipient` in place
// of `to` (fake Graph server, strict), authentication templates refused, and marketing templates to an
// opted-out customer refused unless --force. A real temp SQLite store holds the contacts.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { run, tempDir } from '../helpers/cli.js';
import { PHONE_ID, runCloud, WABA_ID } from '../helpers/cloud.js';
import { type FakeGraph, startFakeGraph } from '../helpers/graph-server.js';

const MESSAGES = `/v23.0/${PHONE_ID}/messages`;
const TEMPLATES = `/v23.0/${WABA_ID}/message_templates`;
const NOW = new Date('2025-06-10T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const BSUID = 'IN.13491208655302741918';
const ASHA = '919876543210';
const clock = { clock: () => NOW };
const SENT_TO_BSUID = {
  json: {
    messaging_product: 'whatsapp',
    contacts: [{ input: BSUID, user_id: BSUID }],
    messages: [{ id: 'wamid.B1', message_status: 'accepted' }],
  },
};
const template = (name: string, category: string) => ({
  json: { data: [{ id: '1', name, language: 'en', status: 'APPROVED', category, components: [] }] },
});
let graph: FakeGraph;
let db: string;
let config: string;

beforeEach(async () => {
  graph = await startFakeGraph();
  const dir = tempDir();
  db = join(dir, 'wabox.db');
  config = join(dir, 'config');
  const store = openSqliteStore(db);
  // a customer with a username wrote an hour ago; the webhook gave no phone number
  await store.recordInbound({
    id: 'wamid.u1',
    waId: BSUID,
    identity: { userId: BSUID, username: 'asha.bakes' },
    name: 'Asha',
    type: 'text',
    text: 'Is the cake ready?',
    timestamp: hoursAgo(1),
  });
  // a customer known by phone who stopped marketing messages
  await store.ingestWebhook([
    {
      receivedAt: hoursAgo(2),
      inbound: [
        { id: 'wamid.a1', waId: ASHA, name: 'Ravi', type: 'text', text: 'hi', timestamp: hoursAgo(3) },
      ],
      echoes: [],
      statuses: [],
      raw: [],
      preferences: [
        {
          identity: { phone: ASHA },
          category: 'marketing_messages',
          value: 'stop',
          timestamp: hoursAgo(2),
        },
      ],
    },
  ]);
  await store.close();
});
afterEach(async () => {
  await graph.close();
});

const wabox = (...argv: string[]) =>
  runCloud(graph.url, argv, { db, env: { WABOX_CONFIG_DIR: config }, overrides: clock });

describe('sending to a customer known only by BSUID or username', () => {
  it.each([
    ['send', '@asha.bakes'],
    ['send', BSUID],
    ['reply', '@Asha.Bakes'],
  ])('%s %s: `recipient` is the BSUID and there is no `to`', async (verb, who) => {
    graph.on('POST', MESSAGES, SENT_TO_BSUID);
    const r = await wabox(verb, who, '--text', 'Ready at 5', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ id: 'wamid.B1', waId: null, userId: BSUID, status: 'accepted' });
    const [call] = graph.calls('POST', MESSAGES);
    expect(call!.json).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      recipient: BSUID,
      type: 'text',
      text: { body: 'Ready at 5', preview_url: false },
    });
    expect(call!.json).not.toHaveProperty('to');
    const store = openSqliteStore(db);
    try {
      expect((await store.listMessages({ waId: BSUID, direction: 'out' })).map((m) => m.id)).toEqual([
        'wamid.B1',
      ]);
    } finally {
      await store.close();
    }
  });

  it('an unknown @username is not found (exit 6), nothing sent', async () => {
    const r = await wabox('send', '@nobody', '--text', 'Hi');
    expectError(r, 6, /nobody/);
    expect(graph.requests).toEqual([]);
  });

  it('an authentication template is refused (exit 2) without a phone; nothing sent', async () => {
    graph.on('GET', TEMPLATES, template('otp', 'AUTHENTICATION'));
    const r = await wabox('send', '@asha.bakes', '--template', 'otp', '--lang', 'en');
    expectError(r, 2, /authentication template/);
    expect(r.stderr).toContain('wabox contact request-phone');
    expect(graph.calls('POST', MESSAGES)).toEqual([]);
  });

  it('a utility template goes to the BSUID', async () => {
    graph.on('GET', TEMPLATES, template('order_update', 'UTILITY'));
    graph.on('POST', MESSAGES, SENT_TO_BSUID);
    const r = await wabox('send', BSUID, '--template', 'order_update', '--lang', 'en');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(graph.calls('POST', MESSAGES)[0]!.json).toMatchObject({ recipient: BSUID, type: 'template' });
  });

  it('inbox, inbox show and messages list --json carry the identifiers; waId is null', async () => {
    const env = { WABOX_DB: db, WABOX_CONFIG_DIR: config };
    const inbox = JSON.parse((await run(['inbox', '--json'], { env, overrides: clock })).stdout);
    expect(inbox.find((c: { userId: string }) => c.userId === BSUID)).toMatchObject({
      waId: null,
      phone: null,
      userId: BSUID,
      parentUserId: null,
      username: 'asha.bakes',
    });
    const show = await run(['inbox', 'show', '@asha.bakes', '--json'], { env, overrides: clock });
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ conversation: { userId: BSUID }, merges: [] });
    const list = await run(['messages', 'list', '--to', BSUID, '--json'], { env, overrides: clock });
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ id: 'wamid.u1', waId: null, userId: BSUID, username: 'asha.bakes' }),
    ]);
    const human = await run(['inbox', '--no-color'], { env, overrides: clock });
    expect(human.stdout).toContain('@asha.bakes');
  });
});

describe('templates to a customer who stopped marketing messages', () => {
  it('a marketing template is refused (exit 2); nothing sent', async () => {
    graph.on('GET', TEMPLATES, template('diwali_sale', 'MARKETING'));
    const r = await wabox('send', `+${ASHA}`, '--template', 'diwali_sale', '--lang', 'en');
    expectError(r, 2, /stopped marketing messages/);
    expect(graph.calls('POST', MESSAGES)).toEqual([]);
  });

  it('--force sends it with a warning; a utility template only warns', async () => {
    graph.on('GET', TEMPLATES, [template('diwali_sale', 'MARKETING'), template('order_update', 'UTILITY')]);
    graph.on('POST', MESSAGES, [
      { json: { contacts: [{ wa_id: ASHA }], messages: [{ id: 'wamid.M1' }] } },
      { json: { contacts: [{ wa_id: ASHA }], messages: [{ id: 'wamid.M2' }] } },
    ]);
    const forced = await wabox('send', `+${ASHA}`, '--template', 'diwali_sale', '--lang', 'en', '--force');
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/warning: the customer stopped marketing messages .*marketing template/);
    const utility = await wabox('send', `+${ASHA}`, '--template', 'order_update', '--lang', 'en');
    expect(utility.code).toBe(0);
    expect(utility.stderr).toMatch(/warning: the customer stopped marketing messages .*utility template/);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(2);
  });
});
