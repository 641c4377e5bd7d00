// `wabox webhook simulate` against a real receiver: signed realistic events, statuses, clear failures.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { run } from '../helpers/cli.js';
import { APP_SECRET, type Receiver, startReceiver } from '../helpers/receiver.js';

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.stop().catch(() => undefined);
});
async function receiver(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
}

/** Runs simulate with the receiver's configuration; the default URL comes from webhook-host/port/path. */
function simulate(r: Receiver, argv: string[], env: Record<string, string | undefined> = {}) {
  const { port } = new URL(r.url);
  return run(['webhook', 'simulate', ...argv], {
    env: { ...r.env, WABOX_WEBHOOK_PORT: port, WABOX_DB: r.env.WABOX_DB, ...env },
  });
}

describe('wabox webhook simulate', () => {
  it('posts a signed text message to the configured receiver and prints its wamid', async () => {
    const r = await receiver();
    const result = await simulate(r, [
      '--text',
      'Hi! Is the cake ready? 🎂',
      '--from',
      '+91 98765 43210',
      '--name',
      'Asha',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const wamid = result.stdout.trim();
    expect(wamid).toMatch(/^wamid\./);
    expect(r.rows('SELECT wamid, wa_id, text, phone_number_id FROM messages')).toEqual([
      {
        wamid,
        wa_id: '919876543210',
        text: 'Hi! Is the cake ready? 🎂',
        phone_number_id: r.env.WABOX_PHONE_NUMBER_ID,
      },
    ]);
    expect(r.rows('SELECT name FROM contacts')).toEqual([{ name: 'Asha' }]);
  });

  it('--json, a national number with --country, and a campaign tag', async () => {
    const r = await receiver();
    const result = await simulate(r, [
      '--text',
      'Diwali offer please [ref:diwali-24]',
      '--from',
      '098765 43210',
      '--country',
      'IN',
      '--url',
      r.url,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toEqual({
      kind: 'message',
      type: 'text',
      id: expect.stringMatching(/^wamid\./),
      waId: '919876543210',
      userId: null,
      status: null,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      url: r.url,
      httpStatus: 200,
    });
    expect(r.rows('SELECT campaign FROM conversations')).toEqual([{ campaign: 'diwali-24' }]);
  });

  it('--status: the recipient from the store, or --from; failed carries an error', async () => {
    const r = await receiver();
    const store = openSqliteStore(r.env.WABOX_DB!);
    await store.recordOutbound({
      id: 'wamid.SENT1',
      waId: '447700900123',
      type: 'text',
      text: 'Your order is ready',
      timestamp: new Date(),
      status: 'accepted',
    });
    await store.close();
    expect((await simulate(r, ['--status', 'wamid.SENT1', 'delivered'])).code).toBe(0);
    const failed = await simulate(r, ['--status', 'wamid.SENT1', 'failed', '--json']);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      kind: 'status',
      id: 'wamid.SENT1',
      waId: '447700900123',
      status: 'failed',
    });
    expect(r.rows('SELECT status, recipient_wa_id FROM status_events ORDER BY id')).toEqual([
      { status: 'delivered', recipient_wa_id: '447700900123' },
      { status: 'failed', recipient_wa_id: '447700900123' },
    ]);
    // delivered already: a later failed (multi-device) does not move the message back, but is kept
    expect(r.rows('SELECT status FROM messages')).toEqual([{ status: 'delivered' }]);
    const [event] = r.rows<{ error: string }>("SELECT error FROM status_events WHERE status = 'failed'");
    expect(JSON.parse(event!.error)).toMatchObject({ code: 131049 });
    const unknown = await simulate(r, ['--status', 'wamid.NOPE', 'read']);
    expect(unknown.code).toBe(6);
    expect(unknown.stderr).toContain('--from');
    expect((await simulate(r, ['--status', 'wamid.NOPE', 'read', '--from', '+447700900123'])).code).toBe(0);
    const bad = await simulate(r, ['--status', 'wamid.SENT1', 'seen']);
    expect(bad.code).toBe(2);
  });

  it('exits 1 with the reason when the receiver refuses (wrong secret) or cannot be reached', async () => {
    const r = await receiver();
    const refused = await simulate(r, ['--text', 'x', '--from', '+919876543210'], {
      WABOX_APP_SECRET: 'not-the-receivers-secret',
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('answered 401');
    expect(refused.stderr).toContain('app secret');
    expect(refused.stderr).not.toContain('not-the-receivers-secret');
    // a port nobody listens on
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const unreachable = await simulate(r, [
      '--text',
      'x',
      '--from',
      '+919876543210',
      '--url',
      `http://127.0.0.1:${port}/webhook`,
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot reach the receiver .*ECONNREFUSED/);
    expect(unreachable.stderr).toContain('wabox webhook serve');
    const wrongPath = await simulate(r, [
      '--text',
      'x',
      '--from',
      '+919876543210',
      '--url',
      r.url.replace('/webhook', '/other'),
    ]);
    expect(wrongPath.code).toBe(1);
    expect(wrongPath.stderr).toContain('answered 404');
    expect(r.rows('SELECT count(*) AS n FROM messages')).toEqual([{ n: 0 }]);
  });

  it('usage and configuration errors', async () => {
    const r = await receiver();
    expect((await simulate(r, ['--from', '+919876543210'])).code).toBe(2);
    expect((await simulate(r, ['--text', 'x'])).code).toBe(2);
    expect((await simulate(r, ['--text', 'x', '--from', '12'])).code).toBe(2);
    const noSecret = await simulate(r, ['--text', 'x', '--from', '+919876543210'], {
      WABOX_APP_SECRET: undefined,
    });
    expect(noSecret.code).toBe(3);
    expect(noSecret.stderr).toContain('--unsigned');
    // a secret is never taken from the command line (it would show in `ps` and the shell history)
    const flagged = await simulate(r, ['--text', 'x', '--from', '+919876543210', '--app-secret', APP_SECRET]);
    expect(flagged.code).toBe(2);
    expect(flagged.stderr).toMatch(/unknown option '--app-secret'/);
    expect(flagged.stderr).not.toContain(APP_SECRET);
  });

  it('--unsigned reaches a receiver run with --insecure-skip-signature', async () => {
    const r = await receiver({
      env: { WABOX_APP_SECRET: undefined },
      flags: { insecureSkipSignature: true },
    });
    const result = await simulate(r, ['--text', 'hello', '--from', '+919876543210', '--unsigned']);
    expect(result.code, result.stderr).toBe(0);
    expect(r.rows('SELECT count(*) AS n FROM messages')).toEqual([{ n: 1 }]);
  });

  it('a button reply, a list reply, an image with a caption, a location and a reaction', async () => {
    const r = await receiver();
    const store = openSqliteStore(r.env.WABOX_DB!);
    await store.recordOutbound({
      id: 'wamid.OURS1',
      waId: '919876543210',
      type: 'text',
      text: 'Which cake?',
      timestamp: new Date(Date.now() - 60_000),
      status: 'accepted',
    });
    await store.close();
    const from = ['--from', '+919876543210', '--json'];
    const ok = async (argv: string[]) => {
      const result = await simulate(r, [...argv, ...from]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as { id: string; type: string };
    };
    const button = await ok(['--button', 'Confirm order', '--reply-to', 'wamid.OURS1']);
    expect(button.type).toBe('button');
    const list = await ok(['--list', 'Chocolate cake', '--description', '1 kg', '--reply-id', 'row-7']);
    const image = await ok(['--image', '--caption', 'This one please']);
    const location = await ok([
      '--location',
      '18.5204,73.8567',
      '--place-name',
      "Asha's Kitchen",
      '--address',
      'MG Road, Pune',
    ]);
    const reaction = await ok(['--reaction', '👍']);
    const rows = r.rows<{
      wamid: string;
      type: string;
      text: string;
      payload: string;
      reply_to: string | null;
    }>("SELECT wamid, type, text, payload, reply_to FROM messages WHERE direction = 'in' ORDER BY seq");
    expect(rows.map((m) => [m.wamid, m.type, m.text])).toEqual([
      [button.id, 'interactive', 'Confirm order'],
      [list.id, 'interactive', 'Chocolate cake'],
      [image.id, 'image', 'This one please'],
      [location.id, 'location', "Asha's Kitchen"],
      [reaction.id, 'reaction', '👍'],
    ]);
    const payloads = rows.map((m) => JSON.parse(m.payload));
    expect(payloads[0]).toMatchObject({
      type: 'interactive',
      context: { id: 'wamid.OURS1' },
      interactive: { type: 'button_reply', button_reply: { id: 'confirm-order', title: 'Confirm order' } },
    });
    expect(rows[0]!.reply_to).toBe('wamid.OURS1');
    expect(payloads[1].interactive).toEqual({
      type: 'list_reply',
      list_reply: { id: 'row-7', title: 'Chocolate cake', description: '1 kg' },
    });
    expect(payloads[2].image).toEqual({
      caption: 'This one please',
      mime_type: 'image/jpeg',
      sha256: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
      id: expect.stringMatching(/^\d{16}$/),
    });
    expect(payloads[3].location).toEqual({
      latitude: 18.5204,
      longitude: 73.8567,
      name: "Asha's Kitchen",
      address: 'MG Road, Pune',
    });
    // without --reply-to a reaction is on the latest message we sent
    expect(payloads[4].reaction).toEqual({ message_id: 'wamid.OURS1', emoji: '👍' });
  });

  it('usage errors of the message kinds', async () => {
    const r = await receiver();
    const from = ['--from', '+919876543210'];
    const bad = async (argv: string[], text: string | RegExp) => {
      const result = await simulate(r, [...argv, ...from]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(text);
    };
    await bad(['--text', 'x', '--image'], 'not --text and --image');
    await bad(['--text', 'x', '--caption', 'c'], '--caption goes with --image');
    await bad(['--image', '--reply-id', 'x'], '--reply-id goes with --button or --list');
    await bad(['--location', '91,10'], 'not <latitude>,<longitude>');
    await bad(['--location', 'Pune'], 'not <latitude>,<longitude>');
    // nothing sent to this customer yet: nothing to react to
    await bad(['--reaction', '👍'], '--reply-to <wamid>');
    await bad(['--text', 'x', '--at', 'yesterday'], 'neither a time nor a duration');
    await bad(['--text', 'x', '--at', '2999-01-01'], 'in the future');
    expect(r.rows('SELECT count(*) AS n FROM messages')).toEqual([{ n: 0 }]);
  });

  it('--at back-dates a message: the 24-hour window is closed and a reply is refused', async () => {
    const r = await receiver();
    const now = new Date('2026-06-02T10:00:00Z');
    r.now.value = now;
    const { port } = new URL(r.url);
    const env = { ...r.env, WABOX_WEBHOOK_PORT: port };
    const at = async (when: string) => {
      const result = await run(
        ['webhook', 'simulate', '--text', 'Still open?', '--from', '+919876543210', '--at', when, '--json'],
        { env, overrides: { clock: () => now } },
      );
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as { timestamp: string };
    };
    expect((await at('25h')).timestamp).toBe('2026-06-01T09:00:00.000Z');
    const secondsAgo25h = Date.parse('2026-06-01T09:00:00Z') / 1000;
    expect(r.rows('SELECT timestamp FROM messages')).toEqual([{ timestamp: secondsAgo25h * 1000 }]);
    const reply = await run(['reply', '+919876543210', '--text', 'Yes!'], {
      env,
      overrides: { clock: () => now },
    });
    expect(reply.code, reply.stderr).toBe(4);
    expect(reply.stderr).toMatch(/24-hour/);
    // an ISO time with an offset works too; a message within 24 hours opens the window again
    expect((await at('2026-06-02T15:00+05:30')).timestamp).toBe('2026-06-02T09:30:00.000Z');
    expect(r.rows('SELECT last_inbound_at FROM conversations')).toEqual([
      { last_inbound_at: Date.parse('2026-06-02T09:30:00Z') },
    ]);
  });

  it('customers without phone numbers: a BSUID, both ids, a username, number and id changes', async () => {
    const r = await receiver();
    const BSUID = 'US.13491208655302741918';
    const NEXT = 'US.20571190383746510022';
    const json = async (argv: string[]) => {
      const result = await simulate(r, [...argv, '--json']);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout);
    };
    expect(await json(['--text', 'Menu?', '--from', BSUID, '--username', 'asha.cakes'])).toMatchObject({
      kind: 'message',
      type: 'text',
      waId: BSUID,
      userId: BSUID,
    });
    const [first] = r.rows<{ payload: string }>('SELECT payload FROM messages');
    const sent = JSON.parse(first!.payload);
    expect(sent.from).toBeUndefined();
    expect(sent.from_user_id).toBe(BSUID);
    expect(r.rows('SELECT wa_id, phone, user_id, username FROM contacts')).toEqual([
      { wa_id: BSUID, phone: null, user_id: BSUID, username: 'asha.cakes' },
    ]);
    // both ids: the phone joins the same contact
    expect(await json(['--text', 'Hi', '--from', '+919876543210', '--user-id', BSUID])).toMatchObject({
      waId: '919876543210',
      userId: BSUID,
    });
    expect(r.rows('SELECT wa_id, phone, user_id FROM contacts')).toEqual([
      { wa_id: BSUID, phone: '919876543210', user_id: BSUID },
    ]);
    expect(
      await json(['--changed-number', '+919876500000', '--new-user-id', NEXT, '--from', '+919876543210']),
    ).toMatchObject({ kind: 'message', type: 'user_changed_number' });
    expect(r.rows('SELECT wa_id, phone, user_id FROM contacts')).toEqual([
      { wa_id: BSUID, phone: '919876500000', user_id: NEXT },
    ]);
    const LAST = 'US.99887766554433221100';
    expect(await json(['--changed-user-id', LAST, '--from', NEXT])).toMatchObject({
      type: 'user_changed_user_id',
      waId: NEXT,
    });
    expect(r.rows('SELECT count(*) AS n, max(user_id) AS id FROM contacts')).toEqual([{ n: 1, id: LAST }]);
    expect(r.rows('SELECT count(*) AS n FROM conversations')).toEqual([{ n: 1 }]);
    expect(r.rows("SELECT type FROM messages WHERE type = 'system'")).toHaveLength(2);
  });

  it('--preference stop and resume; statuses with --pricing and --error-code 131050', async () => {
    const r = await receiver();
    const optOut = () =>
      r.rows('SELECT opted_out_at IS NOT NULL AS out, opt_out_source AS source FROM contacts');
    expect((await simulate(r, ['--preference', 'stop', '--from', '+919876543210'])).code).toBe(0);
    expect(optOut()).toEqual([{ out: 1, source: 'user_preferences' }]);
    r.now.value = new Date(r.now.value.getTime() + 2000);
    const resumed = await simulate(r, ['--preference', 'resume', '--from', '+919876543210', '--json']);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      kind: 'preference',
      type: 'resume',
      waId: '919876543210',
    });
    expect(optOut()).toEqual([{ out: 0, source: 'user_preferences' }]);

    const store = openSqliteStore(r.env.WABOX_DB!);
    await store.recordOutbound({
      id: 'wamid.PROMO1',
      waId: '919876543210',
      type: 'template',
      text: null,
      timestamp: new Date(),
      status: 'accepted',
    });
    await store.close();
    expect((await simulate(r, ['--status', 'wamid.PROMO1', 'sent', '--pricing', 'marketing'])).code).toBe(0);
    expect(
      (
        await simulate(r, [
          '--status',
          'wamid.PROMO1',
          'delivered',
          '--pricing',
          'utility:free_customer_service',
        ])
      ).code,
    ).toBe(0);
    expect(r.rows('SELECT pricing_model, pricing_type, pricing_category FROM messages')).toEqual([
      { pricing_model: 'PMP', pricing_type: 'free_customer_service', pricing_category: 'utility' },
    ]);
    r.now.value = new Date(r.now.value.getTime() + 2000);
    expect((await simulate(r, ['--status', 'wamid.PROMO1', 'failed', '--error-code', '131050'])).code).toBe(
      0,
    );
    expect(optOut()).toEqual([{ out: 1, source: 'error:131050' }]);
  });

  it('usage errors of the contact events', async () => {
    const r = await receiver();
    const bad = async (argv: string[], text: string | RegExp) => {
      const result = await simulate(r, argv);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(text);
    };
    const from = ['--from', '+919876543210'];
    await bad(['--preference', 'maybe', ...from], 'stop or resume');
    await bad(['--preference', 'stop'], 'needs --from');
    await bad(['--text', 'x', '--user-id', 'not-a-bsuid', ...from], 'not a business-scoped user id');
    await bad(
      ['--text', 'x', '--from', 'US.1349', '--user-id', 'US.1350'],
      '--user-id goes with a phone --from',
    );
    await bad(['--changed-user-id', 'US.1', '--preference', 'stop', ...from], 'one event at a time');
    await bad(['--text', 'x', '--new-user-id', 'US.1', ...from], '--new-user-id goes with --changed-number');
    await bad(['--changed-number', 'US.1', ...from], 'takes a phone number');
    await bad(['--text', 'x', '--pricing', 'marketing', ...from], '--pricing goes with --status');
    await bad(['--status', 'wamid.X', 'sent', '--pricing', 'gold', ...from], 'not <category>');
    await bad(['--status', 'wamid.X', 'sent', '--pricing', 'marketing:cheap', ...from], 'not <category>');
    await bad(['--status', 'wamid.X', 'failed', '--pricing', 'marketing', ...from], 'carries none');
    await bad(
      ['--status', 'wamid.X', 'sent', '--error-code', '131050', ...from],
      'goes with a failed status',
    );
    await bad(
      ['--status', 'wamid.X', 'failed', '--error-code', '1', ...from],
      'simulate knows 131049 and 131050',
    );
    expect(r.rows('SELECT count(*) AS n FROM contacts')).toEqual([{ n: 0 }]);
  });
});
