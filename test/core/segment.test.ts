// Segment expressions: the parser's trees and errors, and the compiled SQL run against a real in-memory
// SQLite database (and PostgreSQL where one is reachable) with the three tables it reads.
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WaboxError } from '../../src/core/errors.js';
import {
  formatSegment,
  parseSegment,
  positionalSql,
  type SegmentNode,
  segmentSql,
} from '../../src/core/segment.js';
import { describePg, dropTestSchemas, PG_TEST_URL, testSchema } from '../helpers/pg.js';

const DAY = 86_400_000;

function fails(input: string): string {
  try {
    parseSegment(input);
  } catch (err) {
    expect(err).toBeInstanceOf(WaboxError);
    expect((err as WaboxError).kind).toBe('invalid-input');
    return (err as Error).message;
  }
  throw new Error(`"${input}" was accepted`);
}

describe('parseSegment', () => {
  it('single conditions', () => {
    expect(parseSegment('label:vip')).toEqual({ kind: 'label', label: 'vip' });
    expect(parseSegment('campaign:diwali')).toEqual({ kind: 'campaign', campaign: 'diwali' });
    expect(parseSegment('last-inbound<30d')).toEqual({ kind: 'last-inbound', op: '<', ms: 30 * DAY });
    expect(parseSegment('last-inbound>12h')).toEqual({ kind: 'last-inbound', op: '>', ms: 12 * 3_600_000 });
  });
  it('labels are normalised as stored; quoted labels may hold spaces', () => {
    expect(parseSegment('label:VIP')).toEqual({ kind: 'label', label: 'vip' });
    expect(parseSegment('label:"Pending  Payment"')).toEqual({ kind: 'label', label: 'pending payment' });
  });
  it('and binds tighter than or; not binds tightest; keywords in any case', () => {
    const a: SegmentNode = { kind: 'label', label: 'a' };
    const b: SegmentNode = { kind: 'label', label: 'b' };
    const c: SegmentNode = { kind: 'label', label: 'c' };
    expect(parseSegment('label:a or label:b and label:c')).toEqual({
      kind: 'or',
      left: a,
      right: { kind: 'and', left: b, right: c },
    });
    expect(parseSegment('(label:a OR label:b) AND NOT label:c')).toEqual({
      kind: 'and',
      left: { kind: 'or', left: a, right: b },
      right: { kind: 'not', node: c },
    });
    expect(parseSegment('not not label:a')).toEqual({ kind: 'not', node: { kind: 'not', node: a } });
  });
  it('and/or chains are left-associative', () => {
    expect(formatSegment(parseSegment('label:a and label:b and label:c'))).toBe(
      'label:a and label:b and label:c',
    );
    expect(parseSegment('label:a and label:b and label:c')).toMatchObject({
      kind: 'and',
      left: { kind: 'and' },
    });
  });
  it('formatSegment writes a canonical form that parses back to the same tree', () => {
    for (const s of [
      'label:vip and not label:lost',
      '(label:a or campaign:x) and last-inbound<30d',
      'not (label:a and label:b)',
      'label:"pending payment" or last-inbound>90s',
    ]) {
      const tree = parseSegment(s);
      expect(parseSegment(formatSegment(tree))).toEqual(tree);
    }
    expect(formatSegment(parseSegment('(label:a or label:b) and label:c'))).toBe(
      '(label:a or label:b) and label:c',
    );
  });
  it('errors point at the position', () => {
    expect(fails('label:')).toBe('bad segment at position 7: label: needs a value');
    expect(fails('last-inbound<abc')).toBe(
      'bad segment at position 14: "abc" is not a duration (e.g. 12h, 30d, 2w)',
    );
    expect(fails('last-inbound<')).toMatch(/position 14: last-inbound needs a duration/);
    expect(fails('last-inbound<0d')).toMatch(/position 14: "0d" is not a duration/);
    expect(fails('last-inbound:30d')).toMatch(/position 13: last-inbound takes < or >/);
    expect(fails('label<vip')).toMatch(/position 6: label takes ":"/);
    expect(fails('tag:vip')).toBe(
      'bad segment at position 1: unknown field "tag" (known: label, campaign, last-inbound)',
    );
    expect(fails('label:vip and name:x')).toMatch(/position 15: unknown field "name"/);
    expect(fails('(label:a or label:b')).toBe('bad segment at position 20: "(" at position 1 is not closed');
    expect(fails('label:a)')).toBe('bad segment at position 8: ")" has no matching "("');
    expect(fails('label:a label:b')).toMatch(/position 9: expected "and", "or" or the end, found "label:b"/);
    expect(fails('label:a and')).toMatch(/position 12: the expression ends/);
    expect(fails('and label:a')).toMatch(/position 1: expected a condition/);
    expect(fails('')).toMatch(/position 1: the segment is empty/);
    expect(fails('   ')).toMatch(/the segment is empty/);
    expect(fails('vip')).toMatch(/position 1: "vip" is not a condition/);
    expect(fails('label:"vip')).toMatch(/position 7: a quote is not closed/);
    expect(fails('label:\u0007x')).toMatch(/position 7: .* is not a valid label/);
    expect(fails('()')).toMatch(/position 2: expected a condition/);
  });
  it('the error carries a hint and the position for --json', () => {
    try {
      parseSegment('label:');
    } catch (err) {
      expect((err as WaboxError).code).toBe('segment.invalid');
      expect((err as WaboxError).hint).toMatch(/label:<name>/);
      expect((err as WaboxError).details).toEqual({ segment: 'label:', position: 7 });
    }
  });
});

// -------------------------------------------------------------------------------------------------

const NOW = 1_800_000_000_000;
const SCHEMA = [
  'CREATE TABLE contacts (wa_id TEXT PRIMARY KEY, opted_out_at BIGINT)',
  'CREATE TABLE contact_labels (wa_id TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (wa_id, label))',
  'CREATE TABLE conversations (id INTEGER PRIMARY KEY, wa_id TEXT NOT NULL UNIQUE, campaign TEXT, last_inbound_at BIGINT)',
];
/** wa_id, labels, campaign, days since the last inbound message (null: never wrote). */
const PEOPLE: Array<[string, string[], string | null, number | null]> = [
  ['911', ['vip'], 'diwali', 2],
  ['912', ['vip', 'lost'], null, 40],
  ['913', [], 'diwali', null],
  ['914', ['new customer'], 'holi', 29],
  ['915', [], null, null],
];
const cases: Array<[string, string[]]> = [
  ['label:vip', ['911', '912']],
  ['label:VIP and not label:lost', ['911']],
  ['campaign:diwali', ['911', '913']],
  ['last-inbound<30d', ['911', '914']],
  ['last-inbound>30d', ['912', '913', '915']],
  ['label:vip or campaign:diwali and last-inbound<30d', ['911', '912']],
  ['(label:vip or campaign:diwali) and last-inbound>30d', ['912', '913']],
  ['label:"New Customer" or campaign:holi', ['914']],
  ['not (label:vip or campaign:diwali)', ['914', '915']],
  [`campaign:"x' OR 1=1 --"`, []],
];

function query(where: string): string {
  return `SELECT c.wa_id FROM contacts c WHERE ${where} ORDER BY c.wa_id`;
}

describe('segmentSql on SQLite', () => {
  const db = new Database(':memory:');
  beforeAll(() => {
    for (const s of SCHEMA) db.exec(s);
    for (const [waId, labels, campaign, days] of PEOPLE) {
      db.prepare('INSERT INTO contacts (wa_id) VALUES (?)').run(waId);
      for (const l of labels) db.prepare('INSERT INTO contact_labels VALUES (?, ?)').run(waId, l);
      if (campaign !== null || days !== null)
        db.prepare('INSERT INTO conversations (wa_id, campaign, last_inbound_at) VALUES (?, ?, ?)').run(
          waId,
          campaign,
          days === null ? null : NOW - days * DAY,
        );
    }
  });
  afterAll(() => db.close());
  it.each(cases)('%s', (segment, expected) => {
    const { where, params } = segmentSql(parseSegment(segment), NOW);
    const rows = db.prepare(query(where)).all(params) as Array<{ wa_id: string }>;
    expect(rows.map((r) => r.wa_id)).toEqual(expected);
  });
  it('parameters are numbered in order and values never enter the SQL', () => {
    const { where, params } = segmentSql(parseSegment("label:a and campaign:b' or last-inbound<1d"), NOW);
    expect(params).toEqual({ p1: 'a', p2: "b'", p3: NOW - DAY });
    expect(where).not.toContain("b'");
    expect(where).toContain('@p1');
    expect(where).toContain('@p3');
  });
  it('another alias', () => {
    const { where } = segmentSql(parseSegment('label:a'), NOW, 'k');
    expect(where).toContain('k.wa_id');
    expect(() => segmentSql(parseSegment('label:a'), NOW, 'k; DROP')).toThrow(/bad alias/);
  });
});

describe('positionalSql', () => {
  it('turns @pN into $N in order of appearance', () => {
    expect(positionalSql('a = @p2 AND b = @p1 AND c = @p10', { p1: 'x', p2: 2, p10: 'z' })).toEqual({
      text: 'a = $1 AND b = $2 AND c = $3',
      values: [2, 'x', 'z'],
    });
    expect(() => positionalSql('a = @p1', {})).toThrow(/no value for @p1/);
  });
});

await describePg('segmentSql on PostgreSQL', () => {
  const schema = testSchema();
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    for (const s of SCHEMA) await client.query(s);
    for (const [waId, labels, campaign, days] of PEOPLE) {
      await client.query('INSERT INTO contacts (wa_id) VALUES ($1)', [waId]);
      for (const l of labels) await client.query('INSERT INTO contact_labels VALUES ($1, $2)', [waId, l]);
      if (campaign !== null || days !== null)
        await client.query(
          'INSERT INTO conversations (id, wa_id, campaign, last_inbound_at) VALUES ($1, $2, $3, $4)',
          [Number(waId), waId, campaign, days === null ? null : NOW - days * DAY],
        );
    }
  });
  afterAll(async () => {
    await client.end();
    await dropTestSchemas();
  });
  it.each(cases)('%s', async (segment, expected) => {
    const { where, params } = segmentSql(parseSegment(segment), NOW);
    const { text, values } = positionalSql(query(where), params);
    const { rows } = await client.query(text, values);
    expect(rows.map((r: { wa_id: string }) => r.wa_id)).toEqual(expected);
  });
});
