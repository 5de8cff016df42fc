/**
 * What one period of a lesson subscription costs, from the calendar (the prorating rule):
 * every regular lesson of the student that starts in [start, end) is charged at the price of its
 * length (setting `pricing.lessonCents`; a length the school does not price at the student's own
 * lesson rate), except
 * - a lesson on a closure day (its local date, in the school's zone, within a closure),
 * - a lesson cancelled by the school (an admin, a teacher, or the school's own workflows),
 * - the old place of a rescheduled lesson (its new lesson is charged where it falls),
 * - demo and make-up lessons (free trial; make-ups are owed already),
 * - a lesson an earlier invoice charged already (after a change of interval, or a new subscription).
 * A lesson cancelled by the family is still charged. Money is integer cents.
 */
import { DateTime } from 'luxon';
import type { LessonStatus, LessonType } from '../../db/schema/lessons.js';

export interface CandidateLesson {
  id: number;
  scheduledAt: Date;
  durationMinutes: number;
  lessonType: LessonType;
  status: LessonStatus;
  /** Who cancelled a cancelled lesson: a parent (`family`) or anyone else (`school`); null otherwise. */
  cancelledBy: 'family' | 'school' | null;
  /** Charged by another period's invoice already. Default false. */
  billed?: boolean;
}

/** A closure: school days off, local dates YYYY-MM-DD, both included. */
export interface ClosureDays {
  startsOn: string;
  endsOn: string;
}

export interface PricingRule {
  /** IANA zone in which closure dates are read. */
  zone: string;
  /** Price in cents by lesson length in minutes (JSON keys). */
  lessonCents: Record<string, number>;
  /** Price of a lesson whose length has no price (the student's lesson rate), cents. */
  fallbackCents: number;
}

export type ExclusionReason = 'closure' | 'cancelled_by_school' | 'rescheduled' | 'not_regular' | 'already_billed';

export interface PricedPeriod {
  amountCents: number;
  /** The charged lessons, in calendar order, each at its price. */
  lessons: Array<{ lessonId: number; amountCents: number }>;
  /** The period's lessons left out, and why. */
  excluded: Array<{ lessonId: number; reason: ExclusionReason }>;
}

function exclusionOf(lesson: CandidateLesson, closures: readonly ClosureDays[], zone: string): ExclusionReason | null {
  if (lesson.lessonType !== 'regular') return 'not_regular';
  if (lesson.billed) return 'already_billed';
  if (lesson.status === 'rescheduled') return 'rescheduled';
  if (lesson.status === 'cancelled' && lesson.cancelledBy !== 'family') return 'cancelled_by_school';
  const day = DateTime.fromJSDate(lesson.scheduledAt, { zone }).toISODate()!;
  if (closures.some((c) => c.startsOn <= day && day <= c.endsOn)) return 'closure';
  return null;
}

export function pricePeriod(lessons: readonly CandidateLesson[], closures: readonly ClosureDays[], period: { start: Date; end: Date }, rule: PricingRule): PricedPeriod {
  const inPeriod = lessons
    .filter((l) => l.scheduledAt >= period.start && l.scheduledAt < period.end)
    .sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime() || a.id - b.id);
  const priced: PricedPeriod = { amountCents: 0, lessons: [], excluded: [] };
  for (const lesson of inPeriod) {
    const reason = exclusionOf(lesson, closures, rule.zone);
    if (reason) {
      priced.excluded.push({ lessonId: lesson.id, reason });
      continue;
    }
    const cents = rule.lessonCents[String(lesson.durationMinutes)] ?? rule.fallbackCents;
    priced.lessons.push({ lessonId: lesson.id, amountCents: cents });
    priced.amountCents += cents;
  }
  return priced;
}
