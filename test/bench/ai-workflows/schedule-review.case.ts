/**
 * Bench case of the on-demand schedule review: a school of TEACHERS teachers with a week of
 * lessons (2031-03-03 to 03-09), one of whom is away on Thursday with two lessons then. `run`
 * reviews that week through the API and resolves when the run waits for the approval of its
 * suggestion (figures, draft with the provider, store, owner's mail, approval rows).
 * `standInAnswer` is what the provider stand-in answers: a move of the first clashing lesson to
 * its first allowed time (a draft the output schema accepts).
 */
import { createUser } from '../../helpers/app.js';
import { insertLesson, insertStudent, setHours } from '../../scheduling/helpers.js';
import type { AiBenchContext, AiWorkflowCase } from './types.js';

const TEACHERS = 5;
const WEEK = { from: '2031-03-03', to: '2031-03-09' };
let schoolReady: Promise<void> | undefined;

async function buildSchool(ctx: AiBenchContext): Promise<void> {
  const db = ctx.stack.database.db;
  const parent = await createUser(db, 'parent', { firstName: 'Pat' });
  for (let t = 0; t < TEACHERS; t += 1) {
    const teacherId = (await createUser(db, 'teacher', { firstName: `Review${t}` })).teacherId!;
    await setHours(
      db,
      teacherId,
      [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '14:00', end: '20:00' })),
    );
    for (const [day, time] of [
      ['03', '14:00'],
      ['03', '15:00'],
      ['04', '16:00'],
      ['05', '14:30'],
      ['06', '15:00'],
      ['06', '17:00'],
      ['07', '18:00'],
    ] as const) {
      const studentId = await insertStudent(db, parent.id, teacherId, { name: `Kid${t}${day}` });
      await insertLesson(db, { studentId, teacherId, at: `2031-03-${day}T${time}:00-04:00`, minutes: 30 });
    }
    if (t === 0) {
      await db.sql.query(`INSERT INTO teacher_time_off (teacher_id, starts_at, ends_at, reason) VALUES ($1, '2031-03-06T13:00:00-04:00', '2031-03-06T21:00:00-04:00', 'Concert')`, [
        teacherId,
      ]);
    }
  }
}

export const scheduleReviewCase: AiWorkflowCase = {
  name: 'schedule-review',
  async prepare(ctx) {
    schoolReady ??= buildSchool(ctx);
    await schoolReady;
  },
  async run(ctx) {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/ai/schedule-review', headers: ctx.adminHeaders, payload: WEEK });
    if (res.statusCode !== 202) throw new Error(`schedule-review answered ${res.statusCode}: ${res.body}`);
    const run = await ctx.stack.engine.waitFor((res.json() as { runId: string }).runId, 60_000);
    if (run.status !== 'waiting') throw new Error(`the schedule-review run is ${run.status}, not waiting for approval`);
  },
};

interface SharedReview {
  clashingLessons?: { lessonId: number; allowedMoveTimes: string[] }[];
}

/** The provider's answer for a schedule review's data; undefined for any other task. */
export function standInAnswer(shared: unknown): unknown {
  const review = shared as SharedReview;
  if (!Array.isArray(review?.clashingLessons)) return undefined;
  const none = { lessonId: null, toStartsAt: null, enrollmentId: null, teacherId: null, startsAt: null };
  const suggestions = review.clashingLessons
    .filter((c) => c.allowedMoveTimes.length > 0)
    .map((c) => ({ ...none, action: 'move_lesson', lessonId: c.lessonId, toStartsAt: c.allowedMoveTimes[0], reason: 'The teacher is away then and free on Friday.' }));
  return { summary: 'One teacher is away on Thursday; two lessons should move.', suggestions };
}
