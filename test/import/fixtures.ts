import type { App } from '../../src/app.js';

export const FAMILY_HEADER = 'Parent Email,Parent First Name,Parent Last Name,Parent Phone,Student First Name,Student Last Name,Date of Birth,Instrument,Skill Level,Lesson Rate';

/** The 20 kinds of bad row, each naming the one column that is wrong. */
const badRows: Array<{ column: string; line: (i: number) => string }> = [
  { column: 'Parent Email', line: (i) => `not-an-email-${i},Pat,Bad${i},,Kid,Bad${i},2015-03-04,piano,,45` },
  { column: 'Date of Birth', line: (i) => `bad.dob.${i}@families.test,Pat,Bad${i},,Kid,Bad${i},2015-13-45,piano,,45` },
  { column: 'Instrument', line: (i) => `bad.instr.${i}@families.test,Pat,Bad${i},,Kid,Bad${i},2015-03-04,kazoo,,45` },
  { column: 'Lesson Rate', line: (i) => `bad.rate.${i}@families.test,Pat,Bad${i},,Kid,Bad${i},2015-03-04,piano,,twenty` },
  { column: 'Student First Name', line: (i) => `bad.name.${i}@families.test,Pat,Bad${i},,,Bad${i},2015-03-04,piano,,45` },
];

/**
 * A families file of `good + bad` rows: good row i is family i (parent i, child i; dates both ISO
 * and month/day/year), every 25th row is a bad one (cycling through the five faults above).
 */
export function familiesCsv(good: number, bad: number): { csv: string; badColumns: Map<number, string> } {
  const lines = [FAMILY_HEADER];
  const badColumns = new Map<number, string>();
  let g = 0;
  let b = 0;
  while (g < good || b < bad) {
    const row = lines.length + 1;
    if (b < bad && (g >= good || row % 25 === 0)) {
      const fault = badRows[b % badRows.length]!;
      lines.push(fault.line(b));
      badColumns.set(row, fault.column);
      b += 1;
    } else {
      const dob = g % 2 === 0 ? `2014-0${(g % 9) + 1}-1${g % 10}` : `0${(g % 9) + 1}/2${g % 9}/2012`;
      const level = ['beginner', 'Intermediate', ''][g % 3];
      lines.push(
        `parent${g}@families.test,Parent${g},"Family, ${g}",+1 902 555 ${String(1000 + g)},Child${g},Family${g},${dob},${['Piano', 'guitar', 'violin'][g % 3]},${level},$${45 + (g % 3) * 15}.00`,
      );
      g += 1;
    }
  }
  return { csv: `${lines.join('\r\n')}\r\n`, badColumns };
}

export async function postImport(app: App, headers: Record<string, string>, query: string, csv: string) {
  return app.inject({ method: 'POST', url: `/api/v1/imports?${query}`, headers: { ...headers, 'content-type': 'text/csv' }, payload: csv });
}

/** Rows of the tables an import writes, to compare before and after. */
export async function tableCounts(query: <R>(text: string) => Promise<R[]>): Promise<Record<string, number>> {
  const [row] = await query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM students)::int AS students, (SELECT count(*) FROM teachers)::int AS teachers,
       (SELECT count(*) FROM teacher_availability)::int AS hours, (SELECT count(*) FROM audit_log)::int AS audit, (SELECT count(*) FROM outbox)::int AS outbox`,
  );
  return row!;
}
