import { describe, expect, it } from 'vitest';
import {
  type BusinessHours,
  formatWeek,
  hoursFromData,
  hoursStatus,
  nextOpening,
  openIntervals,
  parseHoursSpec,
  parseInstant,
  SPEC_FORM,
  validateDate,
  validateTimeZone,
  weekToData,
} from '../../src/core/hours.js';
import { thrownWaboxError } from '../helpers/assert.js';

function hours(specs: string[], timeZone: string, closed: string[] = []): BusinessHours {
  return { timeZone, week: parseHoursSpec(specs), closed };
}

const at = (iso: string) => new Date(iso);

describe('parseHoursSpec', () => {
  it('reads days, runs, lists, several ranges, past midnight and 24:00', () => {
    const week = parseHoursSpec(['mon-fri 09:00-13:00,14:00-18:00', 'sat', '10:00-14:00', 'fri 20:00-02:00']);
    expect(weekToData(week)).toEqual({
      mon: ['09:00-13:00', '14:00-18:00'],
      tue: ['09:00-13:00', '14:00-18:00'],
      wed: ['09:00-13:00', '14:00-18:00'],
      thu: ['09:00-13:00', '14:00-18:00'],
      fri: ['09:00-13:00', '14:00-18:00', '20:00-02:00'],
      sat: ['10:00-14:00'],
      sun: [],
    });
    expect(weekToData(parseHoursSpec(['Mon,Wed 9:30-24:00 sun closed']))).toEqual({
      mon: ['09:30-24:00'],
      tue: [],
      wed: ['09:30-24:00'],
      thu: [],
      fri: [],
      sat: [],
      sun: [],
    });
    expect(weekToData(parseHoursSpec(['fri-mon 10:00-12:00'])).sun).toEqual(['10:00-12:00']);
    expect(weekToData(parseHoursSpec(['fri-mon 10:00-12:00'])).tue).toEqual([]);
  });

  it('groups days with the same ranges when printing', () => {
    expect(formatWeek(parseHoursSpec(['mon-wed,fri 09:00-18:00 thu 09:00-13:00 sat 10:00-14:00']))).toEqual([
      'mon-wed,fri 09:00-18:00',
      'thu 09:00-13:00',
      'sat 10:00-14:00',
    ]);
    expect(formatWeek(parseHoursSpec(['daily 00:00-24:00']))).toEqual(['daily 00:00-24:00']);
  });

  it.each([
    [
      'mon-fry 09:00-18:00',
      'invalid hours "mon-fry 09:00-18:00": "mon-fry" is not a day or a run of days like mon-fri',
    ],
    ['mon 9-18', 'invalid hours "mon 9-18": "9-18" is not a time range like 09:00-18:00'],
    [
      'mon 25:00-26:00',
      'invalid hours "mon 25:00-26:00": "25:00-26:00" is not a time range like 09:00-18:00',
    ],
    [
      'mon 24:00-02:00',
      'invalid hours "mon 24:00-02:00": "24:00-02:00" is not a time range like 09:00-18:00',
    ],
    [
      '09:00-18:00',
      'invalid hours "09:00-18:00": "09:00-18:00" has no days before it (e.g. mon-fri 09:00-18:00)',
    ],
    ['mon-fri', 'invalid hours "mon-fri": "mon-fri" has no time range after it'],
    [
      'mon 09:00-09:00',
      'invalid hours "mon 09:00-09:00": 09:00-09:00 is empty (a whole day is 00:00-24:00; past midnight ends before it starts, e.g. 20:00-02:00)',
    ],
    [
      'sun closed sun 10:00-12:00',
      'invalid hours "sun closed sun 10:00-12:00": sun is both closed and open 10:00-12:00',
    ],
    ['', 'no business hours given'],
  ])('refuses %j with the accepted form', (spec, message) => {
    const err = thrownWaboxError(() => parseHoursSpec([spec]));
    expect(err.message).toBe(message);
    expect(err.code).toBe('hours.invalid_spec');
    expect(err.hint).toBe(SPEC_FORM);
    expect(err.kind).toBe('invalid-input');
  });

  it.each([
    ['mon 09:00-13:00,12:00-18:00', '"mon 09:00-13:00" overlaps "mon 12:00-18:00"'],
    ['fri 20:00-02:00 sat 01:00-05:00', '"fri 20:00-02:00" overlaps "sat 01:00-05:00"'],
    ['sun 22:00-02:00 mon 01:00-03:00', '"sun 22:00-02:00" overlaps "mon 01:00-03:00"'],
    ['mon-fri 09:00-18:00 wed 17:00-19:00', '"wed 09:00-18:00" overlaps "wed 17:00-19:00"'],
    ['mon-fri 09:00-18:00 mon 09:00-18:00', '"mon 09:00-18:00" overlaps "mon 09:00-18:00"'],
  ])('refuses overlapping ranges: %s', (spec, pair) => {
    const err = thrownWaboxError(() => parseHoursSpec([spec]));
    expect(err.message).toBe(`overlapping business hours: ${pair}`);
    expect(err.code).toBe('hours.overlap');
    expect(err.hint).toContain(SPEC_FORM);
  });

  it('accepts ranges that only touch, and merges them when open', () => {
    const h = hours(['mon 09:00-13:00,13:00-18:00', 'sun 20:00-24:00', 'mon 00:00-02:00'], 'Asia/Kolkata');
    expect(hoursStatus(h, at('2024-03-11T07:29:00Z'))).toEqual({
      open: true,
      closesAt: '2024-03-11T18:00:00+05:30',
      nextOpen: null,
      timeZone: 'Asia/Kolkata',
    });
    // Sunday 21:00 IST: open through midnight into Monday 02:00
    expect(hoursStatus(h, at('2024-03-10T15:30:00Z')).closesAt).toBe('2024-03-11T02:00:00+05:30');
  });
});

describe('zones and dates', () => {
  it('validates IANA zones with the accepted form', () => {
    expect(validateTimeZone('Asia/Kathmandu')).toBe('Asia/Kathmandu');
    expect(validateTimeZone(' Europe/London ')).toBe('Europe/London');
    for (const bad of ['Mars/Olympus_Mons', 'Asia/Kolkatta', '+05:30', '', 'IST5']) {
      const err = thrownWaboxError(() => validateTimeZone(bad));
      expect(err.message).toBe(`unknown time zone "${bad}"`);
      expect(err.hint).toBe(
        'accepted form: an IANA time zone name such as Europe/London, America/New_York, Asia/Kolkata or Asia/Kathmandu',
      );
    }
  });

  it('validates dates', () => {
    expect(validateDate('2024-02-29')).toBe('2024-02-29');
    for (const bad of ['2023-02-29', '2024-13-01', '24-01-01', '2024-1-1', 'tomorrow'])
      expect(thrownWaboxError(() => validateDate(bad)).message).toBe(`invalid date "${bad}"`);
  });

  it('reads --at with an offset as that instant, without one as a wall time in the zone', () => {
    expect(parseInstant('2024-03-11T09:00:00+05:30', 'America/New_York').toISOString()).toBe(
      '2024-03-11T03:30:00.000Z',
    );
    expect(parseInstant('2024-03-11T03:30Z', 'Asia/Kolkata').toISOString()).toBe('2024-03-11T03:30:00.000Z');
    expect(parseInstant('2024-03-11T09:00', 'Asia/Kolkata').toISOString()).toBe('2024-03-11T03:30:00.000Z');
    expect(parseInstant('2024-03-11', 'Asia/Kathmandu').toISOString()).toBe('2024-03-10T18:15:00.000Z');
    // the skipped hour: read with the offset before the jump (02:30 EST = 03:30 EDT)
    expect(parseInstant('2024-03-10T02:30', 'America/New_York').toISOString()).toBe(
      '2024-03-10T07:30:00.000Z',
    );
    // the repeated hour: the first occurrence (01:30 EDT)
    expect(parseInstant('2024-11-03T01:30', 'America/New_York').toISOString()).toBe(
      '2024-11-03T05:30:00.000Z',
    );
    for (const bad of ['now', '2024-03-11  09:00', '2024-02-30T10:00', '2024-03-11T25:00Z'])
      expect(thrownWaboxError(() => parseInstant(bad, 'UTC')).message).toBe(`invalid time "${bad}"`);
  });
});

describe('hoursStatus: 30- and 45-minute offsets', () => {
  const kolkata = hours(['mon-fri 09:00-18:00', 'sat 10:00-14:00'], 'Asia/Kolkata');
  const kathmandu = hours(['sun-fri 10:00-17:00'], 'Asia/Kathmandu');

  it('Asia/Kolkata (+05:30)', () => {
    expect(hoursStatus(kolkata, at('2024-03-11T03:29:59Z'))).toEqual({
      open: false,
      closesAt: null,
      nextOpen: '2024-03-11T09:00:00+05:30',
      timeZone: 'Asia/Kolkata',
    });
    expect(hoursStatus(kolkata, at('2024-03-11T03:30:00Z'))).toEqual({
      open: true,
      closesAt: '2024-03-11T18:00:00+05:30',
      nextOpen: null,
      timeZone: 'Asia/Kolkata',
    });
    // Saturday 14:00 IST exactly: closed until Monday
    expect(hoursStatus(kolkata, at('2024-03-09T08:30:00Z')).nextOpen).toBe('2024-03-11T09:00:00+05:30');
  });

  it('Asia/Kathmandu (+05:45)', () => {
    expect(hoursStatus(kathmandu, at('2024-03-11T04:14:00Z'))).toEqual({
      open: false,
      closesAt: null,
      nextOpen: '2024-03-11T10:00:00+05:45',
      timeZone: 'Asia/Kathmandu',
    });
    expect(hoursStatus(kathmandu, at('2024-03-11T04:15:00Z'))).toEqual({
      open: true,
      closesAt: '2024-03-11T17:00:00+05:45',
      nextOpen: null,
      timeZone: 'Asia/Kathmandu',
    });
    // Friday 17:00 NPT: Saturday closed, Sunday opens
    expect(hoursStatus(kathmandu, at('2024-03-15T11:15:00Z')).nextOpen).toBe('2024-03-17T10:00:00+05:45');
  });
});

describe('hoursStatus: daylight saving', () => {
  it('America/New_York: a range starting in the skipped hour opens as far after the jump (02:30 -> 03:30 EDT)', () => {
    const h = hours(['sun 02:30-04:00'], 'America/New_York');
    // a normal Sunday: 02:30 EST
    expect(hoursStatus(h, at('2024-03-03T06:00:00Z')).nextOpen).toBe('2024-03-03T02:30:00-05:00');
    // spring forward, 2024-03-10: 01:00 EST, closed until 03:30 EDT
    expect(hoursStatus(h, at('2024-03-10T06:00:00Z')).nextOpen).toBe('2024-03-10T03:30:00-04:00');
    expect(hoursStatus(h, at('2024-03-10T07:15:00Z')).open).toBe(false); // 03:15 EDT
    expect(hoursStatus(h, at('2024-03-10T07:45:00Z'))).toEqual({
      open: true,
      closesAt: '2024-03-10T04:00:00-04:00',
      nextOpen: null,
      timeZone: 'America/New_York',
    });
  });

  it('America/New_York: a time in the repeated hour means its first occurrence', () => {
    const early = hours(['sun 00:00-01:30'], 'America/New_York');
    // fall back, 2024-11-03: 01:20 EDT (first pass) is open until 01:30 EDT
    expect(hoursStatus(early, at('2024-11-03T05:20:00Z')).closesAt).toBe('2024-11-03T01:30:00-04:00');
    // 01:20 EST (second pass) is closed: next Sunday
    expect(hoursStatus(early, at('2024-11-03T06:20:00Z'))).toEqual({
      open: false,
      closesAt: null,
      nextOpen: '2024-11-10T00:00:00-05:00',
      timeZone: 'America/New_York',
    });
    const late = hours(['sun 01:30-03:00'], 'America/New_York');
    expect(hoursStatus(late, at('2024-11-03T05:00:00Z')).nextOpen).toBe('2024-11-03T01:30:00-04:00');
    // open through both passes of the repeated hour, closing at 03:00 EST
    expect(hoursStatus(late, at('2024-11-03T06:45:00Z')).closesAt).toBe('2024-11-03T03:00:00-05:00');
    expect(openIntervals(late, at('2024-11-03T00:00:00Z'), at('2024-11-04T00:00:00Z'))).toEqual([
      { start: at('2024-11-03T05:30:00Z'), end: at('2024-11-03T08:00:00Z') },
    ]);
  });

  it('America/New_York: a night past midnight across the fall-back change', () => {
    const h = hours(['sat 20:00-02:00'], 'America/New_York');
    expect(openIntervals(h, at('2024-11-02T00:00:00Z'), at('2024-11-04T00:00:00Z'))).toEqual([
      { start: at('2024-11-03T00:00:00Z'), end: at('2024-11-03T07:00:00Z') }, // 7 real hours
    ]);
    expect(hoursStatus(h, at('2024-11-03T06:30:00Z')).closesAt).toBe('2024-11-03T02:00:00-05:00');
  });

  it('Europe/London: skipped hour (01:30 on 2024-03-31 is 02:30 BST) and offsets across the change', () => {
    const h = hours(['sun 01:30-03:00', 'mon-fri 09:00-17:00'], 'Europe/London');
    expect(hoursStatus(h, at('2024-03-31T00:45:00Z')).nextOpen).toBe('2024-03-31T02:30:00+01:00');
    expect(hoursStatus(h, at('2024-03-31T01:40:00Z')).closesAt).toBe('2024-03-31T03:00:00+01:00');
    // Friday 17:30 GMT: next opening is Monday in BST
    expect(hoursStatus(h, at('2024-03-29T17:30:00Z')).nextOpen).toBe('2024-03-31T02:30:00+01:00');
    expect(hoursStatus(h, at('2024-03-31T02:00:00Z')).nextOpen).toBe('2024-04-01T09:00:00+01:00');
  });

  it('Europe/London: repeated hour (01:00-01:30 on 2024-10-27 is the BST pass only)', () => {
    const h = hours(['sun 01:00-01:30'], 'Europe/London');
    expect(hoursStatus(h, at('2024-10-27T00:15:00Z'))).toEqual({
      open: true,
      closesAt: '2024-10-27T01:30:00+01:00',
      nextOpen: null,
      timeZone: 'Europe/London',
    });
    expect(hoursStatus(h, at('2024-10-27T01:15:00Z')).nextOpen).toBe('2024-11-03T01:00:00+00:00');
  });
});

describe('hoursStatus: closed dates, past midnight, always and never', () => {
  const base = ['mon-fri 09:00-18:00'];

  it('skips a closed date', () => {
    const h = hours(base, 'Asia/Kolkata', ['2024-03-11', '2024-03-12']);
    expect(hoursStatus(h, at('2024-03-09T06:00:00Z')).nextOpen).toBe('2024-03-13T09:00:00+05:30');
    expect(hoursStatus(h, at('2024-03-11T06:00:00Z')).open).toBe(false);
  });

  it('a night that started the day before still runs into a closed date; the closed day cancels its own night', () => {
    const h = hours(['fri 20:00-02:00'], 'Asia/Kolkata', ['2024-03-09']);
    // Saturday 01:00 IST (closed date), but Friday's night runs until 02:00
    expect(hoursStatus(h, at('2024-03-08T19:30:00Z')).closesAt).toBe('2024-03-09T02:00:00+05:30');
    const friday = hours(['fri 20:00-02:00'], 'Asia/Kolkata', ['2024-03-08']);
    expect(hoursStatus(friday, at('2024-03-08T19:30:00Z'))).toEqual({
      open: false,
      closesAt: null,
      nextOpen: '2024-03-15T20:00:00+05:30',
      timeZone: 'Asia/Kolkata',
    });
  });

  it('open every hour: no closing time; never open: no next opening', () => {
    expect(hoursStatus(hours(['daily 00:00-24:00'], 'Asia/Kathmandu'), at('2024-03-11T00:00:00Z'))).toEqual({
      open: true,
      closesAt: null,
      nextOpen: null,
      timeZone: 'Asia/Kathmandu',
    });
    expect(hoursStatus(hours(['sun closed'], 'UTC'), at('2024-03-11T00:00:00Z'))).toEqual({
      open: false,
      closesAt: null,
      nextOpen: null,
      timeZone: 'UTC',
    });
  });

  it('nextOpening: the opening after the current one when open', () => {
    const h = hours(base, 'Asia/Kolkata');
    expect(nextOpening(h, at('2024-03-11T06:00:00Z'))?.toISOString()).toBe('2024-03-12T03:30:00.000Z');
    expect(nextOpening(h, at('2024-03-09T06:00:00Z'))?.toISOString()).toBe('2024-03-11T03:30:00.000Z');
  });
});

describe('hoursFromData (the stored file)', () => {
  it('names every bad entry', () => {
    const { hours: h, problems } = hoursFromData({
      timeZone: 'Asia/Kolkatta',
      week: { mon: ['09:00-18:00'], fun: [], tue: ['9-18'] },
      closed: ['2024-02-30', 5],
      extra: true,
    });
    expect(h).toBeUndefined();
    expect(problems).toEqual([
      '"extra" is not a known field',
      'timeZone "Asia/Kolkatta" is not a known IANA time zone',
      'week.fun is not a day (mon tue wed thu fri sat sun)',
      'week.tue[0] "9-18" is not a time range like 09:00-18:00',
      'closed[0] "2024-02-30" is not a date like 2025-12-25',
      'closed[1] 5 is not a date like 2025-12-25',
    ]);
    expect(
      hoursFromData({ timeZone: 'UTC', week: { fri: ['20:00-02:00'], sat: ['01:00-03:00'] } }).problems,
    ).toEqual(['overlapping business hours: "fri 20:00-02:00" overlaps "sat 01:00-03:00"']);
  });
});
