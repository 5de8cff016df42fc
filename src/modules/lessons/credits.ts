import { z } from 'zod';
import type { Caller } from '../auth/scoped.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';
import { AppError } from '../../http/errors.js';
import { offsetOf, pageQuery } from '../../http/pagination.js';
import { isoInZone, localDateOf, localInstant, parseLocalDate } from '../scheduling/local-time.js';
import { readAs } from './db.js';
import { settingsOf, type LessonDeps } from './deps.js';
import { addDays } from './makeup.js';
import { id } from './schemas.js';

export const creditStatuses = ['open', 'used', 'expired'] as const;

export const creditListQuery = pageQuery.extend({
  studentId: id.optional(),
  status: z.enum(creditStatuses).optional().describe('open: unused and not expired; used: a make-up lesson took it; expired: unused past expiresAt'),
});
export type CreditListQuery = z.infer<typeof creditListQuery>;

export const creditView = z.object({
  id: z.number().int(),
  studentId: z.number().int(),
  studentName: z.string(),
  /** The cancelled lesson that granted it (null when that lesson was deleted). */
  sourceLessonId: z.number().int().nullable(),
  reason: z.string().nullable(),
  /** With the school's UTC offset. */
  grantedAt: z.string(),
  /** Last local day the credit can be used ('YYYY-MM-DD'); null: it never expires (none granted since expiry exists). */
  expiresOn: z.string().nullable(),
  /** The instant it stops being usable: midnight after `expiresOn` in the school's zone. */
  expiresAt: z.string().nullable(),
  /** The make-up lesson that used it. */
  usedLessonId: z.number().int().nullable(),
  status: z.enum(creditStatuses),
});
export type CreditView = z.infer<typeof creditView>;

interface Row {
  id: number;
  studentId: number;
  studentName: string;
  sourceLessonId: number | null;
  reason: string | null;
  grantedAt: Date;
  expiresOn: string | null;
  usedLessonId: number | null;
  status: CreditView['status'];
  total: number;
}

/** The status of a credit on local day $1, as SQL over makeup_credits `c`. */
const STATUS = `CASE WHEN c.used_lesson_id IS NOT NULL THEN 'used' WHEN c.expires_on < $1::date THEN 'expired' ELSE 'open' END`;

/**
 * The explicit "own" filter over students `s`, on top of row-level security: a parent's children, a
 * teacher's students, every student for an admin. `user` is the placeholder of the caller's user id.
 */
function ownStudents(caller: Caller): (user: string) => string {
  if (caller.role === 'parent') return (user) => `s.parent_id = ${user}`;
  if (caller.role === 'teacher') return (user) => `s.teacher_id = (SELECT id FROM teachers WHERE user_id = ${user})`;
  return (user) => `${user}::int IS NOT NULL`;
}

/**
 * GET /makeup-credits: admins see every credit, parents their children's, teachers their students'
 * (row-level security, plus an explicit filter). Oldest grant first. A `studentId` the caller may
 * not see is 404 naming querystring.studentId.
 */
export async function listCredits(deps: LessonDeps, caller: Caller, q: CreditListQuery) {
  const settings = await settingsOf(deps);
  const zone = settings.timezone;
  const today = localDateOf(deps.now(), zone);
  const own = ownStudents(caller);
  const rows = await readAs(deps.db, caller, async (orm) => {
    const sql = sqlExecutorOf(orm);
    if (q.studentId !== undefined) {
      const [visible] = await sql.query(`SELECT 1 FROM students s WHERE s.id = $1 AND ${own('$2')}`, [q.studentId, caller.userId]);
      if (!visible) throw new AppError('not_found', `Student ${q.studentId} not found`, [{ field: 'querystring.studentId', message: 'no such student of yours' }]);
    }
    return sql.query<Row>(
      `SELECT c.id, c.student_id AS "studentId", btrim(s.first_name || ' ' || s.last_name) AS "studentName", c.source_lesson_id AS "sourceLessonId",
              c.reason, c.granted_at AS "grantedAt", c.expires_on::text AS "expiresOn", c.used_lesson_id AS "usedLessonId",
              ${STATUS} AS status, count(*) OVER ()::int AS total
       FROM makeup_credits c JOIN students s ON s.id = c.student_id
       WHERE ${own('$5')} AND ($2::int IS NULL OR c.student_id = $2) AND ($3::text IS NULL OR ${STATUS} = $3)
       ORDER BY c.granted_at, c.id LIMIT $4 OFFSET $6`,
      [today, q.studentId ?? null, q.status ?? null, q.pageSize, caller.userId, offsetOf(q)],
    );
  });
  const data = rows.map(({ total: _total, grantedAt, ...row }) => ({
    ...row,
    grantedAt: isoInZone(new Date(grantedAt).getTime(), zone),
    expiresAt: row.expiresOn === null ? null : isoInZone(localInstant(parseLocalDate(addDays(row.expiresOn, 1)), 0, zone), zone),
  }));
  return { data, page: q.page, pageSize: q.pageSize, total: rows[0]?.total ?? 0 };
}
