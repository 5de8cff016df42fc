import type { SqlClient } from '../../src/db/sql-client.js';

/**
 * A year of the school's life on top of `generateSchool` (test/bench/school-data.ts), bulk-inserted
 * with set-based SQL, for the report benchmark: attendance on past lessons (3 % absent), 1 lesson in
 * 23 cancelled by the family (half of them giving a make-up credit); a monthly lesson subscription per
 * student with 12 invoices (1 in 30 left open), each paid one in the ledger; a 45.00 card payment per
 * student and month (1 in 20 failed, 1 in 50 partly refunded); 600 enrollment forms; a week of time
 * off per teacher. `firstMonth` is the local first day of the first month ('YYYY-MM-01').
 */
export async function generateSchoolYear(sql: SqlClient, shape: { zone: string; firstMonth: string }): Promise<{ payments: number; invoices: number; ledger: number }> {
  await sql.transaction(async (tx) => {
    await tx.query(`UPDATE lessons SET attendance = CASE WHEN id % 33 = 0 THEN 'absent' WHEN id % 31 = 0 THEN 'late' ELSE 'present' END WHERE status = 'completed'`);
    await tx.query(
      `UPDATE lessons l SET status = 'cancelled', attendance = NULL, cancelled_at = l.scheduled_at - interval '2 days', cancelled_by = s.parent_id
         FROM students s WHERE s.id = l.student_id AND l.id % 23 = 0`,
    );
    await tx.query(
      `INSERT INTO makeup_credits (student_id, source_lesson_id, granted_at, expires_on)
       SELECT student_id, id, cancelled_at, (cancelled_at AT TIME ZONE $1)::date + 90 FROM lessons WHERE status = 'cancelled' AND id % 2 = 0`,
      [shape.zone],
    );
    await tx.query(
      `INSERT INTO lesson_subscriptions (parent_id, student_id, gateway, status, billing_interval, lessons_per_period, amount_cents)
       SELECT parent_id, id, 'simulated', 'active', 'month', 4, 18000 FROM students`,
    );
    await tx.query(
      `INSERT INTO invoices (parent_id, subscription_id, gateway, gateway_invoice_id, status, amount_due_cents, amount_paid_cents, period_start, period_end, paid_at)
       SELECT s.parent_id, s.id, 'simulated', 'in_bench_' || s.id || '_' || m, CASE WHEN (s.id + m) % 30 = 0 THEN 'open' ELSE 'paid' END,
              18000, CASE WHEN (s.id + m) % 30 = 0 THEN 0 ELSE 18000 END, x.start, x.start + interval '1 month',
              CASE WHEN (s.id + m) % 30 = 0 THEN NULL ELSE x.start + interval '1 hour' END
         FROM lesson_subscriptions s CROSS JOIN generate_series(0, 11) m
         CROSS JOIN LATERAL (SELECT (($2::date + make_interval(months => m))::timestamp AT TIME ZONE $1) AS start) x`,
      [shape.zone, shape.firstMonth],
    );
    await tx.query(
      `INSERT INTO ledger_entries (parent_id, invoice_id, kind, amount_cents, gateway, gateway_object_id, entry_key, occurred_at)
       SELECT parent_id, id, 'payment', amount_paid_cents, 'simulated', 'pi_' || gateway_invoice_id, 'payment:pi_' || gateway_invoice_id, paid_at FROM invoices WHERE status = 'paid'`,
    );
    await tx.query(
      `INSERT INTO payments (parent_id, student_id, amount_cents, status, method, gateway, gateway_payment_intent_id, created_at, paid_at, first_failed_at, refunded_cents)
       SELECT s.parent_id, s.id, 4500, CASE WHEN (s.id + m) % 20 = 0 THEN 'failed' WHEN (s.id + m) % 50 = 1 THEN 'partially_refunded' ELSE 'succeeded' END,
              'card', 'simulated', 'pi_bench_' || s.id || '_' || m, x.at,
              CASE WHEN (s.id + m) % 20 = 0 THEN NULL ELSE x.at END, CASE WHEN (s.id + m) % 20 = 0 THEN x.at END,
              CASE WHEN (s.id + m) % 50 = 1 THEN 2000 ELSE 0 END
         FROM students s CROSS JOIN generate_series(0, 11) m
         CROSS JOIN LATERAL (SELECT (($2::date + make_interval(months => m, days => s.id % 27))::timestamp AT TIME ZONE $1) + interval '17 hours' AS at) x`,
      [shape.zone, shape.firstMonth],
    );
    await tx.query(
      `INSERT INTO ledger_entries (parent_id, payment_id, kind, amount_cents, gateway, gateway_object_id, entry_key, occurred_at)
       SELECT parent_id, id, 'payment', amount_cents, 'simulated', gateway_payment_intent_id, 'payment:' || gateway_payment_intent_id, paid_at FROM payments WHERE paid_at IS NOT NULL`,
    );
    await tx.query(
      `INSERT INTO ledger_entries (parent_id, payment_id, kind, amount_cents, gateway, gateway_object_id, entry_key, occurred_at)
       SELECT parent_id, id, 'refund', -refunded_cents, 'simulated', 're_' || id, 'refund:re_' || id, paid_at + interval '3 days' FROM payments WHERE refunded_cents > 0`,
    );
    await tx.query(
      `INSERT INTO enrollments (status, source, submission, parent_email, student_first_name, student_last_name, student_date_of_birth, instrument, created_at, decided_at, promoted_at)
       SELECT (ARRAY['completed', 'completed', 'completed', 'completed', 'completed', 'waitlisted', 'rejected', 'failed', 'completed', 'pending'])[g % 10 + 1],
              'public', '{}'::jsonb, 'applicant' || g || '@bench.example', 'Applicant', 'Number' || g, DATE '2015-01-01', 'piano', x.at,
              CASE WHEN g % 10 <> 9 THEN x.at + make_interval(hours => g % 50) END, CASE WHEN g % 40 = 0 THEN x.at + interval '1 day' END
         FROM generate_series(1, 600) g
         CROSS JOIN LATERAL (SELECT ($2::date::timestamp AT TIME ZONE $1) + make_interval(hours => g * 14) AS at) x`,
      [shape.zone, shape.firstMonth],
    );
    await tx.query(
      `INSERT INTO teacher_time_off (teacher_id, starts_at, ends_at, reason)
       SELECT t.id, x.at, x.at + interval '7 days', 'Holiday' FROM teachers t
        CROSS JOIN LATERAL (SELECT ($2::date::timestamp AT TIME ZONE $1) + make_interval(weeks => 10 + t.id % 30) AS at) x`,
      [shape.zone, shape.firstMonth],
    );
  });
  await sql.exec('ANALYZE');
  const [row] = await sql.query<{ payments: number; invoices: number; ledger: number }>(
    'SELECT (SELECT count(*) FROM payments)::int AS payments, (SELECT count(*) FROM invoices)::int AS invoices, (SELECT count(*) FROM ledger_entries)::int AS ledger',
  );
  return row!;
}
