import { describe, expect, it } from 'vitest';
import { parseDuration, parseIsoTime, parseSince } from '../../src/core/time.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1d12h', 129_600_000],
    [' 24H ', 86_400_000],
  ])('%s -> %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', '24', 'h', '1.5h', '-1h', '24 h', '1y', 'yesterday'])('refuses %j', (input) => {
    expect(parseDuration(input)).toBeNull();
  });
});

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

  it.each([
    '2025-06-31',
    '2025-13-01',
    '2025-02-30T10:00Z',
    '2025-06-01T24:00',
    '2025-06-01T10:60',
    '1 June',
    '2025-6-1',
  ])('refuses %j', (input) => {
    expect(parseIsoTime(input)).toBeNull();
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
