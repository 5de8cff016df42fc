/**
 * Families for the progress-report tests, written with SQL (no workflow starts by itself): a parent
 * with an e-mail, a phone and a last name the provider must never see; a child with lessons in
 * October 2026 (attendance, notes shared with the family, a private note), a goal reached, a piece,
 * an exam; optionally September lessons (for falling attendance) and an overdue payment.
 */
import type { Database } from '../../src/db/client.js';
import { createUser } from '../helpers/app.js';

/** The period most tests report on, and the month before it. */
export const OCTOBER = { from: '2026-10-01', to: '2026-10-31' } as const;
export const PRIVATE_NOTE = 'Private: the parents are divorcing, call the father at 902-555-0199';

export interface ReportFamily {
  parentId: number;
  parentEmail: string;
  parentHeaders: { authorization: string };
  studentId: number;
  teacherId: number;
  firstName: string;
  childName: string;
}

export interface FamilyOptions {
  firstName?: string;
  childName?: string;
  /** October lessons: attendance of each completed lesson, and its shared note (null: none). */
  october?: Array<{ attendance: 'present' | 'late' | 'absent' | 'excused'; notes: string | null }>;
  /** Attendance of completed September lessons (the period before). */
  september?: Array<'present' | 'absent'>;
  /** A failed, unsettled payment of this many cents. */
  overdueCents?: number;
  /** Adds a goal reached, a piece and an exam in October. Default true. */
  progress?: boolean;
}

const at = (day: string): string => `${day}T16:00:00-03:00`;

export async function reportFamily(db: Database, options: FamilyOptions = {}): Promise<ReportFamily> {
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db.sql.query<T>(text, params);
  const firstName = options.firstName ?? 'Marguerite';
  const childName = options.childName ?? 'Olivier';
  const parent = await createUser(db, 'parent', { firstName });
  await sql(`UPDATE users SET last_name = 'Tremblay', phone = '+19025550147' WHERE id = $1`, [parent.id]);
  const teacher = await createUser(db, 'teacher', { firstName: 'Clara' });
  const [student] = await sql<{ id: number }>(
    `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents, email)
     VALUES ($1, $2, $3, 'Tremblay', '2015-04-01', 'piano', 4500, $4) RETURNING id`,
    [parent.id, teacher.teacherId, childName, `${childName.toLowerCase()}.kid@example.ca`],
  );
  const studentId = student!.id;
  const lesson = (day: string, attendance: string, notes: string | null, privateNotes: string | null = null) =>
    sql(
      `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at, status, attendance, notes, private_notes)
       VALUES ($1, $2, $3::timestamptz, 30, $3::timestamptz + interval '30 minutes', 'completed', $4, $5, $6)`,
      [studentId, teacher.teacherId, at(day), attendance, notes, privateNotes],
    );
  const october = options.october ?? [
    { attendance: 'present', notes: `${childName} played the minuet hands together.` },
    { attendance: 'present', notes: 'Scales in G major are steady now.' },
  ];
  for (const [i, l] of october.entries()) await lesson(`2026-10-${String(5 + i * 7).padStart(2, '0')}`, l.attendance, l.notes, i === 0 ? PRIVATE_NOTE : null);
  for (const [i, a] of (options.september ?? []).entries()) await lesson(`2026-09-${String(7 + i * 7).padStart(2, '0')}`, a, null);
  if (options.progress !== false) {
    await sql(`INSERT INTO student_goals (student_id, title, set_on, status, achieved_on) VALUES ($1, 'Play the minuet hands together', '2026-09-01', 'achieved', '2026-10-12')`, [
      studentId,
    ]);
    await sql(`INSERT INTO student_goals (student_id, title, set_on, status) VALUES ($1, 'Learn the C major scale, two octaves', '2026-10-12', 'active')`, [studentId]);
    await sql(`INSERT INTO student_pieces (student_id, title, composer, status, started_on) VALUES ($1, 'Minuet in G', 'Petzold', 'polishing', '2026-09-15')`, [studentId]);
    await sql(`INSERT INTO student_assessments (student_id, exam_body, level, assessed_on, result, mark) VALUES ($1, 'RCM', 'Preparatory A', '2026-10-20', 'honours', 82)`, [
      studentId,
    ]);
  }
  if (options.overdueCents) {
    await sql(
      `INSERT INTO payments (parent_id, student_id, amount_cents, status, method, gateway, description, failure_code, attempt_count)
       VALUES ($1, $2, $3, 'failed', 'card', 'simulated', 'October lessons', 'card_declined', 1)`,
      [parent.id, studentId, options.overdueCents],
    );
  }
  return { parentId: parent.id, parentEmail: parent.email, parentHeaders: parent.headers, studentId, teacherId: teacher.teacherId!, firstName, childName };
}
