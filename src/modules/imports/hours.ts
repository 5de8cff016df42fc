/**
 * A weekly-hours row: one block of a teacher's week (local school time), matched by teacher
 * e-mail + weekday + start time. A new block is added to the teacher's week, a block whose end
 * differs is changed, an equal one is skipped; the teachers module's rules apply (a block ends
 * after it starts, blocks of one day do not overlap) with its audit row.
 */
import { weeklyBlock } from '../teachers/schemas.js';
import { replaceWeeklyHours } from '../teachers/hours.js';
import { weeklyHoursOf } from '../teachers/queries.js';
import { asRowIssues, validateWith, type RowContext, type RowOutcome } from './row-context.js';
import { RowProblem, RowReader } from './values.js';

const hourFields = { weekday: 'weekday', start: 'start', end: 'end', hours: 'start' };

export async function importHoursRow(ctx: RowContext, values: Readonly<Record<string, string>>): Promise<RowOutcome> {
  const r = new RowReader(values);
  const teacherEmail = r.email('teacherEmail', { required: true });
  const block = { weekday: r.weekday('weekday'), start: r.time('start'), end: r.time('end', { endOfDay: true }) };
  r.done();
  const wanted = validateWith(weeklyBlock, block, hourFields, 'start');
  const [teacher] = await ctx.tx.sql.query<{ id: number }>('SELECT t.id FROM teachers t JOIN users u ON u.id = t.user_id WHERE lower(u.email) = $1', [teacherEmail]);
  if (!teacher) throw new RowProblem([{ field: 'teacherEmail', message: `no teacher has the e-mail ${teacherEmail} (import teachers first)` }]);
  const teacherId = Number(teacher.id);
  const week = await weeklyHoursOf(ctx.tx.orm, teacherId);
  const same = week.find((b) => b.weekday === wanted.weekday && b.start === wanted.start);
  if (same?.end === wanted.end) return 'skipped';
  const next = same ? week.map((b) => (b === same ? wanted : b)) : [...week, wanted];
  await asRowIssues(hourFields, 'start', async () => {
    try {
      return await replaceWeeklyHours(ctx.tx.orm, ctx.actor, teacherId, next, 'hours');
    } catch (error) {
      // "hours.<i>.end" names the block's end; any other issue (an overlap) its start.
      if (error instanceof Error && 'details' in error && Array.isArray(error.details)) {
        for (const d of error.details as Array<{ field: string }>) d.field = d.field.endsWith('.end') ? 'end' : 'start';
      }
      throw error;
    }
  });
  return same ? 'updated' : 'created';
}
