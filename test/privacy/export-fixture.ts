/** Pieces of the privacy export tests: a zip reader (yauzl) and the records every family gets. */
import yauzl from 'yauzl';
import type { Database } from '../../src/db/client.js';

/** Every file of a zip, by name, as UTF-8 text. */
export function readZip(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const files = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/**
 * Records of one family beyond createTwoFamilies' student, lesson and payment: a consent, a make-up
 * credit, a waitlisted enrollment, a saved card, a subscription with a paid invoice and its line, an
 * in-app notification, a mail with a one-time link and a late fee. `marker` is in their texts.
 */
export async function seedFamilyRecords(
  db: Database,
  family: { parentId: number; email: string; studentId: number; lessonId: number; paymentId: number; marker: string },
): Promise<void> {
  const q = (text: string, params: unknown[]) => db.sql.query<{ id: number }>(text, params);
  const { parentId, email, studentId, lessonId, paymentId, marker } = family;
  await q(`UPDATE students SET notes = $2 WHERE id = $1`, [studentId, `STAFFNOTE ${marker}`]);
  await q(`INSERT INTO consents (user_id, student_id, kind, granted, version) VALUES ($1, $2, 'photo', true, 'v1'), ($1, NULL, 'data_processing', true, 'v1')`, [
    parentId,
    studentId,
  ]);
  await q(`INSERT INTO makeup_credits (student_id, reason) VALUES ($1, $2)`, [studentId, `credit ${marker}`]);
  await q(
    `INSERT INTO progress_reports (student_id, parent_id, period_from, period_to, cadence, figures, draft, source)
     VALUES ($1, $2, '2026-10-01', '2026-10-31', 'office', '{}'::jsonb, $3::jsonb, 'rules')`,
    [studentId, parentId, JSON.stringify({ subject: 'October', message: `report ${marker}` })],
  );
  await q(
    `INSERT INTO enrollments (status, source, submission, parent_email, student_first_name, student_last_name, student_date_of_birth, instrument)
     VALUES ('waitlisted', 'public', $2::jsonb, $1, 'Sibling', $3, '2016-05-06', 'cello')`,
    [email, JSON.stringify({ parentEmail: email, paymentToken: `tok_${marker}`, note: marker }), marker],
  );
  await q(
    `INSERT INTO saved_payment_methods (parent_id, gateway, gateway_payment_method_id, brand, last4, exp_month, exp_year, is_default)
     VALUES ($1, 'simulated', $2, 'visa', '4242', 12, 2031, true)`,
    [parentId, `pm_${marker}`],
  );
  const [sub] = await q(
    `INSERT INTO lesson_subscriptions (parent_id, student_id, gateway, billing_interval, lessons_per_period, amount_cents, status)
     VALUES ($1, $2, 'simulated', 'month', 4, 18000, 'active') RETURNING id`,
    [parentId, studentId],
  );
  const [invoice] = await q(
    `INSERT INTO invoices (parent_id, subscription_id, gateway, gateway_invoice_id, status, amount_due_cents, amount_paid_cents, receipt_number, paid_at)
     VALUES ($1, $2, 'simulated', $3, 'paid', 18000, 18000, $4, now()) RETURNING id`,
    [parentId, sub!.id, `in_${marker}`, `R-I-${marker}`],
  );
  const [period] = await q(
    `INSERT INTO subscription_periods (subscription_id, parent_id, period_start, period_end, amount_cents, lesson_count, invoice_id)
     VALUES ($1, $2, now(), now() + interval '1 month', 4500, 1, $3) RETURNING id`,
    [sub!.id, parentId, invoice!.id],
  );
  await q(`INSERT INTO subscription_period_lessons (period_id, lesson_id, amount_cents) VALUES ($1, $2, 4500)`, [period!.id, lessonId]);
  await q(`UPDATE payments SET receipt_number = $2, paid_at = now() WHERE id = $1`, [paymentId, `R-P-${marker}`]);
  await q(`INSERT INTO notifications (user_id, kind, title, body) VALUES ($1, 'info', 'Hello', $2)`, [parentId, `in-app ${marker}`]);
  await q(
    `INSERT INTO outbox (channel, recipient, user_id, template, subject, body_text, status)
     VALUES ('email', $1, $2, 'set_password', 'Choose your password', $3, 'sent')`,
    [email, parentId, `Open https://portal.example/set-password?token=SECRET${marker} to choose it.`],
  );
  await q(`INSERT INTO late_fees (parent_id, source_payment_id, amount_cents, due_at) VALUES ($1, $2, 1000, now())`, [parentId, paymentId]);
}
