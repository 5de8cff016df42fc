import { sendNotification } from '../notifications/send.js';
import type { WorkflowStarter } from '../services.js';
import { isoInZone } from '../scheduling/local-time.js';
import type { AffectedLesson } from './affected.js';
import type { Substitute } from './substitute.js';

/**
 * Tells each family and the substitute about covered lessons: one `lesson_substitute` notice per
 * student to the parent and one to the substitute (first and last lesson, how many). Each start's
 * idempotency key is derived from the time off and the student, so it is sent once.
 */
export async function notifySubstitution(
  workflows: WorkflowStarter,
  zone: string,
  timeOffId: number,
  substitute: Substitute,
  lessons: readonly AffectedLesson[],
): Promise<string[]> {
  const byStudent = new Map<number, AffectedLesson[]>();
  for (const lesson of lessons) byStudent.set(lesson.studentId, [...(byStudent.get(lesson.studentId) ?? []), lesson]);
  const runIds: string[] = [];
  for (const [studentId, own] of byStudent) {
    const first = own[0]!;
    const last = own[own.length - 1]!;
    const data = {
      studentName: first.studentName,
      teacherName: first.teacherName,
      substituteName: substitute.name,
      startsAt: isoInZone(first.start, zone),
      lastStartsAt: own.length > 1 ? isoInZone(last.start, zone) : null,
      lessonCount: own.length,
      durationMinutes: first.durationMinutes,
    };
    const key = `substitute:${timeOffId}:${substitute.id}:${studentId}`;
    const family = await sendNotification(workflows, { userId: first.parentId, template: 'lesson_substitute', data: { ...data, toSubstitute: false } }, `${key}:parent`);
    const teacher = await sendNotification(workflows, { userId: substitute.userId, template: 'lesson_substitute', data: { ...data, toSubstitute: true } }, `${key}:substitute`);
    runIds.push(family.runId, teacher.runId);
  }
  return runIds;
}
