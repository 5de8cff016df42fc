/**
 * `demo`: the demo (trial) lesson with the assigned teacher in the next free slot that fits the
 * family's preferred day and time (slots.ts), within four weeks and after the school's minimum
 * notice, booked through the lessons module (bookLessons: every scheduling rule, the exclusion
 * constraints, the audit). No free slot at all is recorded (flag demo_lesson_not_scheduled), as the
 * brief says, and the enrollment goes on. The booking, its record on the enrollments row and the
 * node's result commit in one ctx.transaction, so a node run again books nothing. Compensation
 * deletes the lesson of the output.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { TxHandle } from '../../../db/orm-sql.js';
import type { KnownSettings } from '../../settings/types.js';
import { defineNode, PermanentError, type TaskContext } from '../../../engine/index.js';
import { AppError } from '../../../http/errors.js';
import { SLOT_STEP_MINUTES } from '../../lessons/availability.js';
import { bookLessons } from '../../lessons/booking.js';
import { ALTERNATIVES } from '../../lessons/check.js';
import { loadSchedulingData } from '../../lessons/context.js';
import { rulesOf, settingsOf } from '../../lessons/deps.js';
import { freeSlotStarts } from '../../scheduling/availability.js';
import { isoInZone } from '../../scheduling/local-time.js';
import type { Submission } from '../schemas.js';
import { chooseDemoStart } from '../slots.js';
import { checkpointFault, DB_RETRY, OFFICE, systemActor, type EnrollmentEvent, type NodeDeps } from './deps.js';
import { demoMarker, lockEnrollment, noted, submissionOf, transaction, updateEnrollment } from './row.js';
import { deleteDemoLessons } from './undo.js';

const DAY = 86_400_000;
/** Bookings tried when another booking takes the chosen slot first. */
const BOOKING_TRIES = 4;
export const DEMO_NOT_SCHEDULED = 'demo_lesson_not_scheduled';

export const demoOutput = z.object({
  lessonId: z.number().int().nullable(),
  startsAt: z.string().nullable(),
  fits: z.object({ day: z.boolean(), time: z.boolean() }).nullable(),
});
export type DemoOutput = z.infer<typeof demoOutput>;

interface DemoRequest {
  enrollmentId: number;
  studentId: number;
  teacherId: number;
  sub: Submission;
  settings: KnownSettings;
}

/**
 * Books the demo lesson in `tx` in the first free slot that fits: the booked lesson (start in
 * epoch ms), or null when no slot is free. A slot taken by a concurrent booking meanwhile (a 409;
 * bookLessons leaves `tx` usable) is left out and the next one tried; when BOOKING_TRIES were all
 * taken it throws, and the node is retried with backoff rather than giving up.
 */
async function bookDemo(deps: NodeDeps, tx: TxHandle, req: DemoRequest): Promise<{ id: number; start: number; fits: DemoOutput['fits'] } | null> {
  const { studentId, teacherId, sub } = req;
  const taken = new Set<number>();
  for (let attempt = 0; attempt < BOOKING_TRIES; attempt += 1) {
    const now = deps.now();
    const rules = rulesOf(req.settings, now); // the school's minimum notice applies to demo lessons too
    const horizon = now + ALTERNATIVES.horizonDays * DAY;
    const data = await loadSchedulingData(tx.sql, { teacherIds: [teacherId], studentId, from: now, to: horizon, bufferMinutes: rules.bufferMinutes });
    const calendar = data.calendars.get(teacherId);
    if (!calendar) throw new PermanentError(`teacher ${teacherId} no longer exists`);
    const starts = freeSlotStarts(calendar, data.closures, rules, {
      from: now,
      to: horizon,
      durationMinutes: sub.lessonDuration,
      stepMinutes: SLOT_STEP_MINUTES,
      studentLessons: data.studentLessons,
    }).filter((start) => !taken.has(start));
    const choice = chooseDemoStart(starts, { day: sub.preferredLessonDay, time: sub.preferredLessonTime, durationMinutes: sub.lessonDuration }, req.settings.timezone);
    if (!choice) return null;
    try {
      const created = await bookLessons(tx, deps.lessons, OFFICE, systemActor(req.enrollmentId), {
        studentId,
        teacherId,
        scheduledAt: new Date(choice.start).toISOString(),
        durationMinutes: sub.lessonDuration,
        lessonType: 'demo',
        notes: demoMarker(req.enrollmentId),
      });
      if (created.kind !== 'lesson') throw new PermanentError('a demo lesson is one lesson');
      return { id: created.lesson.id, start: choice.start, fits: choice.fits };
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'conflict')) throw error;
      taken.add(choice.start); // booked by someone else a moment ago: take the next one
    }
  }
  throw new Error(`the ${BOOKING_TRIES} demo slots tried were booked by others meanwhile`);
}

export function demoNode(deps: NodeDeps) {
  const { db } = deps.services;
  return defineNode<EnrollmentEvent, DemoOutput>({
    id: 'demo',
    description: 'Book the demo lesson in the next free slot that fits the preferred day and time',
    retry: DB_RETRY,
    output: demoOutput,
    process: (ctx: TaskContext<EnrollmentEvent>) =>
      ctx.transaction(async (tx): Promise<DemoOutput> => {
        const id = ctx.event.enrollmentId;
        const row = await lockEnrollment(tx.orm, id);
        if (row.studentId === null || row.teacherId === null) throw new PermanentError(`enrollment ${id} has no student or teacher for a demo lesson`);
        const sub = submissionOf(row);
        const settings = await settingsOf(deps.lessons, tx.sql);
        const lesson = await bookDemo(deps, tx, { enrollmentId: id, studentId: row.studentId, teacherId: row.teacherId, sub, settings });
        if (lesson) await updateEnrollment(tx.orm, id, { demoLessonId: lesson.id, demoLessonAt: new Date(lesson.start) });
        else {
          const message = `No free ${sub.lessonDuration}-minute slot with the teacher in the next ${ALTERNATIVES.horizonDays} days; the school will arrange the demo lesson`;
          await updateEnrollment(tx.orm, id, noted(DEMO_NOT_SCHEDULED, message));
        }
        await checkpointFault(deps, 'demo', id);
        return lesson ? { lessonId: lesson.id, startsAt: isoInZone(lesson.start, settings.timezone), fits: lesson.fits } : { lessonId: null, startsAt: null, fits: null };
      }),
    compensate: async (ctx: TaskContext<EnrollmentEvent>, output: DemoOutput) => {
      await transaction(db, async (tx) => {
        const row = await lockEnrollment(tx, ctx.event.enrollmentId);
        if (output.lessonId !== null && row.studentId !== null) await deleteDemoLessons(tx, row.id, row.studentId, output.lessonId, systemActor(row.id));
        await tx.execute(sql`UPDATE enrollments SET demo_lesson_id = NULL, demo_lesson_at = NULL WHERE id = ${row.id}`);
      });
    },
  });
}
