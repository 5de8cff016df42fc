import { describe, expect, it } from 'vitest';
import { reportCsv } from '../../src/modules/reports/csv.js';

describe('reportCsv', () => {
  it('writes the header, the rows and the totals; quotes commas; defuses formulas', () => {
    const csv = reportCsv({
      report: 'attendance',
      from: '2027-11-01',
      to: '2027-11-30',
      groupBy: 'student',
      timezone: 'America/Halifax',
      teacherId: null,
      columns: ['studentId', 'studentName', 'lessons'],
      rows: [
        { studentId: 1, studentName: '=HYPERLINK("x")', lessons: 2 },
        { studentId: 2, studentName: 'Kid, Junior', lessons: -1 },
        { studentId: 3, studentName: null, lessons: 0 },
      ],
      totals: { lessons: 1 },
    });
    expect(csv).toBe('studentId,studentName,lessons\n1,"\'=HYPERLINK(""x"")",2\n2,"Kid, Junior",-1\n3,,0\ntotal,,1\n');
  });
});
