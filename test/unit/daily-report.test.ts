import { describe, expect, it } from 'vitest';
import { type ReportRow, reportCsv } from '../../sync-server/src/metrics/daily-report';

const row = (name: string): ReportRow => ({
  day: '2026-11-10',
  team: 'Inbound, EMEA',
  repId: 'r1',
  repEmail: 'ana@example.com',
  repName: name,
  attempts: 3,
  connects: 1,
  contactRate: 1 / 3,
  qualified: 0,
  meetingsBooked: 1,
  slaBreaches: 0,
  firstTouches: 2,
  speedToLeadP50Ms: 90_500,
  speedToLeadP90Ms: null,
});

describe('report CSV', () => {
  it('quotes what needs quoting and never hands a spreadsheet a formula', () => {
    const csv = reportCsv([row('=HYPERLINK("http://evil","x")'), row('Ana "the closer"')]);
    const [, first, second] = csv.split('\r\n');
    expect(first).toBe(
      `2026-11-10,"Inbound, EMEA",ana@example.com,"'=HYPERLINK(""http://evil"",""x"")",3,1,0.3333,0,1,0,2,90.5,`,
    );
    expect(second).toBe(
      '2026-11-10,"Inbound, EMEA",ana@example.com,"Ana ""the closer""",3,1,0.3333,0,1,0,2,90.5,',
    );
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
