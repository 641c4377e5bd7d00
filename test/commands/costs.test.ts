// `wabox costs`: messages written through the store API with the pricing their statuses carried, summed
// by the command; every expected figure is worked out by hand below from the rate card fixture.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { expectError } from '../helpers/assert.js';
import { run, tempDir } from '../helpers/cli.js';

const NOW = new Date('2025-06-10T12:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const RATES = join(import.meta.dirname, '..', 'fixtures', 'rates.csv');
const clock = { clock: () => NOW };
let env: Record<string, string>;

async function sent(
  store: ReturnType<typeof openSqliteStore>,
  id: string,
  waId: string,
  at: Date,
  pricing: { category: string; type: string } | null,
  reason?: string,
) {
  await store.recordOutbound({
    id,
    waId,
    type: 'template',
    text: 't',
    timestamp: at,
    status: 'accepted',
    ...(reason ? { reason } : {}),
  });
  await store.recordStatus({
    id,
    status: 'delivered',
    timestamp: new Date(at.getTime() + 1000),
    pricing: pricing === null ? null : { model: 'PMP', ...pricing },
  });
}

beforeEach(async () => {
  const dir = tempDir();
  env = { WABOX_DB: join(dir, 'wabox.db'), WABOX_CONFIG_DIR: join(dir, 'config') };
  const store = openSqliteStore(env.WABOX_DB!);
  // India: 2 billed marketing, 1 billed utility, 1 free service reply; the US (by BSUID): 1 billed marketing
  await sent(store, 'w1', '919876543210', daysAgo(1), { category: 'marketing', type: 'regular' });
  await sent(store, 'w2', '919876543211', daysAgo(2), { category: 'marketing', type: 'regular' });
  await sent(store, 'w3', '919876543210', daysAgo(3), { category: 'utility', type: 'regular' });
  await sent(
    store,
    'w4',
    '919876543210',
    daysAgo(3),
    { category: 'service', type: 'free_customer_service' },
    'greeting',
  );
  await sent(store, 'w5', 'US.13491208655302741918', daysAgo(4), { category: 'marketing', type: 'regular' });
  // too old for the default 30 days, and one that no status priced
  await sent(store, 'w6', '919876543210', daysAgo(40), { category: 'marketing', type: 'regular' });
  await sent(store, 'w7', '919876543210', daysAgo(1), null);
  await store.close();
});

describe('wabox costs', () => {
  it('--by category --rates: counts and prices worked out by hand', async () => {
    const r = await run(['costs', '--rates', RATES, '--json'], { env, overrides: clock });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.by).toBe('category');
    // marketing: 0.0107 + 0.0107 (IN) + 0.0250 (US, the * row) = 0.0464
    expect(out.rows).toEqual([
      { key: 'marketing', billable: 3, free: 0, unknown: 0, cost: { USD: '0.0464' }, unpriced: 0 },
      { key: 'service', billable: 0, free: 1, unknown: 0, cost: {}, unpriced: 0 },
      { key: 'utility', billable: 1, free: 0, unknown: 0, cost: { USD: '0.0014' }, unpriced: 0 },
    ]);
    // 0.0464 + 0.0014
    expect(out.total).toMatchObject({ billable: 4, free: 1, cost: { USD: '0.0478' } });
  });

  it('--by country and --by reason; --since 60d takes the old one too', async () => {
    const country = JSON.parse(
      (await run(['costs', '--by', 'country', '--json'], { env, overrides: clock })).stdout,
    );
    expect(country.rows.map((r: { key: string; billable: number }) => [r.key, r.billable])).toEqual([
      ['IN', 3],
      ['US', 1],
    ]);
    const reason = JSON.parse(
      (await run(['costs', '--by', 'reason', '--json'], { env, overrides: clock })).stdout,
    );
    expect(reason.rows.map((r: { key: string; free: number }) => [r.key, r.free])).toEqual([
      ['autoreply:greeting', 1],
      ['send', 0],
    ]);
    const all = JSON.parse(
      (await run(['costs', '--since', '60d', '--json'], { env, overrides: clock })).stdout,
    );
    expect(all.total.billable).toBe(5);
  });

  it('a table on stdout', async () => {
    const r = await run(['costs', '--rates', RATES], { env, overrides: clock });
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      'CATEGORY   BILLABLE  FREE  UNKNOWN  COST        UNPRICED',
      'marketing  3         0     0        0.0464 USD  0',
      'service    0         1     0        -           0',
      'utility    1         0     0        0.0014 USD  0',
      'total      4         1     0        0.0478 USD  0',
    ]);
  });

  it('bad input: --by, --since, a missing or bad rate card (exit 2)', async () => {
    expectError(await run(['costs', '--by', 'colour'], { env, overrides: clock }), 2, /--by must be one of/);
    expectError(await run(['costs', '--since', 'soon'], { env, overrides: clock }), 2, /--since/);
    expectError(await run(['costs', '--rates', 'nope.csv'], { env, overrides: clock }), 2, /no such file/);
    const bad = join(tempDir(), 'bad.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, 'country,category,price,currency\nIN,marketing,cheap,USD\n');
    expectError(await run(['costs', '--rates', bad], { env, overrides: clock }), 2, /line 2: price "cheap"/);
  });
});
