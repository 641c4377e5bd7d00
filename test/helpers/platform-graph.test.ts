// The fake Graph server with the platform's rules: each rule is checked to refuse what it should, in
// Meta's error format, and to let through what it should, through wabox's own CloudClient. The server's
// clock is a fake one, so no test depends on timing.
import { afterEach, describe, expect, it } from 'vitest';
import { CloudClient } from '../../src/cloud/client.js';
import { GraphError } from '../../src/cloud/errors.js';
import { templateMessage, textMessage } from '../../src/cloud/messages.js';
import { type PlatformGraph, type PlatformOptions, startPlatformGraph } from './platform-graph.js';

let t = 0;
let platform: PlatformGraph | undefined;
let client: CloudClient | undefined;

async function start(options: PlatformOptions = {}): Promise<{ p: PlatformGraph; c: CloudClient }> {
  t = 1_000_000;
  platform = await startPlatformGraph({ now: () => t, ...options });
  client = new CloudClient({
    token: 'TOKEN',
    phoneNumberId: '100',
    wabaId: '200',
    baseUrl: platform.url,
    retry: { maxAttempts: 1 },
  });
  return { p: platform, c: client };
}

afterEach(async () => {
  await client?.close();
  await platform?.close();
  client = undefined;
  platform = undefined;
});

const text = (to: string) => textMessage({ to }, { body: 'Diwali offer' });

async function refusal(promise: Promise<unknown>): Promise<GraphError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GraphError);
    return err as GraphError;
  }
  throw new Error('the send was accepted');
}

describe('the platform fake: throughput (130429)', () => {
  it("accepts `rate` messages in one second and refuses the next, in Meta's format", async () => {
    const { p, c } = await start({ rate: 3 });
    for (let i = 0; i < 3; i++) {
      t += 100;
      expect((await c.sendMessage(text(`+9198765432${10 + i}`))).id).toBe(`wamid.PLATFORM${i + 1}`);
    }
    t += 100;
    const err = await refusal(c.sendMessage(text('+919876543299')));
    expect(err.graphCode).toBe(130429);
    expect(err.status).toBe(429);
    expect(err.graphDetails).toMatch(/too many messages sent from this phone number/);
    expect(p.refused).toEqual([{ to: '919876543299', code: 130429, at: 1_000_400 }]);
    // the window slides: 1 s after the first send one more fits
    t = 1_000_000 + 100 + 1000;
    await c.sendMessage(text('+919876543299'));
    expect(p.accepted.map((a) => a.to)).toEqual([
      '919876543210',
      '919876543211',
      '919876543212',
      '919876543299',
    ]);
    expect(p.peakPerSecond()).toBe(3);
  });
  it('a refused request does not use up the rate', async () => {
    const { p, c } = await start({ rate: 1 });
    await c.sendMessage(text('+919876543210'));
    for (let i = 0; i < 3; i++) await refusal(c.sendMessage(text('+919876543211')));
    t += 1000;
    await c.sendMessage(text('+919876543211'));
    expect(p.refusedWith(130429)).toBe(3);
    expect(p.accepted).toHaveLength(2);
  });
});

describe('the platform fake: pair rate (131056)', () => {
  it('refuses a second message to one recipient within 6 s, not to others', async () => {
    const { p, c } = await start();
    await c.sendMessage(text('+919876543210'));
    t += 5999;
    const err = await refusal(c.sendMessage(text('919876543210')));
    expect(err.graphCode).toBe(131056);
    await c.sendMessage(text('+919876543211'));
    t += 1;
    await c.sendMessage(text('+919876543210'));
    expect(p.accepted.map((a) => [a.to, a.at])).toEqual([
      ['919876543210', 1_000_000],
      ['919876543211', 1_005_999],
      ['919876543210', 1_006_000],
    ]);
    expect(p.refusedWith(131056)).toBe(1);
  });
  it('counts a BSUID recipient as a recipient too', async () => {
    const { p, c } = await start();
    await c.sendMessage(textMessage({ recipient: 'US.13491208655302741918' }, { body: 'hi' }));
    await refusal(c.sendMessage(textMessage({ recipient: 'US.13491208655302741918' }, { body: 'hi' })));
    expect(p.refused).toMatchObject([{ to: 'US.13491208655302741918', code: 131056 }]);
  });
});

describe('the platform fake: scripted recipients and templates', () => {
  const templates = [
    {
      name: 'diwali_offer',
      language: 'en_US',
      category: 'MARKETING',
      parameter_format: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'Hi {{1}}' }],
    },
    { name: 'old', language: 'en', status: 'PAUSED', components: [] },
  ];
  it('131049 and 131050 for scripted recipients, every time; others are accepted', async () => {
    const { p, c } = await start({ failFor: { '919876543201': 131049, '919876543202': 131050 } });
    expect((await refusal(c.sendMessage(text('+919876543201')))).graphCode).toBe(131049);
    t += 10_000;
    expect((await refusal(c.sendMessage(text('+919876543201')))).graphCode).toBe(131049);
    expect((await refusal(c.sendMessage(text('+919876543202')))).graphCode).toBe(131050);
    await c.sendMessage(text('+919876543203'));
    expect(p.refused.map((r) => r.code)).toEqual([131049, 131049, 131050]);
    expect(p.accepted.map((a) => a.to)).toEqual(['919876543203']);
  });
  it('serves template definitions to CloudClient.listTemplates, filtered', async () => {
    const { c } = await start({ templates });
    const all = await c.listTemplates();
    expect(all.map((d) => [d.name, d.language, d.status])).toEqual([
      ['diwali_offer', 'en_US', 'APPROVED'],
      ['old', 'en', 'PAUSED'],
    ]);
    expect(all[0]).toMatchObject({ category: 'MARKETING', parameterFormat: 'POSITIONAL' });
    expect((await c.listTemplates({ name: 'old' })).map((d) => d.name)).toEqual(['old']);
    expect(await c.listTemplates({ language: 'hi' })).toEqual([]);
  });
  it('serves one template by id, and a Graph error for an unknown id', async () => {
    const { p } = await start({ templates });
    const one = await fetch(`${p.url}/v23.0/9000`);
    expect(await one.json()).toMatchObject({ id: '9000', name: 'diwali_offer' });
    const missing = await fetch(`${p.url}/v23.0/9999`);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 100, type: 'OAuthException' } });
  });
  it('accepts a known approved template; 132001 for an unknown or unapproved one', async () => {
    const { p, c } = await start({ templates });
    const tpl = (name: string, language: string, to: string) =>
      templateMessage({ to }, { name, language, body: [{ type: 'text', text: 'Asha' }] });
    await c.sendMessage(tpl('diwali_offer', 'en_US', '+919876543210'));
    expect((await refusal(c.sendMessage(tpl('diwali_offer', 'hi', '+919876543211')))).graphCode).toBe(132001);
    expect((await refusal(c.sendMessage(tpl('old', 'en', '+919876543212')))).graphCode).toBe(132001);
    expect(p.accepted).toHaveLength(1);
    expect(p.accepted[0]!.body).toMatchObject({ type: 'template', template: { name: 'diwali_offer' } });
  });
  it("checks the parameters against the definition: 132000 for a wrong count, in Meta's format", async () => {
    const { p, c } = await start({ templates });
    const send = (body: Array<{ type: 'text'; text: string }>, to: string) =>
      c.sendMessage(templateMessage({ to }, { name: 'diwali_offer', language: 'en_US', body }));
    const err = await refusal(send([], '+919876543210'));
    expect(err.graphCode).toBe(132000);
    expect(err.graphDetails).toBe('the body takes 1 parameter ({{1}}), 0 are given: {{1}} missing');
    expect(
      (
        await refusal(
          send(
            [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
            '+919876543211',
          ),
        )
      ).graphCode,
    ).toBe(132000);
    expect((await refusal(send([{ type: 'text', text: 'a\nb' }], '+919876543212'))).graphCode).toBe(132018);
    await send([{ type: 'text', text: 'Asha' }], '+919876543213');
    expect(p.accepted.map((a) => a.to)).toEqual(['919876543213']);
  });
  it('reads named parameters, text headers and buttons back from the request', async () => {
    const { p, c } = await start({
      templates: [
        {
          name: 'order_ready',
          language: 'en',
          parameter_format: 'NAMED',
          components: [
            { type: 'HEADER', format: 'TEXT', text: 'Order {{order_id}}' },
            { type: 'BODY', text: 'Hi {{first_name}}' },
            { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://t.example/{{1}}' }] },
          ],
        },
      ],
    });
    const send = (to: string, buttons: Array<{ subType: 'url'; index: number; text: string }>) =>
      c.sendMessage(
        templateMessage(
          { to },
          {
            name: 'order_ready',
            language: 'en',
            header: { type: 'text', text: '42', name: 'order_id' },
            body: [{ type: 'text', text: 'Asha', name: 'first_name' }],
            buttons,
          },
        ),
      );
    await send('+919876543210', [{ subType: 'url', index: 0, text: '42' }]);
    const err = await refusal(send('+919876543211', []));
    expect(err.graphDetails).toMatch(/button 0 "Track" needs its URL suffix/);
    expect(p.accepted).toHaveLength(1);
  });
  it('a body that is not a WhatsApp message is refused with 100', async () => {
    const { p } = await start();
    const res = await fetch(`${p.url}${p.messagesPath}`, { method: 'POST', body: '{"to":"1"}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 100 } });
  });
  it('stays strict: a request to a route it does not serve fails close()', async () => {
    const { p } = await start();
    await fetch(`${p.url}/v23.0/100/media`, { method: 'POST' });
    await expect(p.close()).rejects.toThrow('POST /v23.0/100/media: a request nothing scripted');
    platform = undefined;
  });
  it('a scripted reply on the same route is used before the rules', async () => {
    const { p, c } = await start();
    p.graph.on('POST', p.messagesPath, {
      status: 500,
      json: { error: { message: 'boom', type: 'OAuthException', code: 131000 } },
    });
    expect((await refusal(c.sendMessage(text('+919876543210')))).graphCode).toBe(131000);
    await c.sendMessage(text('+919876543210'));
    expect(p.accepted).toHaveLength(1);
  });
});
