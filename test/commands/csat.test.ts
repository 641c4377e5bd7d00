// Customer satisfaction end to end: `autoreply set csat`, `wabox resolve` asking through a strict fake
// Graph API, the answer arriving at a real receiver, `inbox show`, and two receivers sharing one store.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { tempDir } from '../helpers/cli.js';
import { runCloud } from '../helpers/cloud.js';
import { ownWebhook } from '../helpers/fixtures.js';
import { type FakeGraph, graphError, startFakeGraph } from '../helpers/graph-server.js';
import { MESSAGES_PATH, startReceiver } from '../helpers/receiver.js';

const ASHA = '919876543210';
const NOW = new Date('2026-03-02T10:00:00.000Z');
const clock = { clock: () => NOW };

let graph: FakeGraph;
let dir: string;
let env: Record<string, string>;

async function customerWrote(minutesAgo: number): Promise<void> {
  const store = openSqliteStore(env.WABOX_DB!);
  await store.recordInbound({
    id: `wamid.in${minutesAgo}`,
    waId: ASHA,
    name: 'Asha Rao',
    type: 'text',
    text: 'my order is late',
    timestamp: new Date(NOW.getTime() - minutesAgo * 60_000),
  });
  await store.close();
}

const accepted = (id: string) => ({
  json: {
    messaging_product: 'whatsapp',
    contacts: [{ input: `+${ASHA}`, wa_id: ASHA }],
    messages: [{ id, message_status: 'accepted' }],
  },
});

beforeEach(async () => {
  graph = await startFakeGraph();
  dir = tempDir('wabox-csat-');
  env = { WABOX_DB: join(dir, 'wabox.db'), WABOX_CONFIG_DIR: join(dir, 'config') };
});
afterEach(async () => {
  await graph.close();
});

const cli = (...argv: string[]) => runCloud(graph.url, argv, { db: env.WABOX_DB, env, overrides: clock });
const ok = async (...argv: string[]) => {
  const r = await cli(...argv);
  expect(r.code, r.stderr).toBe(0);
  return r;
};
const json = async <T = Record<string, unknown>>(...argv: string[]) =>
  JSON.parse((await ok(...argv, '--json')).stdout) as T;

describe('wabox resolve with csat on and no delay', () => {
  it('asks exactly once per resolution, with the three buttons, in the customer service window', async () => {
    await customerWrote(30);
    await ok('template', 'init', '--pack', 'en');
    await ok('config', 'set', 'business-name', 'Asha Sweets');
    expect((await ok('autoreply', 'set', 'csat', 'on', '--delay', '0')).stderr).toBe(
      'csat questions on: asked as wabox resolve runs, with buttons 😞 😐 😀\n',
    );
    graph.on('POST', MESSAGES_PATH, accepted('wamid.Q1'));
    const resolved = await json<{ changed: boolean; csat: Record<string, unknown> }>('resolve', `+${ASHA}`);
    expect(resolved.changed).toBe(true);
    expect(resolved.csat).toMatchObject({ state: 'asked', score: null, askedAt: NOW.toISOString() });
    const sent = graph.calls('POST', MESSAGES_PATH);
    expect(sent).toHaveLength(1);
    const id = resolved.csat.id as number;
    expect(sent[0]!.json).toMatchObject({
      to: `+${ASHA}`,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: expect.stringContaining('Thanks for getting in touch! How did we do today?') },
        action: {
          buttons: [
            { type: 'reply', reply: { id: `wabox-csat:${id}:1`, title: '😞' } },
            { type: 'reply', reply: { id: `wabox-csat:${id}:3`, title: '😐' } },
            { type: 'reply', reply: { id: `wabox-csat:${id}:5`, title: '😀' } },
          ],
        },
      },
    });
    // reopened and resolved again without a word from the customer: the same period, no question
    await ok('reopen', `+${ASHA}`);
    expect((await json('resolve', `+${ASHA}`)).csat).toBeNull();
    // resolving what is resolved changes nothing and asks nothing
    expect(await json('resolve', `+${ASHA}`)).toMatchObject({ changed: false, csat: null });
    expect(graph.calls('POST', MESSAGES_PATH)).toHaveLength(1);
    const shown = await json<{ csat: unknown[]; messages: Array<Record<string, unknown>> }>(
      'inbox',
      'show',
      `+${ASHA}`,
    );
    expect(shown.csat).toEqual([expect.objectContaining({ id, state: 'asked', agent: null })]);
    expect(shown.messages.at(-1)).toMatchObject({ id: 'wamid.Q1', type: 'interactive', reason: 'csat' });
  });

  it('outside the 24-hour window: skipped, counted, nothing sent', async () => {
    await customerWrote(25 * 60);
    await ok('template', 'init', '--pack', 'hi');
    await ok('autoreply', 'set', 'csat', 'on', '--delay', '0m', '--scale', 'list');
    const r = await cli('resolve', `+${ASHA}`, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('warning: the satisfaction question was not sent: window_closed\n');
    expect(JSON.parse(r.stdout).csat).toMatchObject({ state: 'skipped', reason: 'window_closed' });
    expect(graph.requests).toHaveLength(0);
    const show = await json<{ csat: Record<string, unknown> }>('autoreply', 'show');
    expect(show.csat).toEqual({
      on: true,
      after: 'resolve',
      delayMinutes: 0,
      scale: 'list',
      templates: ['csat-hi'],
      counts: { pending: 0, asked: 0, answered: 0, skipped: 1 },
    });
    expect((await ok('inbox', 'show', `+${ASHA}`)).stdout).toContain(
      'satisfaction: not asked (window_closed)',
    );
  });

  it('a 1-5 list; a send the API refuses is skipped with its error, recorded failed, not retried', async () => {
    await customerWrote(5);
    await ok('template', 'init', '--pack', 'ur');
    await ok('autoreply', 'set', 'csat', 'on', '--delay', '0', '--scale', 'list');
    graph.on('POST', MESSAGES_PATH, graphError(131047, { message: 'Re-engagement message' }));
    const r = await cli('resolve', `+${ASHA}`, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: the satisfaction question was not sent: failed: 24-hour window closed: .*\[code 131047\]\n$/,
    );
    const { csat } = JSON.parse(r.stdout) as { csat: { id: number; state: string } };
    expect(csat.state).toBe('skipped');
    const [sent] = graph.calls('POST', MESSAGES_PATH);
    expect(sent!.json).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: expect.stringContaining('رابطہ کرنے کا شکریہ') },
        action: {
          button: '⭐ 1–5',
          sections: [{ rows: [5, 4, 3, 2, 1].map((n) => ({ id: `wabox-csat:${csat.id}:${n}` })) }],
        },
      },
    });
    const shown = await json<{ messages: Array<Record<string, unknown>> }>('inbox', 'show', `+${ASHA}`);
    expect(shown.messages.at(-1)).toMatchObject({ type: 'interactive', reason: 'csat', status: 'failed' });
  });

  it('csat off: resolve asks nothing', async () => {
    await customerWrote(5);
    await ok('template', 'init', '--pack', 'en');
    await ok('autoreply', 'set', 'csat', 'on', '--delay', '0');
    expect((await ok('autoreply', 'set', 'csat', 'off')).stderr).toBe('csat questions off\n');
    expect((await json('resolve', `+${ASHA}`)).csat).toBeNull();
    expect(graph.requests).toHaveLength(0);
  });
});

describe('wabox autoreply set csat: bad input', () => {
  it.each([
    [['maybe'], 'error: csat takes on or off, got "maybe"\n'],
    [
      ['on', '--delay', 'soon'],
      'error: --delay: "soon" is not a duration\nhint: write it as 0, 10m, 2h or 1d (at most 7d)\n',
    ],
    [
      ['on', '--delay', '90s'],
      'error: --delay: "90s" is not a whole number of minutes\nhint: write it as 0, 10m, 2h or 1d (at most 7d)\n',
    ],
    [
      ['on', '--delay', '8d'],
      'error: --delay: "8d" is longer than 7 days\nhint: write it as 0, 10m, 2h or 1d (at most 7d)\n',
    ],
    [
      ['on', '--after', 'close'],
      'error: --after: "close" is not an event csat follows\nhint: the one event today: --after resolve\n',
    ],
  ])('csat %j exits 2 and changes nothing', async (args, stderr) => {
    const r = await cli('autoreply', 'set', 'csat', ...args);
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 2, stdout: '', stderr });
    expect((await json<{ csat: { on: boolean } }>('autoreply', 'show')).csat.on).toBe(false);
  });

  it('a csat flag on another setting exits 2', async () => {
    expectError(
      await cli('autoreply', 'set', 'greeting', 'on', '--delay', '10m'),
      2,
      '--delay is a csat option, not one of greeting',
    );
  });
});

describe('csat with a delay: the receiver asks, once, however many receivers share the store', () => {
  it('two receivers on one store send one question; the answer and its comment are stored once', async () => {
    await customerWrote(30);
    await ok('template', 'init', '--pack', 'gu');
    await ok('autoreply', 'set', 'csat', 'on', '--after', 'resolve', '--delay', '10m');
    const resolved = await json<{ csat: { id: number; state: string } }>('resolve', `+${ASHA}`);
    expect(resolved.csat.state).toBe('pending');
    expect(graph.requests).toHaveLength(0);
    const id = resolved.csat.id;

    graph.on('POST', MESSAGES_PATH, accepted('wamid.Q1'));
    const later = new Date(NOW.getTime() + 11 * 60_000);
    const shared = {
      graph,
      dir,
      now: later,
      env: { WABOX_DB: env.WABOX_DB!, WABOX_CONFIG_DIR: env.WABOX_CONFIG_DIR! },
    };
    const [a, b] = await Promise.all([startReceiver(shared), startReceiver(shared)]);
    try {
      // the receivers ask at start, after they listen: wait (bounded) for the question to go out
      for (let i = 0; i < 100 && a.rows("SELECT 1 FROM csat WHERE state = 'asked'").length === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      // our fixture of Meta's button_reply shape, answering this question
      const answer = ownWebhook('interactive-button-reply');
      const tapped = answer.entry[0].changes[0].value.messages[0];
      tapped.interactive.button_reply = { id: `wabox-csat:${id}:5`, title: '😀' };
      tapped.timestamp = String(Math.floor(later.getTime() / 1000) + 60);
      expect((await a.post(answer)).status).toBe(200);
      expect((await b.post(answer)).status).toBe(200); // redelivered to the other receiver
      const comment = structuredClone(answer);
      const m = comment.entry[0].changes[0].value.messages[0] as Record<string, unknown>;
      Object.assign(m, { id: 'wamid.COMMENT', type: 'text', text: { body: 'ખૂબ સરસ સેવા' } });
      delete m.interactive;
      delete m.context;
      m.timestamp = String(Math.floor(later.getTime() / 1000) + 120);
      expect((await a.post(comment)).status).toBe(200);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    // both receivers ran their first round before stopping: one question went out
    expect(graph.calls('POST', MESSAGES_PATH)).toHaveLength(1);
    expect(graph.calls('POST', MESSAGES_PATH)[0]!.json).toMatchObject({
      interactive: { body: { text: expect.stringContaining('સંપર્ક કરવા બદલ આભાર') } },
    });
    const shown = await json<{ csat: unknown[]; conversation: { status: string } }>(
      'inbox',
      'show',
      `+${ASHA}`,
    );
    expect(shown.csat).toEqual([
      expect.objectContaining({ id, state: 'answered', score: 5, comment: 'ખૂબ સરસ સેવા' }),
    ]);
    // the comment is a customer message like any other: it reopens the conversation
    expect(shown.conversation.status).toBe('open');
    expect((await ok('inbox', 'show', `+${ASHA}`)).stdout).toContain('satisfaction: 5/5 "ખૂબ સરસ સેવા"');
  });
});
