// `wabox reply`: the send machinery against the fake Graph server, the 24-hour window from a real
// temp SQLite store, contact info from the store for quick replies, and the reply recorded.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Prompter } from '../../src/cli/prompt.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { run, tempDir } from '../helpers/cli.js';
import { PHONE_ID, runCloud } from '../helpers/cloud.js';
import { type FakeGraph, SEND_OK, startFakeGraph } from '../helpers/graph-server.js';

const MESSAGES = `/v23.0/${PHONE_ID}/messages`;
const NOW = new Date('2025-06-10T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const ASHA = '919876543210';
const BOB = '447700900123';
const clock = { clock: () => NOW };
let graph: FakeGraph;
let db: string;
let config: string;

beforeEach(async () => {
  graph = await startFakeGraph();
  const dir = tempDir();
  db = join(dir, 'wabox.db');
  config = join(dir, 'config');
  const store = openSqliteStore(db);
  // Asha wrote an hour ago (window open); Bob 30 hours ago (closed)
  await store.recordInbound({
    id: 'wamid.a1',
    waId: ASHA,
    name: 'Asha Rao',
    type: 'text',
    text: 'Price of the cake?',
    timestamp: hoursAgo(1),
  });
  await store.recordInbound({
    id: 'wamid.b1',
    waId: BOB,
    name: 'Bob',
    type: 'text',
    text: 'Hi',
    timestamp: hoursAgo(30),
  });
  await store.close();
});
afterEach(async () => {
  await graph.close();
});

const reply = (...argv: string[]) =>
  runCloud(graph.url, ['reply', ...argv], { db, env: { WABOX_CONFIG_DIR: config }, overrides: clock });

async function stored(waId: string) {
  const store = openSqliteStore(db);
  try {
    return await store.listMessages({ waId, direction: 'out' });
  } finally {
    await store.close();
  }
}

describe('wabox reply', () => {
  it('takes every message type of send: reply buttons quoting the latest message, a location', async () => {
    graph.on('POST', MESSAGES, { ...SEND_OK, times: 2 });
    const buttons = await reply(
      `+${ASHA}`,
      '--body',
      'Which size?',
      '--button',
      '1 kg',
      '--button',
      '2 kg',
      '--quote',
    );
    expect(buttons.code, buttons.stderr).toBe(0);
    const location = await reply(
      `+${ASHA}`,
      '--location',
      '19.0760,72.8777',
      '--location-name',
      "Asha's Bakery",
    );
    expect(location.code, location.stderr).toBe(0);
    const [first, second] = graph.calls('POST', MESSAGES).map((c) => c.json as Record<string, unknown>);
    expect(first).toMatchObject({
      to: '+919876543210',
      type: 'interactive',
      context: { message_id: 'wamid.a1' },
      interactive: { type: 'button', body: { text: 'Which size?' } },
    });
    expect(second).toMatchObject({
      type: 'location',
      location: { latitude: '19.076', longitude: '72.8777', name: "Asha's Bakery" },
    });
    // --force is for someone else's conversation, never the window: outside it only a template goes
    const closed = await reply(`+${BOB}`, '--location', '19.0760,72.8777', '--force');
    expect(closed.code).toBe(4);
    expect(graph.calls('POST', MESSAGES)).toHaveLength(2);
  });

  describe("someone else's conversation", () => {
    async function assign(agent: string) {
      const store = openSqliteStore(db);
      await store.setAssignee(ASHA, agent);
      await store.close();
    }
    const asAsha = (...argv: string[]) =>
      runCloud(graph.url, ['reply', ...argv], {
        db,
        env: { WABOX_CONFIG_DIR: config, WABOX_AGENT: 'asha' },
        overrides: clock,
      });

    it('in a script: refused, nothing sent (exit 1); --force sends; its holder replies freely', async () => {
      await assign('ravi');
      const refused = await asAsha(`+${ASHA}`, '--text', 'Hi');
      expectError(
        refused,
        1,
        `+${ASHA} is assigned to ravi: not sent`,
        'reply anyway with --force, or take it over: wabox assign <contact> <agent>',
      );
      expect(graph.calls('POST', MESSAGES)).toEqual([]);
      graph.on('POST', MESSAGES, { ...SEND_OK, times: 2 });
      expect((await asAsha(`+${ASHA}`, '--text', 'Hi', '--force')).code).toBe(0);
      expect((await asAsha(`+${ASHA}`, '--text', 'Hi', '--as', 'ravi')).code).toBe(0);
      expect(graph.calls('POST', MESSAGES)).toHaveLength(2);
    });

    it('on a terminal: asked, and a no sends nothing (exit 130)', async () => {
      await assign('ravi');
      const asked: string[] = [];
      const answer = (yes: boolean) => ({
        ...clock,
        prompt: async () =>
          ({
            confirm: async ({ message }: { message: string }) => {
              asked.push(message);
              return yes;
            },
          }) as unknown as Prompter,
      });
      const declined = await runCloud(graph.url, ['reply', `+${ASHA}`, '--text', 'Hi', '--as', 'asha'], {
        db,
        env: { WABOX_CONFIG_DIR: config },
        overrides: answer(false),
        tty: true,
        canPrompt: true,
      });
      expect(declined.code).toBe(130);
      expect(graph.calls('POST', MESSAGES)).toEqual([]);
      graph.on('POST', MESSAGES, SEND_OK);
      const accepted = await runCloud(graph.url, ['reply', `+${ASHA}`, '--text', 'Hi', '--as', 'asha'], {
        db,
        env: { WABOX_CONFIG_DIR: config },
        overrides: answer(true),
        tty: true,
        canPrompt: true,
      });
      expect(accepted.code, accepted.stderr).toBe(0);
      expect(asked).toEqual([
        `+${ASHA} is assigned to ravi. Reply anyway?`,
        `+${ASHA} is assigned to ravi. Reply anyway?`,
      ]);
    });
  });

  it('inside the window: sent through the Cloud API and recorded as a person’s reply', async () => {
    graph.on('POST', MESSAGES, SEND_OK);
    const r = await reply('+91 98765 43210', '--text', 'Yes, ₹499 🎂', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ id: 'wamid.FAKE1', waId: ASHA, userId: null, status: 'accepted' });
    expect(graph.calls('POST', MESSAGES).map((c) => c.json)).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '+919876543210',
        type: 'text',
        text: { body: 'Yes, ₹499 🎂', preview_url: false },
      },
    ]);
    const [out] = await stored(ASHA);
    expect(out).toMatchObject({ id: 'wamid.FAKE1', text: 'Yes, ₹499 🎂', status: 'accepted', reason: null });
    // a person answered: the conversation no longer waits
    const inbox = await run(['inbox', '--json'], {
      env: { WABOX_DB: db, WABOX_CONFIG_DIR: config },
      overrides: clock,
    });
    expect(JSON.parse(inbox.stdout).find((c: { waId: string }) => c.waId === ASHA)).toMatchObject({
      unanswered: false,
    });
  });

  it('after the window closed: exit 4, nothing sent, nothing recorded', async () => {
    const r = await reply('+447700900123', '--text', 'Sorry for the wait');
    expectError(r, 4, /24-hour customer-service window with \+447700900123 is closed/, /--template/);
    expect(graph.requests).toHaveLength(0);
    expect(await stored(BOB)).toEqual([]);
  });

  it('after the window closed a template is allowed', async () => {
    graph.on('POST', MESSAGES, SEND_OK);
    const r = await reply(
      '+447700900123',
      '--template',
      'order_update',
      '--lang',
      'en_US',
      '--param',
      'Bob',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(graph.calls('POST', MESSAGES)[0]!.json).toMatchObject({
      to: '+447700900123',
      type: 'template',
      template: { name: 'order_update', language: { code: 'en_US' } },
    });
    expect((await stored(BOB))[0]).toMatchObject({ type: 'template', reason: null });
  });

  it('a contact the store does not know is sent to (WhatsApp judges the window)', async () => {
    graph.on('POST', MESSAGES, SEND_OK);
    const r = await reply('+15550001111', '--text', 'Hello', '--json');
    expect(r.code).toBe(0);
    expect(graph.calls('POST', MESSAGES)[0]!.json).toMatchObject({ to: '+15550001111' });
    expect(await stored('15550001111')).toHaveLength(1);
  });

  it('a quick reply gets {{contact.name}} and {{contact.phone}} from the store; --quote quotes her last message', async () => {
    graph.on('POST', MESSAGES, SEND_OK);
    const add = await run(
      [
        'template',
        'add',
        '--kind',
        'quick-reply',
        '--name',
        'price',
        '--shortcut',
        '/price',
        '--body',
        'Hi {{contact.name}} ({{contact.phone}}), the {{item}} is ₹499.',
      ],
      { env: { WABOX_CONFIG_DIR: config } },
    );
    expect(add.code).toBe(0);
    const r = await reply(
      '+919876543210',
      '--quick-reply',
      '/price',
      '--var',
      'item=cake',
      '--quote',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(graph.calls('POST', MESSAGES)[0]!.json).toMatchObject({
      context: { message_id: 'wamid.a1' },
      text: { body: 'Hi Asha Rao (+919876543210), the cake is ₹499.' },
    });
    expect((await stored(ASHA))[0]).toMatchObject({ replyTo: 'wamid.a1', reason: null });
    // inbox show shows the reply with the message it quotes
    const show = await run(['inbox', 'show', '+919876543210', '--json'], {
      env: { WABOX_DB: db, WABOX_CONFIG_DIR: config },
      overrides: clock,
    });
    expect(JSON.parse(show.stdout).messages[1]).toMatchObject({
      replyTo: 'wamid.a1',
      quoted: { id: 'wamid.a1', text: 'Price of the cake?' },
    });
  });

  it('usage errors: no content, two contents, --quote with --reply-to, --quote with nothing to quote', async () => {
    expect((await reply('+919876543210')).code).toBe(2);
    expect((await reply('+919876543210', '--text', 'a', '--quick-reply', '/x')).code).toBe(2);
    expect((await reply('+919876543210', '--text', 'a', '--quote', '--reply-to', 'wamid.x')).code).toBe(2);
    expect((await reply('+15550001111', '--text', 'a', '--quote')).code).toBe(2);
    expect(graph.requests).toHaveLength(0);
  });

  it('--dry-run prints the body and sends nothing', async () => {
    const r = await reply('+919876543210', '--text', 'Hi', '--quote', '--dry-run');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ to: '+919876543210', context: { message_id: 'wamid.a1' } });
    expect(graph.requests).toHaveLength(0);
  });

  describe('the quick-reply picker (no message flag, on a terminal)', () => {
    /** Answers in order: a search term (the first match is chosen), inputs, confirmations. */
    function scripted(answers: Array<string | boolean>) {
      const asked: string[] = [];
      const shown: string[][] = [];
      const next = (message: string) => {
        asked.push(message);
        if (answers.length === 0) throw new Error(`unexpected prompt: ${message}`);
        return answers.shift()!;
      };
      const prompter: Prompter = {
        input: async (o) => {
          const answer = String(next(o.message));
          expect(o.validate?.(answer) ?? true).toBe(true);
          return answer;
        },
        select: async () => {
          throw new Error('unexpected select');
        },
        confirm: async (o) => next(o.message) as boolean,
        search: async (o) => {
          const term = String(next(o.message));
          const choices = o.source(term);
          shown.push(choices.map((c) => `${c.name} | ${c.description}`));
          if (choices.length === 0) throw new Error(`nothing matches "${term}"`);
          return choices[0]!.value;
        },
      };
      return { prompter, asked, shown };
    }
    const pick = (script: ReturnType<typeof scripted>, ...argv: string[]) =>
      runCloud(graph.url, ['reply', ...argv], {
        db,
        env: { WABOX_CONFIG_DIR: config },
        canPrompt: true,
        overrides: { ...clock, prompt: async () => script.prompter },
      });
    const addReplies = async () => {
      for (const [name, shortcut, body] of [
        ['price', '/price', 'Hi {{contact.name}}, the {{item}} is ₹499.'],
        ['hours', '/hours', 'We open at 9 every day.'],
      ] as const) {
        const add = await run(
          [
            'template',
            'add',
            '--kind',
            'quick-reply',
            '--name',
            name,
            '--shortcut',
            shortcut,
            '--body',
            body,
          ],
          { env: { WABOX_CONFIG_DIR: config } },
        );
        expect(add.code, add.stderr).toBe(0);
      }
    };

    it('searches by shortcut or text, asks for a missing value, previews for the contact, sends', async () => {
      graph.on('POST', MESSAGES, { ...SEND_OK, times: 2 });
      await addReplies();
      const script = scripted(['/pri', 'cake', true]);
      const r = await pick(script, '+919876543210', '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(script.asked).toEqual([
        'Quick reply for Asha Rao (+919876543210) (type to search)',
        '{{item}}',
        'Send this to Asha Rao (+919876543210)?',
      ]);
      // the list shows the shortcut, and the text as it would go to this contact
      expect(script.shown).toEqual([['/price  price | Hi Asha Rao, the {{item}} is ₹499.']]);
      expect(r.stderr).toContain('\nHi Asha Rao, the cake is ₹499.\n');
      expect(JSON.parse(r.stdout)).toEqual({
        id: 'wamid.FAKE1',
        waId: ASHA,
        userId: null,
        status: 'accepted',
      });
      expect(graph.calls('POST', MESSAGES).map((c) => c.json)).toEqual([
        expect.objectContaining({
          to: '+919876543210',
          text: { body: 'Hi Asha Rao, the cake is ₹499.', preview_url: false },
        }),
      ]);
      // words of the text find a reply too; --var answers a value before it is asked
      const byText = scripted(['open every', true]);
      expect((await pick(byText, '+919876543210', '--var', 'item=x')).code).toBe(0);
      expect(byText.shown).toEqual([['/hours  hours | We open at 9 every day.']]);
      expect(graph.calls('POST', MESSAGES)[1]!.json).toMatchObject({
        text: { body: 'We open at 9 every day.' },
      });
    });

    it('declining sends nothing (exit 130); a closed window refuses before the picker; a pipe is exit 2', async () => {
      await addReplies();
      const declined = scripted(['hours', false]);
      const r = await pick(declined, '+919876543210');
      expect(r.code).toBe(130);
      expect(r.stderr).toContain('not sent');
      const closed = scripted([]);
      expectError(await pick(closed, '+447700900123'), 4, /24-hour customer-service window/);
      expect(closed.asked).toEqual([]);
      // no terminal: the picker is not offered, a message flag is needed
      expectError(await reply('+919876543210'), 2, /nothing to send/);
      expect(graph.requests).toHaveLength(0);
      expect(await stored(ASHA)).toEqual([]);
    });

    it('an empty library says how to fill it', async () => {
      expectError(await pick(scripted([]), '+919876543210'), 2, /no quick replies/, /template init --pack/);
    });
  });
});
