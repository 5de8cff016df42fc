/**
 * What belongs to a family: the one list the privacy export (and, later, anything else that must
 * find "everything about this family") reads. Each source is one SELECT whose only parameter `$1`
 * is the subject's user id; its family is that user and the students whose parent they are. Every
 * source becomes `<name>.json` in the zip, and `<name>.csv` unless it is `tabular: false`.
 *
 * To add a table (a new module's records): append a source here with the SQL that finds the
 * family's rows; the fragments below name the family's students, lessons, payments and
 * conversations. Columns that must never leave the school (private lesson notes, password and token
 * hashes, one-time link tokens) are also removed by `scrubRow` (collect.ts) whatever a source selects.
 */

/** The subject's children (students whose parent is $1). */
export const FAMILY_STUDENTS = '(SELECT s.id FROM students s WHERE s.parent_id = $1)';
/** Every lesson of the subject's children. */
export const FAMILY_LESSONS = `(SELECT l.id FROM lessons l WHERE l.student_id IN ${FAMILY_STUDENTS})`;
/** Every payment of the family (billed to the subject). */
export const FAMILY_PAYMENTS = '(SELECT p.id FROM payments p WHERE p.parent_id = $1)';
/** Enrollments of the family: linked to the subject or a child, or sent with the subject's e-mail. */
export const FAMILY_ENROLLMENTS = `(SELECT e.id FROM enrollments e WHERE e.parent_id = $1 OR e.student_id IN ${FAMILY_STUDENTS}
  OR lower(e.parent_email) = (SELECT lower(u.email) FROM users u WHERE u.id = $1))`;
/** Conversations the subject is a side of, or about one of their children. */
export const FAMILY_CONVERSATIONS = `(SELECT c.id FROM conversations c WHERE c.parent_id = $1 OR c.teacher_user_id = $1 OR c.student_id IN ${FAMILY_STUDENTS})`;
/** Addresses of the family (the subject's e-mail and phone, the children's e-mails), lower case. */
const FAMILY_ADDRESSES = `(SELECT lower(u.email) FROM users u WHERE u.id = $1
  UNION SELECT u.phone FROM users u WHERE u.id = $1 AND u.phone IS NOT NULL
  UNION SELECT lower(s.email) FROM students s WHERE s.parent_id = $1 AND s.email IS NOT NULL)`;

export interface FamilySource {
  /** File name in the zip (without extension): lower case, digits and underscores. */
  readonly name: string;
  /** One line for README.txt: what the file holds. */
  readonly description: string;
  /** A SELECT of the family's rows; `$1` is the subject's user id. Ordered, so exports are stable. */
  readonly sql: string;
  /** Columns of the rows left out (staff-only columns of a `SELECT *`), besides those collect.ts always drops. */
  readonly withhold?: readonly string[];
  /** Whether a CSV is written beside the JSON (default true). */
  readonly tabular?: boolean;
}

/** Audit entities whose rows are "about" the family, each with the ids of the family's records. */
const auditedEntities: ReadonlyArray<[entity: string, ids: string]> = [
  ['user', '(SELECT $1::integer)'],
  ['student', FAMILY_STUDENTS],
  ['lesson', FAMILY_LESSONS],
  ['payment', FAMILY_PAYMENTS],
  ['enrollment', FAMILY_ENROLLMENTS],
  ['subscription', '(SELECT x.id FROM lesson_subscriptions x WHERE x.parent_id = $1)'],
  ['invoice', '(SELECT i.id FROM invoices i WHERE i.parent_id = $1)'],
  ['payment_method', '(SELECT m.id FROM saved_payment_methods m WHERE m.parent_id = $1)'],
  ['conversation', FAMILY_CONVERSATIONS],
  ['privacy_export', '(SELECT x.id FROM privacy_exports x WHERE x.user_id = $1)'],
];
const auditAbout = auditedEntities.map(([entity, ids]) => `(a.entity = '${entity}' AND a.entity_id IN (SELECT id::text FROM ${ids} AS ids(id)))`).join('\n    OR ');

export const familySources: readonly FamilySource[] = [
  {
    name: 'account',
    tabular: false,
    description: 'The account: name, e-mail, phone, role, status, sign-in and creation times (no password).',
    sql: `SELECT id, email, first_name, last_name, phone, role, is_active, last_login_at, ai_processing_declined, created_at, updated_at
          FROM users WHERE id = $1`,
  },
  {
    name: 'students',
    description: 'The children (students) of the account: names, date of birth, instrument, level, rate, teacher.',
    // The office's notes on a student are staff-only, as in every answer a parent gets.
    withhold: ['notes'],
    sql: `SELECT s.*, tu.first_name || ' ' || tu.last_name AS teacher_name
          FROM students s LEFT JOIN teachers t ON t.id = s.teacher_id LEFT JOIN users tu ON tu.id = t.user_id
          WHERE s.parent_id = $1 ORDER BY s.id`,
  },
  {
    name: 'lessons',
    description: "The children's lessons: time, length, teacher, status, attendance and the notes shared with the family.",
    sql: `SELECT l.id, l.student_id, l.teacher_id, tu.first_name || ' ' || tu.last_name AS teacher_name, l.scheduled_at, l.ends_at,
                 l.duration_minutes, l.lesson_type, l.status, l.payment_status, l.series_id, l.rescheduled_from_id, l.cancelled_at,
                 l.cancellation_reason, l.attendance, l.completed_at, l.notes, l.created_at, l.updated_at
          FROM lessons l JOIN teachers t ON t.id = l.teacher_id JOIN users tu ON tu.id = t.user_id
          WHERE l.student_id IN ${FAMILY_STUDENTS} ORDER BY l.scheduled_at, l.id`,
  },
  {
    name: 'makeup_credits',
    description: 'Make-up lessons owed to the children: why, when granted, used or expiring.',
    sql: `SELECT * FROM makeup_credits WHERE student_id IN ${FAMILY_STUDENTS} ORDER BY id`,
  },
  {
    name: 'goals',
    description: "The children's goals set with their teachers: target dates and status.",
    sql: `SELECT * FROM student_goals WHERE student_id IN ${FAMILY_STUDENTS} ORDER BY id`,
  },
  {
    name: 'repertoire',
    description: 'Pieces the children learn, polish and perform.',
    sql: `SELECT * FROM student_pieces WHERE student_id IN ${FAMILY_STUDENTS} ORDER BY id`,
  },
  {
    name: 'assessments',
    description: 'Exams the children took or are preparing (exam body, level, date, result).',
    sql: `SELECT * FROM student_assessments WHERE student_id IN ${FAMILY_STUDENTS} ORDER BY id`,
  },
  {
    name: 'progress_reports',
    description: 'Progress reports of the children: the figures, the office’s flags, the draft and the text sent, with their status.',
    sql: `SELECT id, student_id, period_from, period_to, cadence, status, figures, flags, draft, sent_text, source, created_at, decided_at, sent_at
          FROM progress_reports WHERE student_id IN ${FAMILY_STUDENTS} OR parent_id = $1 ORDER BY id`,
  },
  {
    name: 'approvals',
    description: 'Replies and changes drafted for the family (by an AI provider or the rules) and what the office decided.',
    sql: `SELECT id, kind, status, title, draft, shared, source, created_at, decided_at, edits, decision_reason
          FROM approvals WHERE parent_id = $1 OR student_id IN ${FAMILY_STUDENTS} ORDER BY id`,
  },
  {
    name: 'tasks',
    description: "The office's follow-up tasks about the family.",
    sql: `SELECT id, title, details, due_on, status, created_at, closed_at FROM tasks WHERE user_id = $1 OR student_id IN ${FAMILY_STUDENTS} ORDER BY id`,
  },
  {
    name: 'enrollments',
    description: 'Enrollment forms sent for the family, as submitted, with their outcome.',
    sql: `SELECT * FROM enrollments WHERE id IN ${FAMILY_ENROLLMENTS} ORDER BY id`,
  },
  {
    name: 'waitlist',
    description: 'Enrollments of the family waiting for a place (also in enrollments).',
    sql: `SELECT id, instrument, student_first_name, student_last_name, created_at AS waiting_since, promoted_at
          FROM enrollments WHERE id IN ${FAMILY_ENROLLMENTS} AND status = 'waitlisted' ORDER BY id`,
  },
  {
    name: 'consents',
    description: 'Consents given or refused by the account, or for a child, with their version and time.',
    sql: `SELECT * FROM consents WHERE user_id = $1 OR student_id IN ${FAMILY_STUDENTS} ORDER BY id`,
  },
  {
    name: 'payments',
    description: 'Payments billed to the account (amounts in cents), with their status, receipt number and refunds.',
    sql: `SELECT * FROM payments WHERE parent_id = $1 ORDER BY id`,
  },
  {
    name: 'payment_attempts',
    description: 'Every charge attempt of those payments.',
    sql: `SELECT * FROM payment_attempts WHERE payment_id IN ${FAMILY_PAYMENTS} ORDER BY id`,
  },
  {
    name: 'receipts',
    description: 'Receipts issued: succeeded payments and paid subscription invoices, by receipt number.',
    sql: `SELECT receipt_number, 'payment' AS kind, id AS payment_id, NULL::integer AS invoice_id, amount_cents, currency, paid_at
          FROM payments WHERE parent_id = $1 AND receipt_number IS NOT NULL
          UNION ALL
          SELECT receipt_number, 'invoice', NULL, id, amount_paid_cents, currency, paid_at
          FROM invoices WHERE parent_id = $1 AND receipt_number IS NOT NULL
          ORDER BY receipt_number`,
  },
  {
    name: 'subscriptions',
    description: 'Lesson subscriptions of the children.',
    sql: `SELECT * FROM lesson_subscriptions WHERE parent_id = $1 ORDER BY id`,
  },
  {
    name: 'invoices',
    description: 'Subscription invoices.',
    sql: `SELECT * FROM invoices WHERE parent_id = $1 ORDER BY id`,
  },
  {
    name: 'invoice_lines',
    description: 'What each subscription period charged: one line per lesson, with its price and invoice.',
    sql: `SELECT p.id AS period_id, p.subscription_id, p.invoice_id, p.period_start, p.period_end, pl.lesson_id, pl.amount_cents, p.currency
          FROM subscription_periods p JOIN subscription_period_lessons pl ON pl.period_id = p.id
          WHERE p.parent_id = $1 ORDER BY p.period_start, pl.lesson_id`,
  },
  {
    name: 'ledger',
    description: 'Money received from and refunded to the account, as recorded in the school ledger.',
    sql: `SELECT * FROM ledger_entries WHERE parent_id = $1 ORDER BY id`,
  },
  {
    name: 'late_fees',
    description: 'Late fees assessed (or waived).',
    sql: `SELECT * FROM late_fees WHERE parent_id = $1 ORDER BY id`,
  },
  {
    name: 'saved_cards',
    description: 'Cards saved at the payment gateway, as it describes them: brand, last four digits, expiry (the card number is never held by the school).',
    sql: `SELECT id, gateway, brand, last4, exp_month, exp_year, is_default, created_at FROM saved_payment_methods WHERE parent_id = $1 ORDER BY id`,
  },
  {
    name: 'conversations',
    description: 'Conversations with the school or a teacher.',
    sql: `SELECT * FROM conversations WHERE id IN ${FAMILY_CONVERSATIONS} ORDER BY id`,
  },
  {
    name: 'messages',
    description: 'The messages of those conversations, with their author.',
    sql: `SELECT m.id, m.conversation_id, m.author_id, au.first_name || ' ' || au.last_name AS author_name, m.author_role, m.body, m.created_at
          FROM conversation_messages m LEFT JOIN users au ON au.id = m.author_id
          WHERE m.conversation_id IN ${FAMILY_CONVERSATIONS} ORDER BY m.conversation_id, m.id`,
  },
  {
    name: 'notifications',
    description: 'In-app notifications sent to the account.',
    sql: `SELECT * FROM notifications WHERE user_id = $1 ORDER BY id`,
  },
  {
    name: 'notification_preferences',
    description: 'How the account chose to be told (e-mail, SMS, in-app).',
    sql: 'SELECT * FROM notification_preferences WHERE user_id = $1',
  },
  {
    name: 'calendar_links',
    description: 'Calendar links made for the family (when made and revoked; the secret link itself is not kept by the school).',
    sql: 'SELECT id, owner_kind, created_by, created_at, revoked_at FROM calendar_feeds WHERE parent_id = $1 ORDER BY id',
  },
  {
    name: 'outbox',
    description: 'E-mails and text messages sent to the family (one-time link tokens removed).',
    sql: `SELECT id, channel, recipient, template, subject, body_text, status, sent_at, created_at
          FROM outbox WHERE user_id = $1 OR lower(recipient) IN ${FAMILY_ADDRESSES} ORDER BY id`,
  },
  {
    name: 'audit',
    description: 'Audit log entries about the account and its records: who did what, when, and the record before and after.',
    // A student's snapshots lose the office's notes (staff-only); collect.ts drops private lesson notes.
    sql: `SELECT a.id, a.actor_id, a.actor_role, a.action, a.entity, a.entity_id,
                 CASE WHEN a.entity = 'student' AND jsonb_typeof(a.before) = 'object' THEN a.before - 'notes' ELSE a.before END AS before,
                 CASE WHEN a.entity = 'student' AND jsonb_typeof(a.after) = 'object' THEN a.after - 'notes' ELSE a.after END AS after,
                 a.created_at
          FROM audit_log a
          WHERE ${auditAbout}
          ORDER BY a.id`,
  },
];
