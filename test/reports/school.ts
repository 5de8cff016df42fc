/**
 * A small hand-built school whose figures are known, for the report tests (America/Halifax; the
 * autumn DST change is Sunday 2027-11-07, 02:00 ADT → 01:00 AST). Rows are written with SQL so
 * every date is exact. Two teachers (Alice Able: piano; Bob Baker: piano, guitar), three families.
 */
import type { Database } from '../../src/db/client.js';
import { createUser } from '../helpers/app.js';

type User = Awaited<ReturnType<typeof createUser>>;

export interface ReportSchool {
  admin: User;
  alice: User;
  bob: User;
  parents: [User, User, User];
  students: { s1: number; s2: number; s3: number };
  lessons: Record<string, number>;
}

export async function buildReportSchool(db: Database): Promise<ReportSchool> {
  const q = async (text: string, params: unknown[] = []): Promise<number> => {
    const rows = await db.sql.query<{ id: number }>(text, params);
    return rows[0]?.id ?? 0;
  };
  await db.sql.query(`INSERT INTO settings (key, value) VALUES ('timezone', '"America/Halifax"') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`);
  const admin = await createUser(db, 'admin', { firstName: 'Ada' });
  const alice = await createUser(db, 'teacher', { firstName: 'Alice' });
  const bob = await createUser(db, 'teacher', { firstName: 'Bob' });
  const parents = [
    await createUser(db, 'parent', { firstName: 'Pam' }),
    await createUser(db, 'parent', { firstName: 'Paul' }),
    await createUser(db, 'parent', { firstName: 'Pia' }),
  ] as [User, User, User];
  await db.sql.query(`UPDATE users SET last_name = CASE first_name WHEN 'Alice' THEN 'Able' WHEN 'Bob' THEN 'Baker' ELSE 'Parent' END WHERE id = ANY ($1::int[])`, [
    [alice.id, bob.id, ...parents.map((p) => p.id)],
  ]);
  const tA = alice.teacherId!;
  const tB = bob.teacherId!;
  await db.sql.query(`UPDATE teachers SET instruments = ARRAY['piano', 'guitar'] WHERE id = $1`, [tB]);

  const student = (parentId: number, teacherId: number, first: string, instrument: string, enrolled: string, active = true, updatedAt = '2027-01-10T12:00:00Z') =>
    q(
      `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents, enrollment_date, is_active, updated_at)
       VALUES ($1, $2, $3, 'Kid', '2015-01-01', $4, 4000, $5, $6, $7) RETURNING id`,
      [parentId, teacherId, first, instrument, enrolled, active, updatedAt],
    );
  const s1 = await student(parents[0].id, tA, 'Sam', 'piano', '2027-09-01');
  const s2 = await student(parents[1].id, tB, 'Gus', 'guitar', '2027-10-15');
  // Left on 2027-10-20 (local), taught by Bob.
  const s3 = await student(parents[2].id, tB, 'Ivy', 'piano', '2027-01-10', false, '2027-10-20T12:00:00Z');

  const lesson = (
    studentId: number,
    teacherId: number,
    at: string,
    minutes: number,
    status: string,
    extra: { attendance?: string; cancelledBy?: number; substitute?: number; type?: string } = {},
  ) =>
    q(
      `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at, status, attendance, cancelled_by, cancelled_at, substitute_teacher_id, lesson_type)
       VALUES ($1, $2, $3, $4, $3::timestamptz + make_interval(mins => $4), $5, $6, $7, CASE WHEN $5 = 'cancelled' THEN $3::timestamptz END, $8, $9) RETURNING id`,
      [studentId, teacherId, at, minutes, status, extra.attendance ?? null, extra.cancelledBy ?? null, extra.substitute ?? null, extra.type ?? 'regular'],
    );
  const lessons: Record<string, number> = {};
  lessons.L7 = await lesson(s1, tA, '2027-10-31T23:30:00-03:00', 30, 'completed', { attendance: 'present' }); // 02:30Z on Nov 1: October locally
  lessons.L1 = await lesson(s1, tA, '2027-11-01T16:00:00-03:00', 30, 'completed', { attendance: 'present' });
  lessons.L2 = await lesson(s1, tA, '2027-11-08T16:00:00-04:00', 30, 'completed', { attendance: 'absent' });
  lessons.L3 = await lesson(s2, tB, '2027-11-03T17:00:00-03:00', 60, 'cancelled', { cancelledBy: parents[1].id });
  // Bob's lesson on his day off, taught by Alice.
  lessons.L4 = await lesson(s2, tB, '2027-11-10T17:00:00-04:00', 60, 'completed', { attendance: 'late', substitute: tA });
  // On the closure (Remembrance Day), cancelled by the school.
  lessons.L5 = await lesson(s1, tA, '2027-11-11T16:00:00-04:00', 30, 'cancelled', { cancelledBy: admin.id });
  lessons.L6 = await lesson(s2, tB, '2027-11-17T17:00:00-04:00', 60, 'cancelled', { cancelledBy: bob.id });
  lessons.L8 = await lesson(s2, tB, '2027-11-24T17:00:00-04:00', 60, 'rescheduled');
  lessons.L9 = await lesson(s1, tA, '2026-11-02T16:00:00-04:00', 30, 'scheduled'); // in the past, attendance never taken
  lessons.L10 = await lesson(s1, tA, '2027-12-06T16:00:00-04:00', 30, 'completed', { attendance: 'present', type: 'makeup' });

  // Weekly hours: Alice Mondays 15–19 and Sundays 00–04 (5 real hours on 2027-11-07); Bob Wednesdays and Thursdays 16–20.
  await db.sql.query(
    `INSERT INTO teacher_availability (teacher_id, weekday, start_time, end_time) VALUES ($1, 1, '15:00', '19:00'), ($1, 7, '00:00', '04:00'), ($2, 3, '16:00', '20:00'), ($2, 4, '16:00', '20:00')`,
    [tA, tB],
  );
  await db.sql.query(`INSERT INTO closures (name, starts_on, ends_on) VALUES ('Remembrance Day', '2027-11-11', '2027-11-11')`);
  // Bob: two overlapping absences on 2027-11-03 (17:00–18:30 local: 90 minutes), and all of 2027-11-10.
  await db.sql.query(
    `INSERT INTO teacher_time_off (teacher_id, starts_at, ends_at) VALUES
       ($1, '2027-11-03T17:00:00-03:00', '2027-11-03T18:00:00-03:00'), ($1, '2027-11-03T17:30:00-03:00', '2027-11-03T18:30:00-03:00'),
       ($1, '2027-11-10T00:00:00-04:00', '2027-11-11T00:00:00-04:00')`,
    [tB],
  );

  // Make-up credits: open (Bob's cancellation), used (the closure's), expired (granted by hand).
  await db.sql.query(
    `INSERT INTO makeup_credits (student_id, source_lesson_id, granted_at, expires_on, used_lesson_id) VALUES
       ($1, $3, '2027-11-17T22:00:00Z', '2028-02-15', NULL), ($2, $4, '2027-11-11T12:00:00Z', '2028-02-09', $5), ($2, NULL, '2027-10-05T12:00:00Z', '2027-11-15', NULL)`,
    [s2, s1, lessons.L6, lessons.L5, lessons.L10],
  );

  // Enrollments: three completed (10 min, 1 h, 2 days after a wait), one waitlisted, one rejected; one pending in October locally.
  const enrollment = (status: string, createdAt: string, decidedAt: string | null, name: string, promoted = false) =>
    q(
      `INSERT INTO enrollments (status, source, submission, parent_email, student_first_name, student_last_name, student_date_of_birth, instrument, created_at, decided_at, promoted_at)
       VALUES ($1, 'public', '{}'::jsonb, 'family@example.com', $4, 'Form', '2016-05-05', 'piano', $2, $3, CASE WHEN $5 THEN $3::timestamptz END) RETURNING id`,
      [status, createdAt, decidedAt, name, promoted],
    );
  await enrollment('completed', '2027-11-02T12:00:00Z', '2027-11-02T12:10:00Z', 'Ann');
  await enrollment('completed', '2027-11-03T12:00:00Z', '2027-11-03T13:00:00Z', 'Ben');
  await enrollment('completed', '2027-11-04T12:00:00Z', '2027-11-06T12:00:00Z', 'Cat', true);
  await enrollment('waitlisted', '2027-11-05T12:00:00Z', '2027-11-05T12:01:00Z', 'Dan');
  await enrollment('rejected', '2027-11-06T12:00:00Z', '2027-11-06T12:05:00Z', 'Eve');
  await enrollment('pending', '2027-11-01T02:30:00Z', null, 'Fay');

  await buildMoney(db, q, { s1, s2, s3, p1: parents[0].id, p2: parents[1].id, p3: parents[2].id, L1: lessons.L1 });
  await db.sql.query(`INSERT INTO family_flags (parent_id, reason) VALUES ($1, 'Dunning exhausted')`, [parents[0].id]);
  return { admin, alice, bob, parents, students: { s1, s2, s3 }, lessons };
}

/**
 * Payments, invoices and the ledger. Billed: Oct 4500, Nov 20000. Collected: Oct 2500, Nov 12000,
 * Dec 5000. Refunded: Nov 1500. Owed at 2027-11-30: P1 2000 (41 days) + 7000 (71 days), P2
 * 5000 (27 days; settled on Dec 10) + 3000 (20 days), P3 12000 (107 days).
 */
async function buildMoney(
  db: Database,
  q: (text: string, params?: unknown[]) => Promise<number>,
  ids: { s1: number; s2: number; s3: number; p1: number; p2: number; p3: number; L1: number },
): Promise<void> {
  const payment = (f: {
    parent: number;
    student: number;
    lesson?: number;
    cents: number;
    status: string;
    method?: string;
    createdAt: string;
    paidAt?: string;
    failedAt?: string;
    refunded?: number;
    settles?: number;
  }) =>
    q(
      `INSERT INTO payments (parent_id, student_id, lesson_id, amount_cents, status, method, gateway, created_at, paid_at, first_failed_at, refunded_cents, settles_payment_id)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6 = 'card' THEN 'simulated' END, $7, $8, $9, $10, $11) RETURNING id`,
      [f.parent, f.student, f.lesson ?? null, f.cents, f.status, f.method ?? 'card', f.createdAt, f.paidAt ?? null, f.failedAt ?? null, f.refunded ?? 0, f.settles ?? null],
    );
  const ledger = (parent: number, paymentId: number | null, invoiceId: number | null, kind: string, cents: number, at: string, key: string, gateway = 'simulated') =>
    q(
      `INSERT INTO ledger_entries (parent_id, payment_id, invoice_id, kind, amount_cents, gateway, gateway_object_id, entry_key, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id`,
      [parent, paymentId, invoiceId, kind, cents, gateway, key, at],
    );
  const subscription = (parent: number, student: number, status: string) =>
    q(
      `INSERT INTO lesson_subscriptions (parent_id, student_id, gateway, status, billing_interval, lessons_per_period, amount_cents) VALUES ($1, $2, 'simulated', $3, 'month', 4, 8000) RETURNING id`,
      [parent, student, status],
    );
  const invoice = (parent: number, sub: number, status: string, due: number, paid: number, periodStart: string, key: string, paidAt: string | null = null) =>
    q(
      `INSERT INTO invoices (parent_id, subscription_id, gateway, gateway_invoice_id, status, amount_due_cents, amount_paid_cents, period_start, paid_at)
       VALUES ($1, $2, 'simulated', $3, $4, $5, $6, $7, $8) RETURNING id`,
      [parent, sub, key, status, due, paid, periodStart, paidAt],
    );

  const pay1 = await payment({
    parent: ids.p1,
    student: ids.s1,
    lesson: ids.L1,
    cents: 4000,
    status: 'partially_refunded',
    createdAt: '2027-11-01T20:00:00Z',
    paidAt: '2027-11-01T20:00:05Z',
    refunded: 1500,
  });
  await ledger(ids.p1, pay1, null, 'payment', 4000, '2027-11-01T20:00:05Z', 'payment:pi_1');
  await ledger(ids.p1, pay1, null, 'refund', -1500, '2027-11-20T15:00:00Z', 'refund:re_1');
  const pay2 = await payment({ parent: ids.p2, student: ids.s2, cents: 5000, status: 'failed', createdAt: '2027-11-03T12:00:00Z', failedAt: '2027-11-03T12:00:00Z' });
  const pay3 = await payment({
    parent: ids.p2,
    student: ids.s2,
    cents: 5000,
    status: 'succeeded',
    createdAt: '2027-12-10T12:00:00Z',
    paidAt: '2027-12-10T12:00:00Z',
    settles: pay2,
  });
  await db.sql.query(`UPDATE payments SET status = 'cancelled', settled_by_payment_id = $2 WHERE id = $1`, [pay2, pay3]);
  await ledger(ids.p2, pay3, null, 'payment', 5000, '2027-12-10T12:00:00Z', 'payment:pi_3');
  const pay4 = await payment({
    parent: ids.p3,
    student: ids.s3,
    cents: 2500,
    status: 'succeeded',
    method: 'cash',
    createdAt: '2027-10-20T14:00:00Z',
    paidAt: '2027-10-20T14:00:00Z',
  });
  await ledger(ids.p3, pay4, null, 'payment', 2500, '2027-10-20T03:00:00Z', 'offline:1', 'offline');
  await payment({ parent: ids.p1, student: ids.s1, cents: 2000, status: 'failed', createdAt: '2027-10-20T12:00:00Z', failedAt: '2027-10-20T12:00:00Z' });

  const sub1 = await subscription(ids.p1, ids.s1, 'active');
  const sub2 = await subscription(ids.p2, ids.s2, 'active');
  const sub3 = await subscription(ids.p3, ids.s3, 'past_due');
  await invoice(ids.p3, sub3, 'open', 12000, 0, '2027-08-15T03:00:00Z', 'in_1');
  const i2 = await invoice(ids.p1, sub1, 'paid', 8000, 8000, '2027-11-01T03:00:00Z', 'in_2', '2027-11-01T03:00:10Z');
  await ledger(ids.p1, null, i2, 'payment', 8000, '2027-11-01T03:00:10Z', 'payment:pi_i2');
  const i4 = await invoice(ids.p1, sub1, 'open', 8000, 1000, '2027-09-20T03:00:00Z', 'in_4');
  await ledger(ids.p1, null, i4, 'payment', 1000, '2027-09-25T12:00:00Z', 'payment:pi_i4');
  await invoice(ids.p2, sub2, 'open', 3000, 0, '2027-11-10T04:00:00Z', 'in_5');
}
