/**
 * `demo`: the demo (trial) lesson with the assigned teacher in the next free slot that fits the
 * family's preferred day and time (slots.ts), within four weeks and after the school's minimum
 * notice, booked through the lessons module (createLessons: every scheduling rule, the exclusion
 * constraints, the audit). No free slot at all is recorded (flag demo_lesson_not_scheduled), as the
 * brief says, and the enrollment goes on. Compensation deletes the lesson.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineNode, PermanentError, type TaskContext } from '../../../engine/index.js';
import { AppError } from '../../../http/errors.js';
import { SLOT_STEP_MINUTES } from '../../lessons/availability.js';
import { createLessons } from '../../lessons/booking.js';
import { ALTERNATIVES } from '../../lessons/check.js';
import { loadSchedulingData } from '../../lessons/context.js';
import { rulesOf, settingsOf } from '../../lessons/deps.js';
import { freeSlotStarts } from '../../scheduling/availability.js';
import { isoInZone } from '../../scheduling/local-time.js';
import { chooseDemoStart } from '../slots.js';
import { checkpointFault, DB_RETRY, OFFICE, systemActor, type EnrollmentEvent, type NodeDeps } from './deps.js';
import { demoMarker, lockEnrollment, noted, readEnrollment, submissionOf, transaction, updateEnrollment } from './row.js';
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

export function demoNode(deps: NodeDeps) {
  const { db } = deps.services;
  return defineNode<EnrollmentEvent, DemoOutput>({
    id: 'demo',
    description: 'Book the demo lesson in the next free slot that fits the preferred day and time',
    retry: DB_RETRY,
    output: demoOutput,
    process: async (ctx: TaskContext<EnrollmentEvent>) => {
      const id = ctx.event.enrollmentId;
      const row = await readEnrollment(db.orm, id);
      if (row.demoLessonId !== null && row.demoLessonAt !== null) return { lessonId: row.demoLessonId, startsAt: row.demoLessonAt.toISOString(), fits: null };
      if (row.flags.includes(DEMO_NOT_SCHEDULED)) return { lessonId: null, startsAt: null, fits: null };
      if (row.studentId === null || row.teacherId === null) throw new PermanentError(`enrollment ${id} has no student or teacher for a demo lesson`);
      const { studentId, teacherId } = row;
      const sub = submissionOf(row);
      const settings = await settingsOf(deps.lessons);
      const zone = settings.timezone;

      // Booked on an earlier attempt that failed before recording it: found by its note.
      const [booked] = await db.sql.query<{ id: number; scheduled_at: Date }>(
        `SELECT id, scheduled_at FROM lessons WHERE student_id = $1 AND lesson_type = 'demo' AND status = 'scheduled' AND notes = $2 ORDER BY id LIMIT 1`,
        [studentId, demoMarker(id)],
      );
      let lesson: { id: number; start: number } | undefined = booked ? { id: booked.id, start: booked.scheduled_at.getTime() } : undefined;
      let fits: DemoOutput['fits'] = null;
      const taken = new Set<number>();
      let noSlot = false;
      for (let attempt = 0; !lesson && !noSlot && attempt < BOOKING_TRIES; attempt += 1) {
        const now = deps.now();
        const rules = rulesOf(settings, now); // the school's minimum notice applies to demo lessons too
        const horizon = now + ALTERNATIVES.horizonDays * DAY;
        const data = await loadSchedulingData(db.sql, { teacherIds: [teacherId], studentId, from: now, to: horizon, bufferMinutes: rules.bufferMinutes });
        const calendar = data.calendars.get(teacherId);
        if (!calendar) throw new PermanentError(`teacher ${teacherId} no longer exists`);
        const starts = freeSlotStarts(calendar, data.closures, rules, {
          from: now,
          to: horizon,
          durationMinutes: sub.lessonDuration,
          stepMinutes: SLOT_STEP_MINUTES,
          studentLessons: data.studentLessons,
        }).filter((start) => !taken.has(start));
        const choice = chooseDemoStart(starts, { day: sub.preferredLessonDay, time: sub.preferredLessonTime, durationMinutes: sub.lessonDuration }, zone);
        if (!choice) {
          noSlot = true;
          break;
        }
        try {
          const created = await createLessons(deps.lessons, OFFICE, systemActor(id), {
            studentId,
            teacherId,
            scheduledAt: new Date(choice.start).toISOString(),
            durationMinutes: sub.lessonDuration,
            lessonType: 'demo',
            notes: demoMarker(id),
          });
          if (created.kind !== 'lesson') throw new PermanentError('a demo lesson is one lesson');
          lesson = { id: created.lesson.id, start: choice.start };
          fits = choice.fits;
        } catch (error) {
          if (!(error instanceof AppError && error.code === 'conflict')) throw error;
          taken.add(choice.start); // booked by someone else a moment ago: take the next one
        }
      }

      // Every slot tried was taken by a concurrent booking: retry the node (with backoff) rather than give up.
      if (!lesson && !noSlot) throw new Error(`the ${BOOKING_TRIES} demo slots tried were booked by others meanwhile`);
      await checkpointFault(deps, 'demo', id);
      if (lesson) await updateEnrollment(db.orm, id, { demoLessonId: lesson.id, demoLessonAt: new Date(lesson.start) });
      else {
        const message = `No free ${sub.lessonDuration}-minute slot with the teacher in the next ${ALTERNATIVES.horizonDays} days; the school will arrange the demo lesson`;
        await updateEnrollment(db.orm, id, noted(DEMO_NOT_SCHEDULED, message));
      }
      return lesson ? { lessonId: lesson.id, startsAt: isoInZone(lesson.start, zone), fits } : { lessonId: null, startsAt: null, fits: null };
    },
    compensate: async (ctx: TaskContext<EnrollmentEvent>) => {
      await transaction(db, async (tx) => {
        const row = await lockEnrollment(tx, ctx.event.enrollmentId);
        if (row.studentId === null) return;
        await deleteDemoLessons(tx, row.id, row.studentId, row.demoLessonId, systemActor(row.id));
        await tx.execute(sql`UPDATE enrollments SET demo_lesson_id = NULL, demo_lesson_at = NULL WHERE id = ${row.id}`);
      });
    },
  });
}
