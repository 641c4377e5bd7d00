import { describe, expect, it } from 'vitest';
import {
  formatMicros,
  type PricedMessage,
  parseRateCard,
  recipientCountry,
  summarizeCosts,
} from '../../src/core/costs.js';

const RATES = `country,category,price,currency
IN,marketing,0.0107,USD
IN,utility,0.0014,USD
BR,marketing,0.0625,USD
*,marketing,0.05,EUR
`;

const DAY1 = Date.parse('2026-11-30T20:00:00Z'); // 2026-12-01 01:30 in Kolkata
const DAY2 = Date.parse('2026-12-02T06:00:00Z');

function msg(over: Partial<PricedMessage>): PricedMessage {
  return {
    category: 'marketing',
    type: 'regular',
    country: 'IN',
    at: DAY1,
    campaign: null,
    reason: 'send',
    ...over,
  };
}

describe('parseRateCard', () => {
  it('prices by country and category, * for any other country', () => {
    const card = parseRateCard(RATES);
    expect(card.rateOf('IN', 'marketing')).toEqual({ micros: 10_700, currency: 'USD' });
    expect(card.rateOf('FR', 'marketing')).toEqual({ micros: 50_000, currency: 'EUR' });
    expect(card.rateOf(null, 'marketing')).toEqual({ micros: 50_000, currency: 'EUR' });
    expect(card.rateOf('FR', 'utility')).toBeUndefined();
  });

  it('takes columns in any order, a BOM, spaces and extra columns', () => {
    const card = parseRateCard('\ufeffcurrency, price ,category,country,market\nusd,1.5,Utility,br,Brazil\n');
    expect(card.rateOf('BR', 'utility')).toEqual({ micros: 1_500_000, currency: 'USD' });
  });

  it.each([
    [
      'phone,category,price,currency\nIN,marketing,1,USD',
      'rates.csv: the header needs the columns country,category,price,currency (missing country)',
    ],
    [
      'country,category,price,currency\nIND,marketing,1,USD',
      'rates.csv, line 2: country "IND" is not a two-letter code or *',
    ],
    ['country,category,price,currency\nIN,promo,1,USD', 'rates.csv, line 2: category "promo" is not one of'],
    [
      'country,category,price,currency\nIN,marketing,1.2345678,USD',
      'rates.csv, line 2: price "1.2345678" is not a decimal like 0.0107',
    ],
    [
      'country,category,price,currency\nIN,marketing,-1,USD',
      'rates.csv, line 2: price "-1" is not a decimal',
    ],
    [
      'country,category,price,currency\nIN,marketing,1,$',
      'rates.csv, line 2: currency "$" is not a three-letter code',
    ],
    [
      'country,category,price,currency\nIN,marketing,1,USD\nin,Marketing,2,USD',
      'rates.csv, line 3: a second price for IN marketing',
    ],
    ['country,category\n"IN,marketing', 'rates.csv: not CSV:'],
  ])('refuses %j', (text, message) => {
    expect(() => parseRateCard(text, 'rates.csv')).toThrow(message);
  });
});

describe('recipientCountry', () => {
  it.each([
    ['919876543210', null, 'IN'],
    ['14155550123', 'US.1349', 'US'],
    ['16135550123', null, 'CA'],
    [null, 'BR.13491208655302741918', 'BR'],
    [null, 'US.ENT.99', 'US'],
    [null, 'nonsense', null],
    ['999', null, null],
    [null, null, null],
  ])('%s / %s → %s', (waId, userId, country) => {
    expect(recipientCountry(waId, userId)).toBe(country);
  });
});

describe('summarizeCosts', () => {
  const messages = [
    msg({}),
    msg({}),
    msg({ category: 'utility' }),
    msg({ category: 'service', type: 'free_customer_service', reason: 'autoreply:away' }),
    msg({ category: 'marketing', type: 'free_entry_point', at: DAY2 }),
    msg({ country: 'BR', at: DAY2, campaign: 'diwali' }),
    msg({ country: 'FR', campaign: 'diwali' }),
    msg({ country: 'JP', category: 'utility' }),
    msg({ type: null, category: 'service' }),
  ];

  it('counts and prices by category (figures worked out by hand)', () => {
    const summary = summarizeCosts(messages, {
      by: 'category',
      zone: 'Asia/Kolkata',
      rates: parseRateCard(RATES),
    });
    expect(summary.rows).toEqual([
      // IN 2×0.0107 + BR 0.0625 = 0.0839 USD; FR 0.05 EUR; one free entry point
      {
        key: 'marketing',
        billable: 4,
        free: 1,
        unknown: 0,
        cost: { EUR: '0.05', USD: '0.0839' },
        unpriced: 0,
      },
      { key: 'service', billable: 0, free: 1, unknown: 1, cost: {}, unpriced: 0 },
      // IN 0.0014; JP has no utility price
      { key: 'utility', billable: 2, free: 0, unknown: 0, cost: { USD: '0.0014' }, unpriced: 1 },
    ]);
    expect(summary.total).toEqual({
      key: 'total',
      billable: 6,
      free: 2,
      unknown: 1,
      cost: { EUR: '0.05', USD: '0.0853' },
      unpriced: 1,
    });
  });

  it('groups by day in the business time zone, by campaign, country and reason', () => {
    const keys = (by: 'day' | 'campaign' | 'country' | 'reason') =>
      summarizeCosts(messages, { by, zone: 'Asia/Kolkata' }).rows.map((r) => [
        r.key,
        r.billable + r.free + r.unknown,
      ]);
    expect(keys('day')).toEqual([
      ['2026-12-01', 7],
      ['2026-12-02', 2],
    ]);
    expect(keys('campaign')).toEqual([
      ['-', 7],
      ['diwali', 2],
    ]);
    expect(keys('country')).toEqual([
      ['BR', 1],
      ['FR', 1],
      ['IN', 6],
      ['JP', 1],
    ]);
    expect(keys('reason')).toEqual([
      ['autoreply:away', 1],
      ['send', 8],
    ]);
  });

  it('without a rate card counts only', () => {
    const summary = summarizeCosts(messages, { by: 'category', zone: 'UTC' });
    expect(summary.total.cost).toEqual({});
    expect(summary.total.unpriced).toBe(0);
  });
});

describe('formatMicros', () => {
  it.each([
    [0, '0.00'],
    [10_700, '0.0107'],
    [2_000_000, '2.00'],
    [1_234_500, '1.2345'],
    [1, '0.000001'],
  ])('%d → %s', (micros, text) => {
    expect(formatMicros(micros)).toBe(text);
  });
});
