import type { SqlExecutor } from '../../db/sql-client.js';
import type { TeacherCandidate } from './scoring.js';

/** A teacher of the instrument, with what scoring needs and how to address them. */
export interface TeacherOfInstrument extends TeacherCandidate {
  userId: number;
  name: string;
}

/**
 * Every teacher of `instrument` (free or not), with their active students and weekly hours, in one
 * query. Run inside the assigning transaction, the counts are those the assignment checks.
 */
export async function teachersOf(sql: SqlExecutor, instrument: string): Promise<TeacherOfInstrument[]> {
  const rows = await sql.query<TeacherOfInstrument>(
    `SELECT t.id AS "teacherId", t.user_id AS "userId", t.instruments, t.max_students AS "maxStudents",
            (t.is_available AND u.is_active) AS accepting, u.first_name || ' ' || u.last_name AS name,
            (SELECT count(*)::int FROM students s WHERE s.teacher_id = t.id AND s.is_active) AS "activeStudents",
            coalesce((SELECT json_agg(json_build_object('weekday', a.weekday, 'startTime', a.start_time::text, 'endTime', a.end_time::text))
                      FROM teacher_availability a WHERE a.teacher_id = t.id), '[]'::json) AS hours
     FROM teachers t JOIN users u ON u.id = t.user_id
     WHERE $1::text = ANY (t.instruments)
     ORDER BY t.id`,
    [instrument],
  );
  return rows.map((row) => ({ ...row, teacherId: Number(row.teacherId), userId: Number(row.userId), activeStudents: Number(row.activeStudents) }));
}
