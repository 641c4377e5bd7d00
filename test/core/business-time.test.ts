import { describe, expect, it } from 'vitest';
import { addBusinessMs, businessMs } from '../../src/core/business-time.js';
import { type BusinessHours, emptyWeek, openIntervals, parseHoursSpec } from '../../src/core/hours.js';
import { random } from '../helpers/random.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (iso: string) => new Date(iso);
// Europe/London is UTC until 2026-03-29 01:00 UTC; 2026-03-02 is a Monday
const office = (closed: string[] = []): BusinessHours => ({
  timeZone: 'Europe/London',
  week: parseHoursSpec(['mon-fri 09:00-18:00']),
  closed,
});

describe('businessMs and addBusinessMs', () => {
  it('17:55 answered at 09:05 next morning is 10 minutes', () => {
    expect(businessMs(office(), at('2026-03-02T17:55:00Z'), at('2026-03-03T09:05:00Z'))).toBe(10 * MIN);
    expect(addBusinessMs(office(), at('2026-03-02T17:55:00Z'), 10 * MIN)).toEqual(at('2026-03-03T09:05:00Z'));
  });

  it('skips the weekend', () => {
    expect(businessMs(office(), at('2026-03-06T17:00:00Z'), at('2026-03-09T10:00:00Z'))).toBe(2 * HOUR);
    expect(addBusinessMs(office(), at('2026-03-06T17:00:00Z'), 2 * HOUR)).toEqual(at('2026-03-09T10:00:00Z'));
  });

  it('skips a closed date', () => {
    const holiday = office(['2026-03-03']);
    expect(businessMs(holiday, at('2026-03-02T17:55:00Z'), at('2026-03-04T09:05:00Z'))).toBe(10 * MIN);
    expect(addBusinessMs(holiday, at('2026-03-02T17:55:00Z'), 10 * MIN)).toEqual(at('2026-03-04T09:05:00Z'));
  });

  it('counts the real length of a day when clocks go forward', () => {
    // Sunday 2026-03-29 00:00-06:00 in London: 00:00 GMT to 06:00 BST, five real hours
    const night: BusinessHours = {
      timeZone: 'Europe/London',
      week: parseHoursSpec(['sun 00:00-06:00']),
      closed: [],
    };
    expect(businessMs(night, at('2026-03-28T12:00:00Z'), at('2026-03-30T00:00:00Z'))).toBe(5 * HOUR);
    expect(addBusinessMs(night, at('2026-03-28T12:00:00Z'), 4.5 * HOUR)).toEqual(at('2026-03-29T04:30:00Z'));
    expect(addBusinessMs(night, at('2026-03-28T12:00:00Z'), 5 * HOUR)).toEqual(at('2026-03-29T05:00:00Z'));
  });

  it('starts counting at the next opening when it starts in closed time', () => {
    expect(businessMs(office(), at('2026-03-07T12:00:00Z'), at('2026-03-09T09:00:00Z'))).toBe(0);
    expect(addBusinessMs(office(), at('2026-03-07T12:00:00Z'), 15 * MIN)).toEqual(at('2026-03-09T09:15:00Z'));
  });

  it('carries the count across the weeks it looks at', () => {
    // 45 open hours Monday 09:00 to Friday 18:00, the 46th on the next Monday
    expect(addBusinessMs(office(), at('2026-03-02T09:00:00Z'), 46 * HOUR)).toEqual(
      at('2026-03-09T10:00:00Z'),
    );
    expect(businessMs(office(), at('2026-03-02T09:00:00Z'), at('2026-03-09T10:00:00Z'))).toBe(46 * HOUR);
    const always: BusinessHours = {
      timeZone: 'UTC',
      week: parseHoursSpec(['daily 00:00-24:00']),
      closed: [],
    };
    expect(addBusinessMs(always, at('2026-03-02T12:00:00Z'), 200 * HOUR)).toEqual(
      new Date(at('2026-03-02T12:00:00Z').getTime() + 200 * HOUR),
    );
  });

  it('is wall-clock time without hours, and null when the hours never open', () => {
    expect(businessMs(undefined, at('2026-03-02T17:55:00Z'), at('2026-03-03T09:05:00Z'))).toBe(
      15 * HOUR + 10 * MIN,
    );
    expect(businessMs(undefined, at('2026-03-03T09:05:00Z'), at('2026-03-02T17:55:00Z'))).toBe(0);
    expect(addBusinessMs(undefined, at('2026-03-02T17:55:00Z'), 10 * MIN)).toEqual(
      at('2026-03-02T18:05:00Z'),
    );
    const never: BusinessHours = { timeZone: 'UTC', week: emptyWeek(), closed: [] };
    expect(addBusinessMs(never, at('2026-03-02T12:00:00Z'), MIN)).toBeNull();
  });
});

describe('businessMs on one hours object, spans in any order (as a page of the inbox asks)', () => {
  it('equals the sum of the opening intervals over each span', () => {
    const hours = office(['2026-03-02']);
    const naive = (a: number, b: number) =>
      openIntervals(hours, new Date(a), new Date(b)).reduce(
        (sum, iv) => sum + Math.min(iv.end.getTime(), b) - Math.max(iv.start.getTime(), a),
        0,
      );
    const next = random(19);
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 300; i++) {
      const a = base + Math.floor(next() * 200 * 86_400_000);
      const b = a + Math.floor(next() * next() * 120 * 86_400_000);
      expect(businessMs(hours, new Date(a), new Date(b)), `${new Date(a).toISOString()} +${b - a} ms`).toBe(
        naive(a, b),
      );
    }
  });

  it('addBusinessMs lands where that much open time has passed', () => {
    const hours = office(['2026-03-02']);
    const next = random(23);
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 300; i++) {
      const a = base + Math.floor(next() * 200 * 86_400_000);
      const ms = Math.floor(next() * next() * 40 * HOUR) + 1;
      const due = addBusinessMs(hours, new Date(a), ms)!;
      expect(businessMs(hours, new Date(a), due), `${new Date(a).toISOString()} +${ms} ms`).toBe(ms);
      // and not later than needed: the instant is inside (or at the end of) an opening interval
      const open = openIntervals(hours, new Date(due.getTime() - 1), due);
      expect(open.length, due.toISOString()).toBeGreaterThan(0);
    }
  });
});
