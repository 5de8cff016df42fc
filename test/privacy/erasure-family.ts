/**
 * A family with something of everything personal (lessons past and future with notes, a saved
 * card, a payment with a receipt, a subscription and its invoice, a conversation, mails, in-app
 * notices, audit rows, an enrollment form, a consent, a password), for the erasure tests, and the
 * search of the whole database for what identifies it.
 */
import { randomInt } from 'node:crypto';
import { expect } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import type { PaymentWorld, User } from '../payments/fixture.js';

export const PASSWORD = 'Erase-me-0123!';

export interface RichFamily {
  parent: User;
  studentId: number;
  pastLessonId: number;
  futureLessonId: number;
  cardId: string;
  customerId: string;
  subscriptionId: string;
  email: string;
  /** Everything that identifies the family: names, e-mails, phone. */
  terms: string[];
}

const letters = (n: number): string => Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');

export async function buildRichFamily(w: PaymentWorld): Promise<RichFamily> {
  const tag = letters(6);
  const f = await w.family(1);
  const studentId = f.children[0]!;
  const first = `Zephyrine${tag}`;
  const last = `Quillfeather${tag}`;
  const child = `Marigold${tag}`;
  const email = `zephyrine.${tag}@family.example`;
  const childEmail = `marigold.${tag}@kids.example`;
  const phone = `+1902555${randomInt(1000, 9999)}`;
  await w.sql('UPDATE users SET first_name = $2, last_name = $3, email = $4, phone = $5, password_hash = $6 WHERE id = $1', [
    f.parent.id,
    first,
    last,
    email,
    phone,
    await hashPassword(PASSWORD),
  ]);
  await w.sql('UPDATE students SET first_name = $2, last_name = $3, email = $4 WHERE id = $1', [studentId, child, last, childEmail]);
  const parent = { ...f.parent, email };
  const admin = w.admin;
  const inject = (method: 'POST' | 'PATCH' | 'GET', url: string, user: User, payload?: Record<string, unknown>) =>
    w.stack.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });

  // lessons: one past (completed, with notes), one future (scheduled, with notes)
  const pastLessonId = await w.lesson(studentId, -7);
  await w.sql(`UPDATE lessons SET status = 'completed', attendance = 'present', notes = $2, private_notes = $3 WHERE id = $1`, [
    pastLessonId,
    `${child} played the minuet well`,
    `${first} asked about fees`,
  ]);
  const futureLessonId = await w.lesson(studentId, 5);
  await w.sql('UPDATE lessons SET notes = $2 WHERE id = $1', [futureLessonId, `Bring ${child}'s new book`]);

  // a card, a payment with a receipt, a subscription (its first invoice)
  const card = await inject('POST', `/api/v1/billing/${parent.id}/payment-methods`, parent, { paymentMethod: 'pm_card_visa', makeDefault: true });
  expect(card.statusCode, card.body).toBe(201);
  const paid = await w.process(parent, { studentId, amountCents: 4500, description: `Piano lesson of ${child} ${last}` });
  expect(paid.json(), paid.body).toMatchObject({ status: 'succeeded' });
  const sub = await inject('POST', `/api/v1/billing/${parent.id}/subscription`, admin, { action: 'start', studentId, interval: 'month' });
  expect(sub.statusCode, sub.body).toBeLessThan(300);
  await w.idle();

  // the student's record changed by the office (an audit row with before/after)
  const patched = await inject('PATCH', `/api/v1/students/${studentId}`, admin, { notes: `${child} is allergic to nuts; call ${phone}` });
  expect(patched.statusCode, patched.body).toBe(200);

  // the child's progress: a goal, a piece and an exam, written through the API (audited)
  const goal = await inject('POST', `/api/v1/students/${studentId}/goals`, admin, { title: `${child} plays at the spring recital`, description: `Call ${phone} about it` });
  expect(goal.statusCode, goal.body).toBe(201);
  const piece = await inject('POST', `/api/v1/students/${studentId}/repertoire`, admin, { title: 'Minuet in G', composer: 'Petzold', status: 'learning' });
  expect(piece.statusCode, piece.body).toBe(201);
  // a progress report drafted and sent
  await w.sql(
    `INSERT INTO progress_reports (student_id, parent_id, period_from, period_to, cadence, status, figures, draft, sent_text, source)
     VALUES ($1, $2, '2026-10-01', '2026-10-31', 'monthly', 'sent', '{}'::jsonb, $3::jsonb, $4, 'rules')`,
    [studentId, parent.id, JSON.stringify({ subject: `${child}'s report`, message: `Hello ${first}` }), `Hello ${first}, ${child} did well`],
  );

  // a conversation with the teacher, an enrollment form, a consent
  const [conversation] = await w.sql<{ id: number }>(
    `INSERT INTO conversations (subject, parent_id, teacher_user_id, with_school, student_id, started_by) VALUES ($1, $2, $3, false, $4, $2) RETURNING id`,
    [`About ${child}`, parent.id, w.teacher.id, studentId],
  );
  await w.sql(`INSERT INTO conversation_messages (conversation_id, author_id, author_role, body) VALUES ($1, $2, 'parent', $3), ($1, $4, 'teacher', $5)`, [
    conversation!.id,
    parent.id,
    `Hello, this is ${first} ${last}, ${child}'s mother. Reach me at ${email}.`,
    w.teacher.id,
    `Thanks ${first}!`,
  ]);
  await w.sql(
    `INSERT INTO enrollments (status, source, submission, parent_email, student_first_name, student_last_name, student_date_of_birth, instrument, parent_id, student_id)
     VALUES ('completed', 'public', $1::jsonb, $2, $3, $4, '2014-02-03', 'piano', $5, $6)`,
    [JSON.stringify({ parent: { firstName: first, lastName: last, email, phone }, student: { firstName: child, lastName: last } }), email, child, last, parent.id, studentId],
  );
  await w.sql(`INSERT INTO consents (user_id, kind, granted, version, ip) VALUES ($1, 'privacy', true, '2026-01', '203.0.113.7')`, [parent.id]);

  const [customer] = await w.sql<{ gateway_customer_id: string }>('SELECT gateway_customer_id FROM billing_customers WHERE parent_id = $1', [parent.id]);
  const [subscription] = await w.sql<{ gateway_subscription_id: string }>('SELECT gateway_subscription_id FROM lesson_subscriptions WHERE parent_id = $1', [parent.id]);
  return {
    parent,
    studentId,
    pastLessonId,
    futureLessonId,
    cardId: card.json().id,
    customerId: customer!.gateway_customer_id,
    subscriptionId: subscription!.gateway_subscription_id,
    email,
    terms: [first, last, child, email, childEmail, phone],
  };
}

/**
 * Every text, character, JSON and array column of every table of the database (all schemas) that
 * holds one of `terms` (case-insensitive), as `table.column: count`. The simulated gateway's own
 * tables (`sim_gateway_*`) are left out: they stand for the card processor's systems, not ours.
 */
export async function findTerms(w: PaymentWorld, terms: readonly string[]): Promise<Record<string, number>> {
  const columns = await w.sql<{ schema: string; table: string; column: string }>(
    `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column
     FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
       AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')
       AND c.table_name NOT LIKE 'sim\\_gateway\\_%'
     ORDER BY 1, 2, 3`,
  );
  expect(columns.length).toBeGreaterThan(100);
  const patterns = terms.map((t) => `%${t.toLowerCase()}%`);
  const hits: Record<string, number> = {};
  for (const { schema, table, column } of columns) {
    const [row] = await w.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}"."${table}" WHERE lower("${column}"::text) LIKE ANY ($1::text[])`, [patterns]);
    if (row && row.n > 0) hits[`${schema === 'public' ? '' : `${schema}.`}${table}.${column}`] = row.n;
  }
  return hits;
}
