// Campaigns end to end, through the built CLI against the fake Graph server that enforces the platform's
// rules (test/helpers/platform-graph.ts), on both stores: the report before anything is sent, the pace
// (no 130429, no 131056), at most once across a SIGKILL, --resend-unknown, the lease, the results from
// the receiver in `campaign status`.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import {
  serializeLikeMeta,
  simulatedStatus,
  simulatedTextMessage,
} from '../../src/cloud/webhook-simulate.js';
import { BIN, ROOT, spawnCli, tempDir } from '../helpers/cli.js';
import { type PlatformGraph, startPlatformGraph } from '../helpers/platform-graph.js';
import { APP_SECRET, postSigned, VERIFY_TOKEN } from '../helpers/receiver.js';
import { killSpawned, serve, stopServed } from '../helpers/spawned-receiver.js';
import { describeStores, type StoreBackend, type TestStore } from '../helpers/stores.js';

const OFFER = {
  name: 'diwali_offer',
  language: 'en',
  category: 'MARKETING',
  parameter_format: 'POSITIONAL',
  components: [{ type: 'BODY', text: 'Hi {{1}}, 20% off in {{2}} this Diwali' }],
};
const WELCOME = {
  name: 'welcome',
  language: 'en',
  category: 'MARKETING',
  parameter_format: 'NAMED',
  components: [
    { type: 'HEADER', format: 'IMAGE' },
    { type: 'BODY', text: 'Welcome {{first_name}}' },
  ],
};

const platforms: PlatformGraph[] = [];
const stores: TestStore[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  killSpawned();
  for (const s of stores.splice(0)) await s.close();
  for (const p of platforms.splice(0)) await p.close();
});

async function platform(options: Parameters<typeof startPlatformGraph>[0] = {}): Promise<PlatformGraph> {
  const p = await startPlatformGraph({ templates: [OFFER, WELCOME], ...options });
  p.graph.serve('GET', '/v23.0/100', () => ({
    json: { id: '100', whatsapp_business_manager_messaging_limit: 'TIER_10K' },
  }));
  platforms.push(p);
  return p;
}

function envFor(p: PlatformGraph, store: TestStore, backend: StoreBackend): Record<string, string> {
  return {
    WABOX_CONFIG_DIR: tempDir('wabox-config-'),
    WABOX_GRAPH_URL: p.url,
    WABOX_TOKEN: 'EAAcampaignTOKEN123',
    WABOX_PHONE_NUMBER_ID: '100',
    WABOX_WABA_ID: '200',
    WABOX_DB: backend.location(store),
    WABOX_APP_SECRET: APP_SECRET,
    WABOX_VERIFY_TOKEN: VERIFY_TOKEN,
  };
}

const phone = (i: number) => `9198${String(20_000_000 + i)}`;

function csv(rows: number, extra: (i: number) => string[] = () => []): string {
  const dir = tempDir('wabox-campaign-');
  const file = join(dir, 'customers.csv');
  const lines = ['phone,name,city'];
  for (let i = 1; i <= rows; i++)
    lines.push([`+${phone(i)}`, `Customer ${i}`, 'Pune', ...extra(i)].join(','));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function openStore(backend: StoreBackend): Promise<TestStore> {
  const s = await backend.open();
  stores.push(s);
  return s;
}

/** `campaign create <name>` of diwali_offer to `to`, its {{1}} and {{2}} from the name and city columns. */
function diwaliCampaign(name: string, to: string, ...more: string[]): string[] {
  return ['campaign', 'create', name, '--template', 'diwali_offer', '--lang', 'en', '--to', to]
    .concat(['--param', 'name', '--param', 'city'])
    .concat(more);
}

/** A campaign of 60 recipients at 20/s, its run started in the background and sending. */
async function startSlowRun(backend: StoreBackend, name: string) {
  const p = await platform({ rate: 20 });
  const store = await openStore(backend);
  const env = envFor(p, store, backend);
  await spawnCli(diwaliCampaign(name, csv(60), '--rate', '20'), { env });
  const run = spawn(process.execPath, [BIN, 'campaign', 'run', name], {
    cwd: ROOT,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(run);
  for (let i = 0; i < 500 && p.accepted.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(p.accepted.length).toBeGreaterThan(0);
  return { p, store, env, run };
}

/** Runs the CLI to its end; the events it printed (NDJSON) and its summary. */
async function runCampaign(env: Record<string, string>, args: string[]) {
  const r = await spawnCli(['campaign', 'run', ...args], { env, timeoutMs: 120_000 });
  const lines = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    ...r,
    events: lines.filter((l) => 'status' in l),
    summary: lines.find((l) => 'summary' in l)?.summary,
  };
}

await describeStores('campaign', (backend) => {
  it('dry run: bad numbers, duplicates, opted-out, wrong parameters and a missing header image, nothing sent', async () => {
    const p = await platform();
    const store = await openStore(backend);
    const env = envFor(p, store, backend);
    // an earlier send refused with 131050: the customer stopped marketing messages
    await store.recordOutbound({
      id: 'local.optout',
      waId: phone(4),
      type: 'template',
      text: null,
      timestamp: new Date(),
      status: 'failed',
      error: { code: 131050, title: 'stopped marketing', details: null },
    });
    const dir = tempDir('wabox-campaign-');
    const file = join(dir, 'list.csv');
    writeFileSync(
      file,
      [
        'phone,name,city,image',
        `+${phone(1)},Asha,Pune,https://example.com/a.jpg`,
        `+${phone(2)},Ravi,,https://example.com/b.jpg`,
        `12345,Bad,Delhi,https://example.com/c.jpg`,
        `+${phone(1)},Asha again,Pune,https://example.com/a.jpg`,
        `+${phone(4)},Opted,Goa,https://example.com/d.jpg`,
        `+${phone(5)},Meera,Goa,`,
      ].join('\n'),
    );
    const r = await spawnCli(diwaliCampaign('diwali', file, '--dry-run', '--json'), { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      rows: 6,
      recipients: 2,
      skipped: 4,
      stored: false,
      category: 'MARKETING',
    });
    expect(report.pricingCategory).toBe('marketing');
    expect(report.messagingLimit).toEqual({ tier: 'TIER_10K', limit: 10_000, source: 'api' });
    expect(report.problems.map((x: { row: number; reason: string }) => [x.row, x.reason])).toEqual([
      [2, '131008'],
      [3, 'bad-number'],
      [4, 'duplicate'],
      [5, 'opted-out'],
    ]);
    expect(report.problems[0].message).toMatch(/column "city"/);

    // a named template: a name it does not have, a row without its header image, one parameter too few
    const named = await spawnCli(
      ['campaign', 'create', 'welcome', '--template', 'welcome', '--lang', 'en', '--to', file]
        .concat(['--named-param', 'first_name=name', '--named-param', 'town=city', '--header-image', 'image'])
        .concat(['--dry-run', '--json']),
      { env },
    );
    expect(named.code).toBe(0);
    const problems = JSON.parse(named.stdout).problems as Array<{
      row: number;
      reason: string;
      message: string;
    }>;
    expect(problems.find((x) => x.row === 1)).toMatchObject({ reason: '132000' });
    expect(problems.find((x) => x.row === 1)!.message).toMatch(
      /\{\{town\}\} \(column "city"\) is not in the template/,
    );
    expect(problems.find((x) => x.row === 6)!.message).toMatch(/header image \(column "image"\) is empty/);
    const count = await spawnCli(
      ['campaign', 'create', 'short', '--template', 'diwali_offer', '--lang', 'en', '--to', file].concat([
        '--param',
        'name',
        '--dry-run',
        '--json',
      ]),
      { env },
    );
    const counted = JSON.parse(count.stdout).problems as Array<{ reason: string; message: string }>;
    expect(counted[0]).toMatchObject({ reason: '132000' });
    expect(counted[0]!.message).toMatch(/the body takes 2 parameters .*1 is given/);

    expect(p.accepted).toEqual([]);
    expect(p.graph.calls('POST', p.messagesPath)).toEqual([]);
    expect(await store.campaigns.list()).toEqual([]);
    // the same report from run --dry-run once stored, and still nothing sent
    const created = await spawnCli(diwaliCampaign('diwali', file, '--json'), { env });
    expect(JSON.parse(created.stdout)).toMatchObject({ recipients: 2, stored: true });
    const dry = await spawnCli(['campaign', 'run', 'diwali', '--dry-run', '--json'], { env });
    expect(JSON.parse(dry.stdout)).toMatchObject({ recipients: 2, skipped: 0, stored: false });
    expect(p.accepted).toEqual([]);
  }, 60_000);

  it('refuses bad input with one line: no recipients flag, an unknown column, a bad rate', async () => {
    const p = await platform();
    const store = await openStore(backend);
    const env = envFor(p, store, backend);
    const file = csv(3);
    const none = await spawnCli(['campaign', 'create', 'x', '--template', 'diwali_offer', '--lang', 'en'], {
      env,
    });
    expect(none).toMatchObject({ code: 2 });
    expect(none.stderr).toMatch(/^error: give the recipients with --to/);
    const column = await spawnCli(
      [
        'campaign',
        'create',
        'x',
        '--template',
        'diwali_offer',
        '--lang',
        'en',
        '--to',
        file,
        '--param',
        'nope',
      ],
      { env },
    );
    expect(column.code).toBe(2);
    expect(column.stderr).toMatch(/^error: column "nope" is not in the input/);
    const rate = await spawnCli(
      [
        'campaign',
        'create',
        'x',
        '--template',
        'diwali_offer',
        '--lang',
        'en',
        '--to',
        file,
        '--rate',
        '5000',
      ],
      { env },
    );
    expect(rate.code).toBe(2);
    expect(rate.stderr).toMatch(/rate must be a whole number .* 1-1000; got 5000/);
    const missing = await spawnCli(['campaign', 'status', 'nope'], { env });
    expect(missing.code).toBe(6);
    expect(await store.campaigns.list()).toEqual([]);
  }, 60_000);

  it('SIGKILL at a random point, then run again: nobody twice, every pending one once; --resend-unknown', async () => {
    const p = await platform({ rate: 100 });
    const store = await openStore(backend);
    const env = envFor(p, store, backend);
    const n = 300;
    const created = await spawnCli(diwaliCampaign('flash', csv(n), '--rate', '100'), { env });
    expect(created.code).toBe(0);
    const killAt = 30 + Math.floor(Math.random() * 200);
    const child = spawn(process.execPath, [BIN, 'campaign', 'run', 'flash'], {
      cwd: ROOT,
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for (let i = 0; i < 600 && p.accepted.length < killAt; i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exited;
    const before = new Set(p.accepted.map((a) => a.to));
    const { id } = (await store.campaigns.get('flash'))!;
    const counts = await store.campaigns.counts(id);
    expect(counts.accepted + counts.pending + counts.sending).toBe(n);
    const pendingAfterKill = (await store.campaigns.recipients(id, 0, n))
      .filter((r) => r.state === 'pending')
      .map((r) => r.waId);

    // two rows claimed by hand stand for sends in doubt that never reached the server
    const claimed = pendingAfterKill.slice(-2);
    const rows = (await store.campaigns.recipients(id, 0, n)).filter((r) => claimed.includes(r.waId));
    for (const r of rows) expect(await store.campaigns.claim(id, r.row)).toBe(true);

    const resumed = await runCampaign(env, ['flash']);
    expect(resumed.stderr).toMatch(/marked unknown, not sent again/);
    const sends = p.accepted.map((a) => a.to);
    expect(new Set(sends).size).toBe(sends.length);
    const after = sends.filter((to) => !before.has(to));
    const expected = pendingAfterKill.filter((w) => !claimed.includes(w));
    expect(after.sort()).toEqual(expected.sort());
    expect(p.refusedWith(130429)).toBe(0);
    const unknown = (await store.campaigns.recipients(id, 0, n)).filter((r) => r.state === 'unknown');
    expect(unknown.map((r) => r.waId)).toEqual(expect.arrayContaining(claimed));

    // a status webhook proves one of the two sent; --resend-unknown sends exactly the other
    const [proven, doubt] = rows;
    await store.ingestWebhook([
      {
        receivedAt: new Date(),
        inbound: [],
        echoes: [],
        raw: [],
        statuses: [
          {
            id: 'wamid.proven',
            status: 'sent',
            timestamp: new Date(),
            waId: proven!.waId,
            payload: { id: 'wamid.proven', biz_opaque_callback_data: `wabox:campaign:${id}:${proven!.row}` },
          },
        ],
      },
    ]);
    const inDoubtBefore = unknown.filter((r) => r.row !== proven!.row).map((r) => r.waId);
    const count = p.accepted.length;
    const resend = await runCampaign(env, ['flash', '--resend-unknown']);
    expect(resend.code).toBe(0);
    expect(
      p.accepted
        .slice(count)
        .map((a) => a.to)
        .sort(),
    ).toEqual(inDoubtBefore.sort());
    expect(inDoubtBefore).toContain(doubt!.waId);
    expect(inDoubtBefore).not.toContain(proven!.waId);
    expect((await store.campaigns.get('flash'))!.state).toBe('done');
  }, 120_000);

  it('a second run of the same campaign exits 1 naming who holds it', async () => {
    const { p, store, env, run: first } = await startSlowRun(backend, 'twice');
    const second = await spawnCli(['campaign', 'run', 'twice'], { env });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(`^error: campaign twice is being sent by another run \\(.+:${first.pid}\\)`),
    );
    // Ctrl-C pauses the first cleanly: exit 130, the rest stays pending
    first.kill('SIGINT');
    const code = await new Promise((resolve) => first.once('exit', resolve));
    expect(code).toBe(130);
    const c = (await store.campaigns.get('twice'))!;
    expect(c.state).toBe('paused');
    const counts = await store.campaigns.counts(c.id);
    expect(counts.sending + counts.unknown).toBe(0);
    expect(counts.accepted).toBe(p.accepted.length);
    expect(new Set(p.accepted.map((a) => a.to)).size).toBe(p.accepted.length);
  }, 60_000);

  it('campaign pause from another terminal pauses the run (exit 130); resume sends the rest once', async () => {
    const { p, store, env, run } = await startSlowRun(backend, 'held');
    const exited = new Promise((resolve) => run.once('exit', resolve));
    const pause = await spawnCli(['campaign', 'pause', 'held'], { env });
    expect(pause.code).toBe(0);
    expect(await exited).toBe(130);
    const c = (await store.campaigns.get('held'))!;
    expect(c.state).toBe('paused');
    const paused = await store.campaigns.counts(c.id);
    expect(paused.sending + paused.unknown).toBe(0);
    expect(paused.accepted).toBe(p.accepted.length);
    expect(paused.pending).toBeGreaterThan(0);

    const resumed = await spawnCli(['campaign', 'resume', 'held', '--json'], { env });
    expect(resumed.code).toBe(0);
    expect(p.accepted.map((a) => a.to).sort()).toEqual(
      Array.from({ length: 60 }, (_, i) => phone(i + 1)).sort(),
    );
    expect((await store.campaigns.get('held'))!.state).toBe('done');
  }, 60_000);

  it('statuses and replies posted to the receiver show in campaign status', async () => {
    const p = await platform({ rate: 50, failFor: { [phone(5)]: 131050 } });
    const store = await openStore(backend);
    const env = envFor(p, store, backend);
    await spawnCli(diwaliCampaign('results', csv(5), '--rate', '50', '--ref', 'diwali26'), { env });
    const ran = await runCampaign(env, ['results', '--json']);
    expect(ran.code).toBe(1);
    // sends overlap, so answers (and events) come in any order
    expect([...ran.events].sort((a, b) => Number(a.row) - Number(b.row)).map((e) => e.status)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'accepted',
      'failed',
    ]);
    expect(ran.events.find((e) => e.row === 5)).toMatchObject({
      status: 'failed',
      to: phone(5),
      code: 131050,
    });
    const receiver = await serve(env);
    const post = async (body: object) =>
      expect(await postSigned(receiver.url, serializeLikeMeta(body), APP_SECRET)).toBe(200);
    const now = new Date();
    const sent = p.accepted;
    for (const [i, status] of (['delivered', 'read', 'sent'] as const).entries()) {
      const body = simulatedStatus({
        wamid: sent[i]!.wamid,
        status,
        recipient: sent[i]!.to,
        now,
        pricing: { category: 'marketing', type: 'regular' },
      }) as { entry: Array<{ changes: Array<{ value: { statuses: Array<Record<string, unknown>> } }> }> };
      body.entry[0]!.changes[0]!.value.statuses[0]!.biz_opaque_callback_data =
        sent[i]!.body.biz_opaque_callback_data;
      await post(body);
    }
    await post(
      simulatedTextMessage({ from: sent[0]!.to, text: 'Interested!', now: new Date(now.getTime() + 1000) })
        .body,
    );
    await stopServed(receiver);
    const status = await spawnCli(['campaign', 'status', 'results', '--json'], { env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      state: 'done',
      recipients: { accepted: 4, failed: 1, pending: 0, unknown: 0 },
      delivery: { sent: 3, delivered: 2, read: 1, failed: 0 },
      failedByCode: { '131050': 1 },
      replied: 1,
      costByCategory: { marketing: 3 },
    });
    // priced with a rate card, as wabox costs --rates
    const rates = join(tempDir(), 'rates.csv');
    writeFileSync(rates, 'country,category,price,currency\nIN,marketing,0.7846,INR\n');
    const priced = await spawnCli(['campaign', 'status', 'results', '--rates', rates, '--json'], { env });
    expect(JSON.parse(priced.stdout).cost.total).toMatchObject({
      billable: 3,
      free: 0,
      cost: { INR: '2.3538' },
    });
    const human = await spawnCli(['campaign', 'status', 'results', '--rates', rates], { env });
    expect(human.stdout).toContain('cost: 2.3538 INR');
    // 131050 set the opt-out: a new campaign leaves the customer out
    const again = await spawnCli(diwaliCampaign('again', csv(5), '--dry-run', '--json'), { env });
    expect(JSON.parse(again.stdout).byReason).toEqual({ 'opted-out': 1 });
    const report = await spawnCli(['campaign', 'report', 'results', '--csv'], { env });
    const lines = report.stdout.trim().split('\n');
    expect(lines[0]).toBe('row,wa_id,state,reason,error_code,wamid,attempts,sent_at,delivery,updated_at');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(new RegExp(`^1,${phone(1)},accepted,,,wamid\\.PLATFORM1,1,[^,]+,delivered,`));
    expect(lines[5]).toMatch(new RegExp(`^5,${phone(5)},failed,.*,131050,,1,,,`));
    const list = await spawnCli(['campaign', 'list', '--json'], { env });
    expect(JSON.parse(list.stdout).map((c: { name: string }) => c.name)).toEqual(['results']);
    // --ref ties the conversations the sends reached to the campaign, as a link --ref does
    const inbox = await spawnCli(['inbox', '--json'], { env });
    const refs = Object.fromEntries(
      (JSON.parse(inbox.stdout) as Array<{ waId: string; campaign: string | null }>).map((c) => [
        c.waId,
        c.campaign,
      ]),
    );
    expect(refs).toEqual({
      [sent[0]!.to]: 'diwali26',
      [sent[1]!.to]: 'diwali26',
      [sent[2]!.to]: 'diwali26',
      [sent[3]!.to]: 'diwali26',
      [phone(5)]: null,
    });
  }, 60_000);
});

await describeStores('campaign pace', (backend) => {
  it('2,000 recipients at --rate 80: no 130429, no 131056, each accepted once, in about 25 s', async () => {
    const p = await platform({ rate: 80 });
    const store = await openStore(backend);
    const env = envFor(p, store, backend);
    const n = 2000;
    const created = await spawnCli(diwaliCampaign('big', csv(n)), { env });
    expect(created.code).toBe(0);
    const ran = await runCampaign(env, ['big']);
    expect(ran.summary).toMatchObject({ outcome: 'done', accepted: n, failed: 0, inDoubt: 0 });
    expect(ran.code).toBe(0);
    expect({ 130429: p.refusedWith(130429), 131056: p.refusedWith(131056) }).toEqual({
      130429: 0,
      131056: 0,
    });
    expect(p.peakPerSecond()).toBeLessThanOrEqual(80);
    const sends = p.accepted.map((a) => a.to);
    expect(sends).toHaveLength(n);
    expect(new Set(sends).size).toBe(n);
    expect(ran.events.filter((e) => e.status === 'accepted')).toHaveLength(n);
    const seconds = (p.accepted.at(-1)!.at - p.accepted[0]!.at) / 1000;
    // loosely: the bench measures it tightly
    expect(seconds).toBeGreaterThan((n / 80) * 0.9);
    expect(seconds).toBeLessThan((n / 80) * 1.25);
  }, 120_000);
});
