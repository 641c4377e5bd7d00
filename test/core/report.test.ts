// core/report.ts and core/report-html.ts on rows made up here: days across a daylight-saving change,
// the heatmap of a schedule past midnight, and names that would be markup kept as text in the page.
import { describe, expect, it } from 'vitest';
import {
  buildReport,
  openMinutes,
  type ReportCsatQuestion,
  type ReportInputs,
} from '../../src/core/report.js';
import { renderReportHtml } from '../../src/core/report-html.js';

const EMPTY: ReportInputs = { messages: [], conversations: [], priced: [], campaigns: [], csat: [] };
const options = {
  zone: 'America/New_York',
  hours: undefined,
  targetMs: null,
  customerLabel: 'customer',
  generatedAt: new Date('2026-11-05T00:00:00Z'),
};

describe('buildReport', () => {
  it('days in the zone across the end of daylight saving (a 25-hour day)', () => {
    // New York falls back on Sunday 1 November 2026, 02:00 EDT -> 01:00 EST
    const r = buildReport(EMPTY, {
      ...options,
      since: new Date('2026-10-31T04:00:00Z'), // Saturday 00:00 EDT
      until: new Date('2026-11-03T05:00:00Z'), // Tuesday 00:00 EST
    });
    expect(r.days.map((d) => [d.date, d.start])).toEqual([
      ['2026-10-31', Date.parse('2026-10-31T04:00:00Z') / 1000],
      ['2026-11-01', Date.parse('2026-11-01T04:00:00Z') / 1000],
      ['2026-11-02', Date.parse('2026-11-02T05:00:00Z') / 1000],
    ]);
  });

  it('a customer message in the last hour of the 25-hour day counts on that day and at 23:00', () => {
    const at = Date.parse('2026-11-02T04:30:00Z'); // Sunday 23:30 EST
    const r = buildReport(
      {
        ...EMPTY,
        messages: [{ id: 'a', waId: '1', direction: 'in', at, status: 'received', reason: null }],
        conversations: [{ waId: '1', status: 'open', assignee: null, campaign: null, labels: [] }],
      },
      { ...options, since: new Date('2026-10-31T04:00:00Z'), until: new Date('2026-11-03T05:00:00Z') },
    );
    expect(r.days.map((d) => d.inbound)).toEqual([0, 1, 0]);
    expect(r.heatmap.inbound[6]![23]).toBe(1);
    expect(r.totals.firstResponse).toEqual({
      count: 0,
      medianSeconds: null,
      p90Seconds: null,
      unanswered: 1,
      withinTarget: null,
      withinTargetShare: null,
    });
  });

  it('open minutes of a range past midnight fall on the next day; Sunday night wraps to Monday', () => {
    const week = {
      mon: [],
      tue: [],
      wed: [],
      thu: [],
      fri: [{ start: 22 * 60 + 30, end: 60 }],
      sat: [],
      sun: [{ start: 23 * 60, end: 30 }],
    };
    const grid = openMinutes({ timeZone: 'UTC', week, closed: [] });
    expect(grid[4]![22]).toBe(30);
    expect(grid[4]![23]).toBe(60);
    expect(grid[5]![0]).toBe(60);
    expect(grid[6]![23]).toBe(60);
    expect(grid[0]![0]).toBe(30);
    expect(grid.flat().reduce((a, b) => a + b, 0)).toBe(150 + 90);
  });
});

describe('buildReport: customer satisfaction', () => {
  // Wednesday 4 and Thursday 5 November 2026 in New York (EST, -05:00)
  const wed = (time: string) => Date.parse(`2026-11-04T${time}:00-05:00`);
  const thu = (time: string) => Date.parse(`2026-11-05T${time}:00-05:00`);
  const period = { since: new Date(wed('00:00')), until: new Date(thu('23:59') + 60_000) };
  const q = (
    waId: string,
    agent: string | null,
    resolvedAt: number,
    state: ReportCsatQuestion['state'],
    score: number | null = null,
    comment: string | null = null,
  ): ReportCsatQuestion => ({
    waId,
    agent,
    resolvedAt,
    state,
    answeredAt: score === null ? null : resolvedAt + 600_000,
    score,
    comment,
  });
  const conversation = (waId: string, assignee: string | null, campaign: string | null = null) => ({
    waId,
    status: 'resolved' as const,
    assignee,
    campaign,
    labels: [],
  });
  const inputs: ReportInputs = {
    ...EMPTY,
    conversations: [conversation('1', 'priya', 'web'), conversation('2', 'arjun'), conversation('3', null)],
    csat: [
      q('1', 'priya', wed('10:00'), 'answered', 5, 'quick, thanks'),
      q('2', 'arjun', wed('11:00'), 'answered', 1, 'too slow'),
      q('3', null, wed('12:00'), 'asked'),
      q('1', 'priya', thu('09:00'), 'answered', 3),
      q('2', 'arjun', thu('10:00'), 'skipped'),
      q('3', null, thu('23:00'), 'pending'),
      q('1', 'priya', wed('00:00') - 1, 'answered', 1, 'before the period'),
      q('2', 'arjun', period.until.getTime(), 'answered', 1, 'after it'),
    ],
  };
  const stats = (
    [questions, asked, answered, skipped, pending]: number[],
    scores: number[],
    averageScore: number | null,
    responseRate: number | null,
    satisfiedShare: number | null,
  ) => ({ questions, asked, answered, skipped, pending, averageScore, scores, responseRate, satisfiedShare });

  it('per day of the resolution and per agent at the time: counts, average, scores, rates, comments', () => {
    const r = buildReport(inputs, { ...options, ...period });
    expect(r.csat.totals).toEqual(stats([6, 4, 3, 1, 1], [1, 0, 1, 0, 1], 3, 3 / 4, 1 / 3));
    expect(r.csat.days).toEqual([
      {
        date: '2026-11-04',
        start: wed('00:00') / 1000,
        ...stats([3, 3, 2, 0, 0], [1, 0, 0, 0, 1], 3, 2 / 3, 0.5),
      },
      { date: '2026-11-05', start: thu('00:00') / 1000, ...stats([3, 1, 1, 1, 1], [0, 0, 1, 0, 0], 3, 1, 0) },
    ]);
    expect(r.csat.agents).toEqual([
      { agent: '(unassigned)', ...stats([2, 1, 0, 0, 1], [0, 0, 0, 0, 0], null, 0, null) },
      { agent: 'arjun', ...stats([2, 1, 1, 1, 0], [1, 0, 0, 0, 0], 1, 1, 0) },
      { agent: 'priya', ...stats([2, 2, 2, 0, 0], [0, 0, 1, 0, 1], 4, 1, 0.5) },
    ]);
    expect(r.csat.comments).toEqual([
      { at: new Date(wed('10:10')).toISOString(), agent: 'priya', score: 5, comment: 'quick, thanks' },
      { at: new Date(wed('11:10')).toISOString(), agent: 'arjun', score: 1, comment: 'too slow' },
    ]);
  });

  it('--agent keeps the questions of who had the conversation then; --campaign those with its ref', () => {
    // Asha's conversation is Arjun's now, but Priya resolved it: her questions stay hers
    const moved = {
      ...inputs,
      conversations: [conversation('1', 'arjun', 'web'), ...inputs.conversations.slice(1)],
    };
    const priya = buildReport(moved, { ...options, ...period, agent: 'priya' });
    expect(priya.csat.totals).toEqual(stats([2, 2, 2, 0, 0], [0, 0, 1, 0, 1], 4, 1, 0.5));
    expect(priya.csat.agents.map((a) => a.agent)).toEqual(['priya']);
    const web = buildReport(moved, { ...options, ...period, campaign: 'web' });
    expect(web.csat.totals.questions).toBe(2);
    expect(web.csat.comments.map((c) => c.comment)).toEqual(['quick, thanks']);
    const none = buildReport(inputs, { ...options, ...period, agent: 'nobody' });
    expect(none.csat.totals).toEqual(stats([0, 0, 0, 0, 0], [0, 0, 0, 0, 0], null, null, null));
    expect(none.csat.days.map((d) => d.questions)).toEqual([0, 0]);
  });

  it('the question and the tap that answers it start no wait and do not lengthen the resolution', () => {
    const m = (
      id: string,
      direction: 'in' | 'out',
      at: number,
      reason: string | null,
      csatAnswer = false,
    ) => ({
      id,
      waId: '1',
      direction,
      at,
      status: direction === 'in' ? 'received' : 'delivered',
      reason,
      ...(csatAnswer ? { csatAnswer } : {}),
    });
    const r = buildReport(
      {
        ...inputs,
        messages: [
          m('a', 'in', wed('10:00'), null),
          m('b', 'out', wed('10:05'), null),
          m('q', 'out', wed('10:06'), 'csat'),
          m('t', 'in', wed('15:00'), null, true),
        ],
      },
      { ...options, ...period },
    );
    expect(r.totals).toMatchObject({ inbound: 2, outPerson: 1, outAutomatic: 1, started: 1 });
    expect(r.totals.firstResponse).toMatchObject({ count: 1, medianSeconds: 300, unanswered: 0 });
    expect(r.totals.resolution).toEqual({ count: 1, medianSeconds: 300, p90Seconds: 300 });
  });
});

describe('renderReportHtml', () => {
  it('names that look like markup stay text, in the tables and in the data the charts read', () => {
    const ref = '</script><script>alert(1)</script>';
    const r = buildReport(
      {
        ...EMPTY,
        messages: [
          {
            id: 'a',
            waId: '1',
            direction: 'in',
            at: Date.parse('2026-11-04T15:00:00Z'),
            status: 'received',
            reason: null,
          },
        ],
        conversations: [{ waId: '1', status: 'open', assignee: '<b>Asha</b>', campaign: ref, labels: [] }],
        csat: [
          {
            waId: '1',
            agent: '<b>Asha</b>',
            resolvedAt: Date.parse('2026-11-04T16:00:00Z'),
            state: 'answered',
            answeredAt: Date.parse('2026-11-04T16:05:00Z'),
            score: 4,
            comment: '<img src=x onerror=alert(1)>',
          },
        ],
      },
      { ...options, since: new Date('2026-11-04T05:00:00Z'), until: new Date('2026-11-05T05:00:00Z') },
    );
    const html = renderReportHtml(r, { uplotJs: '/* uPlot */', uplotCss: '/* css */' });
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).not.toContain('<b>Asha</b>');
    expect(html).toContain('&lt;b&gt;Asha&lt;/b&gt;');
    expect(html).not.toContain('<img');
    // the comment's time in the report's zone (11:05 EST)
    expect(html).toContain('<th scope="row">2026-11-04 11:05</th><td>&lt;b&gt;Asha&lt;/b&gt;</td><td>4</td>');
    const data = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(data)).toEqual(r);
  });

  it('refuses to inline code that would close its element', () => {
    const r = buildReport(EMPTY, {
      ...options,
      since: new Date('2026-11-04T05:00:00Z'),
      until: new Date('2026-11-05T05:00:00Z'),
    });
    expect(() => renderReportHtml(r, { uplotJs: 'a = "</script>"', uplotCss: '' })).toThrow(
      'cannot inline a script that holds </script',
    );
  });
});
