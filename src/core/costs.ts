// What messages cost under per-message pricing: statuses say how each message is billed
// (`pricing.type`, `pricing.category`); a rate card the user supplies says what a billed one costs.
import { parse } from 'csv-parse/sync';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DateTime } from 'luxon';
import { invalidInput } from './errors.js';

/** `pricing.category` values of status webhooks under per-message pricing. */
export const PRICING_CATEGORIES = [
  'marketing',
  'marketing_lite',
  'utility',
  'authentication',
  'authentication_international',
  'service',
  'referral_conversion',
] as const;

/** Only `regular` is billed; the free types are a service reply or an entry point's free window. */
export const PRICING_TYPES = ['regular', 'free_customer_service', 'free_entry_point'] as const;

/** One sent message whose status carried `pricing`. */
export interface PricedMessage {
  category: string;
  /** `pricing.type`; null on statuses from before per-message pricing (counted as unknown). */
  type: string | null;
  /** ISO 3166-1 alpha-2 of the recipient, or null when neither the phone nor the user id tells. */
  country: string | null;
  /** Epoch milliseconds the message was sent. */
  at: number;
  campaign: string | null;
  /** Why it was sent: `send`, `reply`, `autoreply:<kind>`, … */
  reason: string;
}

export type CostGrouping = 'category' | 'country' | 'day' | 'campaign' | 'reason';
export const COST_GROUPINGS: readonly CostGrouping[] = ['category', 'country', 'day', 'campaign', 'reason'];

/** Prices in millionths of a currency unit, so sums are exact (Meta's rates have 4 decimals). */
const MICROS = 1_000_000;

interface Rate {
  micros: number;
  currency: string;
}

/** A rate card: the price of one billed message by country and category; `*` is any other country. */
export class RateCard {
  private readonly rates = new Map<string, Rate>();

  set(country: string, category: string, rate: Rate): boolean {
    const key = `${country}:${category}`;
    if (this.rates.has(key)) return false;
    this.rates.set(key, rate);
    return true;
  }

  rateOf(country: string | null, category: string): Rate | undefined {
    return (
      (country ? this.rates.get(`${country}:${category}`) : undefined) ?? this.rates.get(`*:${category}`)
    );
  }
}

/**
 * A rate card from CSV with the header `country,category,price,currency` (more columns are ignored):
 * country a two-letter code or `*`, category one of PRICING_CATEGORIES, price a decimal with at most
 * six places, currency three letters. Any bad row refuses the whole card, naming its line.
 */
export function parseRateCard(text: string, source = 'rate card'): RateCard {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (err) {
    throw invalidInput(`${source}: not CSV: ${(err as Error).message}`, { code: 'rates.csv' });
  }
  const header = (records[0] ?? []).map((h) => h.toLowerCase());
  const column = Object.fromEntries(
    ['country', 'category', 'price', 'currency'].map((name) => [name, header.indexOf(name)]),
  );
  const missing = Object.keys(column).filter((name) => column[name] === -1);
  if (missing.length > 0) {
    throw invalidInput(
      `${source}: the header needs the columns country,category,price,currency (missing ${missing.join(', ')})`,
      { code: 'rates.header' },
    );
  }
  const card = new RateCard();
  records.slice(1).forEach((record, index) => {
    const line = index + 2;
    const cell = (name: string) => record[column[name]!] ?? '';
    const country = cell('country').toUpperCase();
    const category = cell('category').toLowerCase();
    const price = cell('price');
    const currency = cell('currency').toUpperCase();
    const bad = (what: string) => invalidInput(`${source}, line ${line}: ${what}`, { code: 'rates.row' });
    if (country !== '*' && !/^[A-Z]{2}$/.test(country))
      throw bad(`country "${country}" is not a two-letter code or *`);
    if (!(PRICING_CATEGORIES as readonly string[]).includes(category)) {
      throw bad(`category "${category}" is not one of ${PRICING_CATEGORIES.join(', ')}`);
    }
    const micros = parseMicros(price);
    if (micros === undefined) throw bad(`price "${price}" is not a decimal like 0.0107`);
    if (!/^[A-Z]{3}$/.test(currency)) throw bad(`currency "${currency}" is not a three-letter code`);
    if (!card.set(country, category, { micros, currency }))
      throw bad(`a second price for ${country} ${category}`);
  });
  return card;
}

function parseMicros(price: string): number | undefined {
  const match = /^(\d{1,9})(?:\.(\d{1,6}))?$/.exec(price);
  if (!match) return undefined;
  return Number(match[1]) * MICROS + Number((match[2] ?? '').padEnd(6, '0'));
}

/** The country of a recipient: the phone's region, else a business-scoped user id's prefix (`US.1349…`). */
export function recipientCountry(waId: string | null, userId: string | null): string | null {
  if (waId) {
    const country = parsePhoneNumberFromString(`+${waId}`)?.country;
    if (country) return country;
  }
  const prefix = userId ? /^([A-Z]{2})\./.exec(userId)?.[1] : undefined;
  return prefix ?? null;
}

/** An outbound message Meta priced, with what `wabox costs` groups by (the store's PricedSendRecord). */
export interface PricedSend {
  /** When it was sent, ISO 8601 (UTC). */
  timestamp: string;
  /** pricing.category: marketing, utility, authentication, service, ... */
  category: string;
  /** pricing.type: regular (billed), free_customer_service, free_entry_point; null when not given. */
  type: string | null;
  /** The recipient's phone digits and BSUID as the store knows them now; null when not known. */
  phone: string | null;
  userId: string | null;
  /** The `wabox link --ref` campaign of the contact's conversation. */
  campaign: string | null;
  /** null for a person's send; greeting | away | keyword:<rule> for an automatic reply. */
  reason: string | null;
}

/** A priced send as the store lists it, for summarizeCosts. */
export function toPricedMessage(m: PricedSend): PricedMessage {
  return {
    category: m.category,
    type: m.type,
    country: recipientCountry(m.phone, m.userId),
    at: Date.parse(m.timestamp),
    campaign: m.campaign,
    reason: m.reason === null ? 'send' : `autoreply:${m.reason}`,
  };
}

export interface CostRow {
  key: string;
  billable: number;
  free: number;
  /** Messages whose status predates per-message pricing (no `pricing.type`). */
  unknown: number;
  /** Cost by currency, as decimal strings; empty without a rate card. */
  cost: Record<string, string>;
  /** Billable messages the rate card has no price for. */
  unpriced: number;
}

export interface CostSummary {
  by: CostGrouping;
  rows: CostRow[];
  total: CostRow;
}

/** Counts billable, free and unknown messages per group, priced with `rates` when given. */
export function summarizeCosts(
  messages: Iterable<PricedMessage>,
  options: { by: CostGrouping; zone: string; rates?: RateCard },
): CostSummary {
  const groups = new Map<string, Tally>();
  const total = new Tally();
  for (const message of messages) {
    const key = groupKey(message, options.by, options.zone);
    const tally = groups.get(key) ?? new Tally();
    groups.set(key, tally);
    tally.add(message, options.rates);
    total.add(message, options.rates);
  }
  const rows = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, tally]) => tally.row(key));
  return { by: options.by, rows, total: total.row('total') };
}

function groupKey(message: PricedMessage, by: CostGrouping, zone: string): string {
  switch (by) {
    case 'category':
      return message.category;
    case 'country':
      return message.country ?? 'unknown';
    case 'day':
      return DateTime.fromMillis(message.at, { zone }).toISODate() ?? 'unknown';
    case 'campaign':
      return message.campaign ?? '-';
    case 'reason':
      return message.reason;
  }
}

class Tally {
  billable = 0;
  free = 0;
  unknown = 0;
  unpriced = 0;
  private readonly micros = new Map<string, number>();

  add(message: PricedMessage, rates: RateCard | undefined): void {
    if (message.type === null) {
      this.unknown++;
      return;
    }
    if (message.type !== 'regular') {
      this.free++;
      return;
    }
    this.billable++;
    if (!rates) return;
    const rate = rates.rateOf(message.country, message.category);
    if (!rate) {
      this.unpriced++;
      return;
    }
    this.micros.set(rate.currency, (this.micros.get(rate.currency) ?? 0) + rate.micros);
  }

  row(key: string): CostRow {
    const cost: Record<string, string> = {};
    for (const [currency, micros] of [...this.micros].sort(([a], [b]) => (a < b ? -1 : 1))) {
      cost[currency] = formatMicros(micros);
    }
    return {
      key,
      billable: this.billable,
      free: this.free,
      unknown: this.unknown,
      cost,
      unpriced: this.unpriced,
    };
  }
}

/** Millionths as a decimal with at least two places: 1234500 → "1.2345", 2000000 → "2.00". */
export function formatMicros(micros: number): string {
  const whole = Math.floor(micros / MICROS);
  const fraction = String(micros % MICROS)
    .padStart(6, '0')
    .replace(/0+$/, '')
    .padEnd(2, '0');
  return `${whole}.${fraction}`;
}
