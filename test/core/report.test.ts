// core/report.ts and core/report-html.ts on rows made up here: days across a daylight-saving change,
// the heatmap of a schedule past midnight, and names that would be markup kept as text in the page.
import { describe, expect, it } from 'vitest';
import { buildReport, openMinutes, type ReportInputs } from '../../src/core/report.js';
import { renderReportHtml } from '../../src/core/report-html.js';

const EMPTY: ReportInputs = { messages: [], conversations: [], priced: [], campaigns: [] };
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
      },
      { ...options, since: new Date('2026-11-04T05:00:00Z'), until: new Date('2026-11-05T05:00:00Z') },
    );
    const html = renderReportHtml(r, { uplotJs: '/* uPlot */', uplotCss: '/* css */' });
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).not.toContain('<b>Asha</b>');
    expect(html).toContain('&lt;b&gt;Asha&lt;/b&gt;');
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
