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
      id: expect.stringMatching(/^wamid\./),
      waId: '919876543210',
      status: null,
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
});
