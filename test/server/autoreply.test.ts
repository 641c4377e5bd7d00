// Automatic replies while serving: greeting, away by business hours (injected clock), keywords, hand-off,
// exactly once across redeliveries and restarts. A real receiver, a real SQLite file, the fake Graph API.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeLikeMeta, simulatedTextMessage } from '../../src/cloud/webhook-simulate.js';
import { SETTINGS_KEY } from '../../src/core/autoreply.js';
import { DEFAULT_STOP_KEYWORDS } from '../../src/core/contact-id.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { run } from '../helpers/cli.js';
import { type FakeGraph, graphError, startFakeGraph } from '../helpers/graph-server.js';
import { MESSAGES_PATH, type Receiver, sendReplies, startReceiver } from '../helpers/receiver.js';

const ASHA = '919876543210';
const RAVI = '919800000002';
// Friday 20 November 2026 in Asia/Kolkata (+05:30); open mon-fri 09:00-18:00
const FRI_10 = new Date('2026-11-20T04:30:00Z');
const FRI_22 = new Date('2026-11-20T16:30:00Z');
const SAT_22 = new Date('2026-11-21T16:30:00Z');
const MON_20 = new Date('2026-11-23T14:30:00Z');
const TUE_10 = new Date('2026-11-24T04:30:00Z');
const minutes = (d: Date, n: number) => new Date(d.getTime() + n * 60_000);

const TEMPLATES = [
  {
    name: 'welcome',
    kind: 'greeting',
    language: 'en',
    body: "Hello {{contact.name}}, welcome to {{business.name|Asha's Bakery}}!",
  },
  { name: 'swagat', kind: 'greeting', language: 'gu', body: 'નમસ્તે {{contact.name}}!' },
  { name: 'closed', kind: 'away', language: 'en', body: 'We are closed now. We open {{next_open}}.' },
  { name: 'price', kind: 'quick-reply', shortcut: '/price', language: 'en', body: 'A cake is Rs 499.' },
  {
    name: 'unsubscribed',
    kind: 'quick-reply',
    shortcut: '/stop',
    language: 'en',
    body: 'You will get no more offers. Reply START to resume.',
  },
  {
    name: 'stock',
    kind: 'quick-reply',
    shortcut: '/stock',
    language: 'en',
    body: '{{contact.name|Hi}}, {{item}}: {{count}} left, {{item}} ships {{when|today}}.',
  },
];

let graph: FakeGraph;
const receivers: Receiver[] = [];
beforeEach(async () => {
  graph = await startFakeGraph();
});
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.stop().catch(() => undefined);
  await graph.close();
});

function writeLibrary(env: Record<string, string>): void {
  const dir = env.WABOX_CONFIG_DIR!;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'templates.json'), JSON.stringify({ version: 1, templates: TEMPLATES }));
  writeFileSync(
    join(dir, 'hours.json'),
    JSON.stringify({
      version: 1,
      timeZone: 'Asia/Kolkata',
      week: {
        mon: ['09:00-18:00'],
        tue: ['09:00-18:00'],
        wed: ['09:00-18:00'],
        thu: ['09:00-18:00'],
        fri: ['09:00-18:00'],
        sat: [],
        sun: [],
      },
      closed: [],
    }),
  );
}

async function receiver(
  settings: Record<string, unknown>,
  options: { now?: Date; dryRun?: boolean; before?: (env: Record<string, string>) => Promise<void> } = {},
): Promise<Receiver> {
  const r = await startReceiver({
    graph,
    now: options.now ?? FRI_10,
    flags: { dryRun: options.dryRun },
    before: async (env) => {
      writeLibrary(env);
      const store = openSqliteStore(env.WABOX_DB!);
      await store.setSetting(SETTINGS_KEY, settings);
      await store.close();
      await options.before?.(env);
    },
  });
  receivers.push(r);
  return r;
}

/** A customer's message at the receiver's current time, posted as Meta would. */
async function message(r: Receiver, text: string, from = ASHA, name = 'Asha') {
  const m = simulatedTextMessage({ from, name, text, now: r.now.value });
  const answer = await r.post(serializeLikeMeta(m.body));
  expect(answer.status).toBe(200);
  await settled(r);
  return m.id;
}

/** Waits until no automatic reply is pending (they are sent after the 200). */
async function settled(r: Receiver): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (r.rows("SELECT 1 FROM auto_replies WHERE state = 'pending'").length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('automatic replies still pending');
}

const sent = () =>
  graph.calls('POST', MESSAGES_PATH).map((c) => {
    const body = c.json as { to: string; text: { body: string } };
    return { to: body.to, text: body.text.body };
  });

describe('greeting', () => {
  it("greets a contact's first message, not the next one, and again after N quiet days", async () => {
    graph.on('POST', MESSAGES_PATH, sendReplies(2));
    const r = await receiver({ greeting: true });
    const first = await message(r, 'Hi, is the cake ready?');
    expect(sent()).toEqual([{ to: `+${ASHA}`, text: "Hello Asha, welcome to Asha's Bakery!" }]);
    expect(r.rows("SELECT reason, text, status FROM messages WHERE direction = 'out'")).toEqual([
      { reason: 'greeting', text: "Hello Asha, welcome to Asha's Bakery!", status: 'accepted' },
    ]);
    expect(r.rows('SELECT inbound_wamid, kind, reason, state, outbound_wamid FROM auto_replies')).toEqual([
      {
        inbound_wamid: first,
        kind: 'greeting',
        reason: 'greeting',
        state: 'sent',
        outbound_wamid: 'wamid.AUTO1',
      },
    ]);
    r.now.value = minutes(FRI_10, 60);
    await message(r, 'hello again');
    r.now.value = minutes(FRI_10, 13 * 24 * 60);
    await message(r, 'two weeks minus a day');
    expect(sent()).toHaveLength(1);
    r.now.value = minutes(FRI_10, 27 * 24 * 60 + 60);
    await message(r, 'after fourteen quiet days');
    expect(sent()).toHaveLength(2);
  });

  it("picks the greeting in the customer's script (Gujarati)", async () => {
    graph.on('POST', MESSAGES_PATH, sendReplies(1));
    const r = await receiver({ greeting: true });
    await message(r, 'કેક તૈયાર છે?', RAVI, 'રવિ');
    expect(sent()).toEqual([{ to: `+${RAVI}`, text: 'નમસ્તે રવિ!' }]);
  });

  it('a customer without a phone number is greeted at their BSUID (`recipient`, no `to`)', async () => {
    graph.on('POST', MESSAGES_PATH, sendReplies(1));
    const r = await receiver({ greeting: true });
    await message(r, 'Hi!', 'US.13491208655302741918');
    const [call] = graph.calls('POST', MESSAGES_PATH);
    expect(call!.json).toMatchObject({ recipient_type: 'individual', recipient: 'US.13491208655302741918' });
    expect(call!.json).not.toHaveProperty('to');
    expect(r.rows("SELECT reason, status FROM messages WHERE direction = 'out'")).toEqual([
      { reason: 'greeting', status: 'accepted' },
    ]);
  });

  it('the same payload delivered three times (and three more at once): stored once, greeted once', async () => {
    graph.on('POST', MESSAGES_PATH, sendReplies(1));
    const r = await receiver({ greeting: true });
    const m = simulatedTextMessage({ from: ASHA, name: 'Asha', text: 'hi', now: r.now.value });
    const raw = serializeLikeMeta(m.body);
    for (let i = 0; i < 3; i++) expect((await r.post(raw)).status).toBe(200);
    expect((await Promise.all([r.post(raw), r.post(raw), r.post(raw)])).map((a) => a.status)).toEqual([
      200, 200, 200,
    ]);
    await settled(r);
    await r.stop();
    receivers.length = 0;
    expect(graph.calls('POST', MESSAGES_PATH)).toHaveLength(1);
    expect(r.rows('SELECT count(*) AS n FROM messages WHERE direction = ?', 'in')).toEqual([{ n: 1 }]);
  });

  it('a message that reaches the receiver more than an hour late gets no automatic reply', async () => {
    const r = await receiver({ greeting: true });
    const old = simulatedTextMessage({ from: ASHA, text: 'sent yesterday', now: minutes(FRI_10, -24 * 60) });
    expect((await r.post(old.body)).status).toBe(200);
    await settled(r);
    expect(sent()).toEqual([]);
    expect(r.rows('SELECT count(*) AS n FROM auto_replies')).toEqual([{ n: 0 }]);
  });
});

describe('away by business hours', () => {
  it('outside hours: greeting first, then away with {{next_open}}; once per closed period', async () => {
    graph.on('POST', MESSAGES_PATH, sendReplies(3));
    const r = await receiver({ greeting: true, away: true }, { now: FRI_22 });
    await message(r, 'Are you open?');
    const [greeting, away] = sent();
    expect(greeting!.text).toBe("Hello Asha, welcome to Asha's Bakery!");
    expect(away!.text).toMatch(/^We are closed now\. We open Monday.*23.*9:00/);
    // Saturday night is the same closed period (it ends Monday 09:00): no second away message
    r.now.value = SAT_22;
    await message(r, 'anyone there?');
    expect(sent()).toHaveLength(2);
    // open on Tuesday morning: nothing
    r.now.value = TUE_10;
    await message(r, 'good morning');
    expect(sent()).toHaveLength(2);
    // a new closed period (Monday evening would be before Tuesday; use Tuesday evening)
    r.now.value = minutes(TUE_10, 10 * 60);
    await message(r, 'evening question');
    expect(sent().map((s) => s.text)).toHaveLength(3);
    expect(sent()[2]!.text).toMatch(/Wednesday/);
    expect(r.rows("SELECT kind, rule FROM auto_replies WHERE kind = 'away' ORDER BY id")).toEqual([
      { kind: 'away', rule: '2026-11-23T09:00:00+05:30' },
      { kind: 'away', rule: '2026-11-25T09:00:00+05:30' },
    ]);
  });

  it('no away message right after an agent replied; again once the grace time has passed', async () => {
    graph.on('POST', MESSAGES_PATH, sendReplies(1));
    const r = await receiver({ away: true, agentGraceMinutes: 10 }, { now: MON_20 });
    const store = openSqliteStore(r.env.WABOX_DB!);
    await store.recordOutbound({
      id: 'wamid.AGENT',
      waId: ASHA,
      type: 'text',
      text: 'I will check and come back',
      timestamp: minutes(MON_20, -3),
      status: 'accepted',
    });
    await store.close();
    await message(r, 'thanks!');
    expect(sent()).toEqual([]);
    r.now.value = minutes(MON_20, 20);
    await message(r, 'any news?');
    expect(sent()).toHaveLength(1);
    expect(sent()[0]!.text).toMatch(/Tuesday/);
  });

  it('open hours: no away message', async () => {
    const r = await receiver({ away: true }, { now: FRI_10 });
    await message(r, 'hello');
    expect(sent()).toEqual([]);
  });
});

describe('keywords and hand-off', () => {
  it('answers keywords case- and accent-insensitively with the quick reply', async () => {
    graph.on('POST', MESSAGES_PATH, sendReplies(2));
    const r = await receiver({ keywords: [{ phrases: ['price', 'how much'], reply: '/price' }] });
    await message(r, 'HOW MUCH is the chocolate cake?');
    await message(r, 'Prìce for two?');
    await message(r, 'pricey');
    expect(sent().map((s) => s.text)).toEqual(['A cake is Rs 499.', 'A cake is Rs 499.']);
    expect(r.rows("SELECT DISTINCT reason FROM messages WHERE direction = 'out'")).toEqual([
      { reason: 'keyword:/price' },
    ]);
  });

  it('a STOP message opts the customer out and, with a keyword rule for it, gets its confirmation', async () => {
    graph.on('POST', MESSAGES_PATH, sendReplies(1));
    const r = await receiver({ keywords: [{ phrases: ['stop', 'unsubscribe'], reply: '/stop' }] });
    await message(r, 'STOP');
    expect(sent()).toEqual([{ to: `+${ASHA}`, text: 'You will get no more offers. Reply START to resume.' }]);
    expect(r.rows('SELECT opted_out_at IS NOT NULL AS out, opt_out_source FROM contacts')).toEqual([
      { out: 1, opt_out_source: 'keyword' },
    ]);
  });

  it('a hand-off word stops automatic replies for that conversation and marks it', async () => {
    const r = await receiver(
      { greeting: true, away: true, keywords: [{ phrases: ['price'], reply: '/price' }] },
      { now: FRI_22 },
    );
    await message(r, 'I want to talk to a HUMAN');
    expect(sent()).toEqual([]);
    const [conversation] = r.rows<{ handoff_at: number | null }>('SELECT handoff_at FROM conversations');
    expect(conversation!.handoff_at).toBe(FRI_22.getTime());
    r.now.value = minutes(FRI_22, 60 * 24 * 30);
    await message(r, 'price?');
    expect(sent()).toEqual([]);
    expect(r.logs().some((l) => String(l.msg).startsWith('hand-off'))).toBe(true);
  });
});

describe('exactly once, dry runs, failures, restarts', () => {
  it('--dry-run logs what would go out and sends nothing', async () => {
    const r = await receiver({ greeting: true }, { dryRun: true });
    await message(r, 'hi');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent()).toEqual([]);
    expect(r.rows('SELECT state FROM auto_replies')).toEqual([{ state: 'dry-run' }]);
    const logged = r.logs().find((l) => l.msg === 'dry run: automatic reply NOT sent');
    expect(logged).toMatchObject({ reason: 'greeting', text: "Hello Asha, welcome to Asha's Bakery!" });
    expect(r.rows("SELECT count(*) AS n FROM messages WHERE direction = 'out'")).toEqual([{ n: 0 }]);
  });

  it('a refused send is recorded as failed with its error and reason, and not retried', async () => {
    graph.on('POST', MESSAGES_PATH, graphError(131026, { message: 'Message undeliverable' }));
    const r = await receiver({ greeting: true });
    await message(r, 'hi');
    expect(graph.calls('POST', MESSAGES_PATH)).toHaveLength(1);
    const [claim] = r.rows<{ state: string; error: string }>('SELECT state, error FROM auto_replies');
    expect(claim!.state).toBe('failed');
    expect(JSON.parse(claim!.error)).toMatchObject({ code: 131026 });
    const [out] = r.rows<{ status: string; reason: string; error: string }>(
      "SELECT status, reason, error FROM messages WHERE direction = 'out'",
    );
    expect(out).toMatchObject({ status: 'failed', reason: 'greeting' });
    expect(JSON.parse(out!.error).code).toBe(131026);
  });

  it('a send answered with a wamid already stored (a mock): the claim ends sent, the message is kept once, a warning is logged', async () => {
    const same = sendReplies(1)[0]!;
    graph.on('POST', MESSAGES_PATH, [same, same]);
    const r = await receiver({ greeting: true, away: true }, { now: FRI_22 });
    await message(r, 'Are you open?');
    expect(graph.calls('POST', MESSAGES_PATH)).toHaveLength(2);
    expect(r.rows('SELECT kind, state, outbound_wamid FROM auto_replies ORDER BY id')).toEqual([
      { kind: 'greeting', state: 'sent', outbound_wamid: 'wamid.AUTO1' },
      { kind: 'away', state: 'sent', outbound_wamid: 'wamid.AUTO1' },
    ]);
    expect(r.rows("SELECT reason FROM messages WHERE direction = 'out'")).toEqual([{ reason: 'greeting' }]);
    const warnings = r.logs().filter((l) => l.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({
        reason: 'away',
        sent: 'wamid.AUTO1',
        msg: expect.stringMatching(/^the store already holds a message with the wamid the Cloud API gave/),
      }),
    ]);
  });

  it('after a restart: sends claims never taken, gives up old ones, never resends interrupted ones', async () => {
    graph.on('POST', MESSAGES_PATH, sendReplies(1));
    const now = FRI_10;
    const r = await receiver(
      { greeting: true },
      {
        now,
        before: async (env) => {
          const store = openSqliteStore(env.WABOX_DB!);
          const claim = (id: string, from: string, at: Date) =>
            store.ingestWebhook([
              {
                receivedAt: at,
                inbound: [{ id, waId: from, name: 'Old Friend', type: 'text', text: 'hi', timestamp: at }],
                echoes: [],
                statuses: [],
                raw: [],
                decide: () => ({
                  replies: [{ kind: 'greeting', reason: 'greeting', rule: null }],
                  handoff: false,
                  state: 'pending',
                }),
              },
            ]);
          await claim('wamid.FRESH', '911111111111', minutes(now, -2)); // crashed before sending
          await claim('wamid.OLD', '912222222222', minutes(now, -120)); // too late now
          const [taken] = await claim('wamid.TAKEN', '913333333333', minutes(now, -20));
          if (!taken || 'error' in taken) throw new Error('no claim');
          expect(await store.takeAutoReply(taken.claims[0]!.id, minutes(now, -10))).toBe(true);
          await store.close();
        },
      },
    );
    await settled(r);
    expect(sent()).toEqual([{ to: '+911111111111', text: "Hello Old Friend, welcome to Asha's Bakery!" }]);
    expect(r.rows('SELECT inbound_wamid, state FROM auto_replies ORDER BY id')).toEqual([
      { inbound_wamid: 'wamid.FRESH', state: 'sent' },
      { inbound_wamid: 'wamid.OLD', state: 'skipped' },
      { inbound_wamid: 'wamid.TAKEN', state: 'failed' },
    ]);
  });

  it('graceful shutdown waits for automatic replies in flight', async () => {
    graph.on('POST', MESSAGES_PATH, { ...sendReplies(1)[0]!, delayMs: 300 });
    const r = await receiver({ greeting: true });
    const m = simulatedTextMessage({ from: ASHA, name: 'Asha', text: 'hi', now: r.now.value });
    expect((await r.post(m.body)).status).toBe(200);
    await r.stop();
    receivers.length = 0;
    expect(r.rows('SELECT state FROM auto_replies')).toEqual([{ state: 'sent' }]);
  });
});

describe('wabox autoreply commands', () => {
  it('show, set, keyword add/rm/list, validated, shared through the store', async () => {
    const dir = (await import('../helpers/cli.js')).tempDir();
    const env = { WABOX_CONFIG_DIR: join(dir, 'config'), WABOX_DB: join(dir, 'wabox.db') };
    writeLibrary(env);
    const show = async () => JSON.parse((await run(['autoreply', 'show', '--json'], { env })).stdout);
    expect(await show()).toEqual({
      greeting: false,
      away: false,
      greetingAfterDays: 14,
      keywords: [],
      handoff: ['agent', 'human'],
      agentGraceMinutes: 10,
      templates: { greeting: ['welcome', 'swagat'], away: ['closed'] },
      hoursSet: true,
      stopWords: [...DEFAULT_STOP_KEYWORDS],
      csat: {
        on: false,
        after: 'resolve',
        delayMinutes: 10,
        scale: 'buttons',
        templates: [],
        counts: { pending: 0, asked: 0, answered: 0, skipped: 0 },
      },
    });
    for (const argv of [
      ['set', 'greeting', 'on'],
      ['set', 'away', 'on'],
      ['set', 'greeting-after-days', '30'],
      ['set', 'handoff', 'agent,', 'talk to a person'],
      ['keyword', 'add', 'price', 'how much', '--reply', '/price'],
      ['keyword', 'add', 'cost', '--reply', 'price'],
      ['set', 'stop-words', 'Basta,', 'arrêt', 'basta'],
    ]) {
      const r = await run(['autoreply', ...argv], { env });
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
    }
    expect(await show()).toMatchObject({
      greeting: true,
      away: true,
      greetingAfterDays: 30,
      handoff: ['agent', 'talk to a person'],
      keywords: [{ phrases: ['price', 'how much', 'cost'], reply: '/price' }],
      stopWords: ['Basta', 'arrêt'],
    });
    // the receiver reads them from the store: a whole message of one opts out, STOP no longer does
    const store = openSqliteStore(env.WABOX_DB);
    try {
      const text = (id: string, body: string, from: string) =>
        store.ingestWebhook([
          {
            receivedAt: new Date(),
            inbound: [{ id, waId: from, type: 'text', text: body, timestamp: FRI_10 }],
            echoes: [],
            statuses: [],
            raw: [],
          },
        ]);
      await text('wamid.s1', 'ARRÊT', ASHA);
      await text('wamid.s2', 'STOP', RAVI);
      expect((await store.resolveContact(ASHA)).optOut.optedOut).toBe(true);
      expect((await store.resolveContact(RAVI)).optOut.optedOut).toBe(false);
    } finally {
      await store.close();
    }
    expect((await run(['autoreply', 'set', 'stop-words', 'none'], { env })).stderr).toBe(
      "stop words: (none: only WhatsApp's own opt-out stops marketing)\n",
    );
    expect((await show()).stopWords).toEqual([]);
    expect((await run(['autoreply', 'set', 'stop-words', 'default'], { env })).code).toBe(0);
    expect((await show()).stopWords).toContain('UNSUBSCRIBE');
    const bad = async (argv: string[], code: number, message: RegExp) => {
      const r = await run(['autoreply', ...argv], { env });
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(message);
    };
    await bad(['set', 'greeting', 'maybe'], 2, /on or off/);
    await bad(
      ['set', 'greeting-after-days', '0'],
      2,
      /greeting-after-days must be a whole number from 1 to 3650/,
    );
    await bad(['set', 'colour', 'blue'], 2, /unknown automatic reply setting/);
    await bad(['set', 'stop-words', 'STOP,', '!!'], 2, /stop word "!!" has no letters or digits/);
    await bad(['keyword', 'add', 'menu', '--reply', '/nothing'], 6, /no quick reply with shortcut \/nothing/);
    await bad(['keyword', 'add', 'hello', '--reply', 'welcome'], 2, /is a greeting template/);
    await bad(['keyword', 'add', 'Agent', '--reply', '/price'], 2, /hand-off word/);
    // a quick reply with a placeholder nothing fills: refused now, not failed at the customer's message
    await bad(
      ['keyword', 'add', 'stock', '--reply', '/stock'],
      2,
      /"stock" needs \{\{item\}\}, \{\{count\}\}, which an automatic reply cannot fill\n.*--default item=\.\.\. --default count=\.\.\./,
    );
    await bad(['keyword', 'rm', 'nope'], 6, /no keyword rule has "nope"/);
    expect((await run(['autoreply', 'keyword', 'rm', 'COST'], { env })).code).toBe(0);
    const list = JSON.parse((await run(['autoreply', 'keyword', 'list', '--json'], { env })).stdout);
    expect(list).toEqual([{ phrases: ['price', 'how much'], reply: '/price' }]);
    expect((await run(['autoreply', 'keyword', 'rm', '/price'], { env })).code).toBe(0);
    expect((await show()).keywords).toEqual([]);
    const human = (await run(['autoreply', 'show'], { env })).stdout;
    expect(human).toMatch(/^greeting +on/m);
    expect(human).toMatch(/^hand-off words +agent, talk to a person/m);
  });
});
