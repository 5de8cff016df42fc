/**
 * The waitlist: waitlisted enrollments in order (first come, first served: by submission time, then
 * id), why each waits, and the claim that gives places to them. A waitlisted enrollment's run waits
 * in its `waitlist` node for the WAITLIST_PLACE signal (workflows/waitlist.ts); giving it a place
 * is two steps: the claim (promoted_at/promoted_by set, once, under the waitlist's advisory lock)
 * and the signal (idempotent: the first payload per run wins, so a signal sent again changes
 * nothing). A claimed enrollment still waiting is signalled again by the next `waitlist-moves` run.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { offsetOf } from '../../http/pagination.js';
import type { WaitlistItem, WaitlistQuery } from './waitlist-schemas.js';
import { statusUrlOf, type Submission } from './schemas.js';

/** Serialises every claim of places (the office's promote and the waitlist-moves workflow). */
const WAITLIST_LOCK_KEY = 727_364_020;

/** Takes the waitlist's lock until the transaction `tx` ends. */
export async function lockWaitlist(tx: SqlExecutor): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [WAITLIST_LOCK_KEY]);
}

/** A teacher's free places now: accepting (available, active account) and below capacity. */
interface OpenTeacher {
  teacherId: number;
  instruments: string[];
  free: number;
}

async function openTeachers(tx: SqlExecutor): Promise<OpenTeacher[]> {
  const rows = await tx.query<OpenTeacher>(
    `SELECT t.id AS "teacherId", t.instruments,
            greatest(t.max_students - (SELECT count(*)::int FROM students s WHERE s.teacher_id = t.id AND s.is_active), 0) AS free
     FROM teachers t JOIN users u ON u.id = t.user_id
     WHERE t.is_available AND u.is_active ORDER BY t.id`,
  );
  return rows.map((r) => ({ ...r, teacherId: Number(r.teacherId), free: Number(r.free) }));
}

/**
 * Places left per teacher once the enrollments already given one but not yet assigned a teacher
 * (claimed, on their way through family → payment → assign) have taken theirs. `take(instrument)`
 * takes one place of a teacher of that instrument (the one with the most room) and says whether
 * there was one.
 */
async function placesLeft(tx: SqlExecutor): Promise<{ take(instrument: string): boolean; canTake(instrument: string): boolean }> {
  const teachers = await openTeachers(tx);
  const pick = (instrument: string): OpenTeacher | undefined =>
    teachers.filter((t) => t.free > 0 && t.instruments.includes(instrument)).sort((a, b) => b.free - a.free || a.teacherId - b.teacherId)[0];
  const places = {
    canTake: (instrument: string) => pick(instrument) !== undefined,
    take: (instrument: string) => {
      const teacher = pick(instrument);
      if (teacher) teacher.free -= 1;
      return teacher !== undefined;
    },
  };
  const inFlight = await tx.query<{ instrument: string }>(
    `SELECT instrument FROM enrollments
     WHERE promoted_at IS NOT NULL AND teacher_id IS NULL AND status IN ('waitlisted', 'pending') ORDER BY promoted_at, id`,
  );
  for (const row of inFlight) places.take(row.instrument);
  return places;
}

/** A claimed enrollment whose run is to be signalled. */
export interface Claimed {
  enrollmentId: number;
  runId: string;
}

/**
 * Gives the open places to the waitlist, in order (call in a transaction): every waitlisted
 * enrollment whose run waits, not yet claimed, for which a teacher of its instrument has a place
 * left, is claimed for `by`. Returns those, and the ones claimed earlier whose run still waits
 * (a signal lost to a crash is sent again). Takes the waitlist's lock.
 */
export async function claimOpenPlaces(tx: SqlExecutor, by: string): Promise<Claimed[]> {
  await lockWaitlist(tx);
  const places = await placesLeft(tx);
  const waiting = await tx.query<{ id: number; instrument: string; run_id: string; promoted: boolean }>(
    `SELECT e.id, e.instrument, e.run_id, e.promoted_at IS NOT NULL AS promoted
     FROM enrollments e JOIN workflow_run_states r ON r.run_id = e.run_id
     WHERE e.status = 'waitlisted' AND r.status = 'waiting' ORDER BY e.created_at, e.id`,
  );
  const chosen = waiting.filter((w) => !w.promoted && places.take(w.instrument)).map((w) => Number(w.id));
  const claimed =
    chosen.length === 0
      ? []
      : await tx.query<{ id: number }>(
          `UPDATE enrollments SET promoted_at = now(), promoted_by = $2 WHERE id = ANY ($1::int[]) AND status = 'waitlisted' AND promoted_at IS NULL RETURNING id`,
          [chosen, by],
        );
  const now = new Set(claimed.map((c) => Number(c.id)));
  return waiting.filter((w) => w.promoted || now.has(Number(w.id))).map((w) => ({ enrollmentId: Number(w.id), runId: w.run_id }));
}

/**
 * How many places of `instrument` the waitlist is owed: enrollments waiting for one (their run
 * waits) and those promoted and not yet assigned. A new form is waitlisted unless more places are free.
 */
export async function waitlistClaims(sql: SqlExecutor, instrument: string): Promise<number> {
  const [row] = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM enrollments e LEFT JOIN workflow_run_states r ON r.run_id = e.run_id
     WHERE e.instrument = $1 AND ((e.status = 'waitlisted' AND r.status = 'waiting')
        OR (e.promoted_at IS NOT NULL AND e.teacher_id IS NULL AND e.status = 'pending'))`,
    [instrument],
  );
  return Number(row?.n ?? 0);
}

/** Whether a teacher of `instrument` has a place left for one more enrollment (the waitlist's lock held). */
export async function hasPlaceFor(tx: SqlExecutor, instrument: string): Promise<boolean> {
  return (await placesLeft(tx)).canTake(instrument);
}

interface WaitlistRow {
  id: number;
  run_id: string | null;
  position: number;
  total: number;
  instrument: string;
  student_first_name: string;
  student_last_name: string;
  student_date_of_birth: string;
  parent_email: string;
  submission: Partial<Pick<Submission, 'lessonDuration' | 'preferredTeacherId' | 'preferredLessonDay' | 'preferredLessonTime'>>;
  created_at: Date;
  promoted_at: Date | null;
  promoted_by: string | null;
  run_status: string | null;
}

/** A page of the waitlist in order, optionally of one instrument, each with what it waits for and why. */
export async function listWaitlist(sql: SqlExecutor, query: WaitlistQuery): Promise<{ data: WaitlistItem[]; total: number }> {
  const params: unknown[] = [query.pageSize, offsetOf(query), ...(query.instrument ? [query.instrument] : [])];
  const rows = await sql.query<WaitlistRow>(
    `SELECT * FROM (
       SELECT e.id, e.run_id, e.instrument, e.student_first_name, e.student_last_name, e.student_date_of_birth, e.parent_email,
              e.submission, e.created_at, e.promoted_at, e.promoted_by, r.status AS run_status,
              row_number() OVER (PARTITION BY e.instrument ORDER BY e.created_at, e.id)::int AS position, count(*) OVER ()::int AS total
       FROM enrollments e LEFT JOIN workflow_run_states r ON r.run_id = e.run_id
       WHERE e.status = 'waitlisted' ${query.instrument ? 'AND e.instrument = $3' : ''}) w
     ORDER BY created_at, id LIMIT $1 OFFSET $2`,
    params,
  );
  const teachers = await openTeachers(sql);
  const [taught] = await sql.query<{ instruments: string[] | null }>(
    `SELECT array_agg(DISTINCT i) AS instruments FROM teachers t JOIN users u ON u.id = t.user_id, unnest(t.instruments) i WHERE u.is_active`,
  );
  const taughtSet = new Set(taught?.instruments ?? []);
  const reasonOf = (instrument: string): WaitlistItem['reason'] => {
    if (!taughtSet.has(instrument)) return { code: 'no_teacher_for_instrument', message: `No teacher teaches ${instrument} yet` };
    if (!teachers.some((t) => t.free > 0 && t.instruments.includes(instrument))) {
      return { code: 'teachers_full', message: `Every ${instrument} teacher is full or not accepting students` };
    }
    return { code: 'place_open', message: `A ${instrument} teacher has a free place: the waitlist moves on the next run of waitlist-moves, or promote it` };
  };
  const data = rows.map((row): WaitlistItem => {
    const s = row.submission;
    return {
      enrollmentId: Number(row.id),
      position: Number(row.position),
      instrument: row.instrument,
      studentName: `${row.student_first_name} ${row.student_last_name}`,
      studentDateOfBirth: row.student_date_of_birth,
      parentEmail: row.parent_email,
      lessonDuration: s.lessonDuration ?? 30,
      preferredTeacherId: s.preferredTeacherId ?? null,
      preferredLessonDay: s.preferredLessonDay ?? null,
      preferredLessonTime: s.preferredLessonTime ?? null,
      waitingSince: new Date(row.created_at).toISOString(),
      reason: reasonOf(row.instrument),
      promotedAt: row.promoted_at ? new Date(row.promoted_at).toISOString() : null,
      promotedBy: row.promoted_by,
      runId: row.run_id,
      runWaiting: row.run_status === 'waiting',
      statusUrl: statusUrlOf(Number(row.id)),
    };
  });
  let total = Number(rows[0]?.total ?? 0);
  if (rows.length === 0 && query.page > 1) {
    const [count] = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM enrollments WHERE status = 'waitlisted' ${query.instrument ? 'AND instrument = $1' : ''}`,
      query.instrument ? [query.instrument] : [],
    );
    total = Number(count?.n ?? 0);
  }
  return { data, total };
}
