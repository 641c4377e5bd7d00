import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseIsoTime, parseSince } from '../../src/core/time.js';

describe('parseIsoTime', () => {
  it('reads an offset or Z exactly', () => {
    expect(parseIsoTime('2025-06-01T09:30+05:30')?.toISOString()).toBe('2025-06-01T04:00:00.000Z');
    expect(parseIsoTime('2025-06-01T09:30:15.250Z')?.toISOString()).toBe('2025-06-01T09:30:15.250Z');
    expect(parseIsoTime('2025-06-01T00:00-0400')?.toISOString()).toBe('2025-06-01T04:00:00.000Z');
  });

  it('reads a date or a time without an offset as local time', () => {
    expect(parseIsoTime('2025-06-01')?.getTime()).toBe(new Date(2025, 5, 1).getTime());
    expect(parseIsoTime('2025-06-01T14:05')?.getTime()).toBe(new Date(2025, 5, 1, 14, 5).getTime());
  });

  it('takes a space in place of the T, as people type it', () => {
    expect(parseIsoTime('2025-06-01 14:05')?.getTime()).toBe(new Date(2025, 5, 1, 14, 5).getTime());
    expect(parseIsoTime('2025-06-01 09:30:15+05:30')?.toISOString()).toBe('2025-06-01T04:00:15.000Z');
  });

  it.each([
    '2025-06-31',
    '2025-13-01',
    '2025-02-30T10:00Z',
    '2025-06-01T24:00',
    '2025-06-01T10:60',
    '1 June',
    '2025-6-1',
    '2025-06-01  14:05',
    // forms luxon reads but wabox does not document
    '2025-06-01Z',
    '2025-06-01T10',
    '2025-06-01T10:00+24:00',
    '2025-06-01T10:00+05:60',
    '2025-06-01T10:00:00.1234567891Z',
    '20250601',
    '2025-W22',
    '2025-152',
    '2025-06',
  ])('refuses %j', (input) => {
    expect(parseIsoTime(input)).toBeNull();
  });

  it('reads lower-case t and z, a fraction to the nanosecond (cut to milliseconds) and spaces around', () => {
    expect(parseIsoTime('2025-06-01t09:30z')?.toISOString()).toBe('2025-06-01T09:30:00.000Z');
    expect(parseIsoTime('2025-06-01T09:30:15.123456789+00:00')?.toISOString()).toBe(
      '2025-06-01T09:30:15.123Z',
    );
    expect(parseIsoTime(' 2025-06-01T23:59:59-23:59 ')?.toISOString()).toBe('2025-06-02T23:58:59.000Z');
  });

  it('reads a time without an offset in the zone given, the earlier of a repeated hour, a skipped one forward', () => {
    const newYork = IANAZone.create('America/New_York');
    expect(parseIsoTime('2024-03-11T09:00', newYork)?.toISOString()).toBe('2024-03-11T13:00:00.000Z');
    expect(parseIsoTime('2024-03-10T02:30', newYork)?.toISOString()).toBe('2024-03-10T07:30:00.000Z');
    expect(parseIsoTime('2024-11-03T01:30', newYork)?.toISOString()).toBe('2024-11-03T05:30:00.000Z');
    // an offset wins over the zone
    expect(parseIsoTime('2024-03-11T09:00Z', newYork)?.toISOString()).toBe('2024-03-11T09:00:00.000Z');
  });
});

describe('parseSince', () => {
  const now = new Date('2025-06-10T12:00:00.000Z');
  it('a duration counts back from now; a time is taken as it is', () => {
    expect(parseSince('24h', now)?.toISOString()).toBe('2025-06-09T12:00:00.000Z');
    expect(parseSince('7d', now)?.toISOString()).toBe('2025-06-03T12:00:00.000Z');
    expect(parseSince('2025-06-01T00:00Z', now)?.toISOString()).toBe('2025-06-01T00:00:00.000Z');
    expect(parseSince('soon', now)).toBeNull();
  });
});
