import type { SqlExecutor } from '../../db/sql-client.js';
import type { LessonView } from './schemas.js';

/**
 * The lessons with their student's first and last name (`studentFirstName`, `studentLastName`).
 * Read as the owner through `sql`: the caller already sees these lessons, and the teacher of a
 * lesson (a substitute too, who is not the student's assigned teacher and so cannot read the
 * student row) must see whom they teach. One query for the whole list; nothing when it is empty.
 */
export async function withStudentNames(sql: SqlExecutor, views: LessonView[]): Promise<LessonView[]> {
  const ids = [...new Set(views.map((v) => v.studentId))];
  if (ids.length === 0) return views;
  const rows = await sql.query<{ id: number; firstName: string; lastName: string }>(
    `SELECT id, first_name AS "firstName", last_name AS "lastName" FROM students WHERE id = ANY($1::int[])`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return views.map((view) => {
    const student = byId.get(view.studentId);
    return student ? { ...view, studentFirstName: student.firstName, studentLastName: student.lastName } : view;
  });
}
