/** Shared pieces of the notification tests: stacks, users with addresses, run and outbox readers. */
import type { RunRecord } from '../../src/engine/index.js';
import { sendNotification } from '../../src/modules/notifications/send.js';
import type { NotificationRequest } from '../../src/modules/notifications/types.js';
import type { NotificationSummary } from '../../src/modules/notifications/workflows/summary.js';
import { createUser } from '../helpers/app.js';
import type { TestStack } from '../helpers/stack.js';

export const WAIT_MS = 25_000;

let counter = 0;
/** A unique suffix for idempotency keys and addresses. */
export const unique = (): string => `${process.pid}-${Date.now()}-${++counter}`;

/** A user with a first name and, optionally, a phone number. */
export async function userWith(stack: TestStack, role: 'admin' | 'teacher' | 'parent', fields: { phone?: string; firstName?: string } = {}) {
  const user = await createUser(stack.database.db, role, { firstName: fields.firstName ?? 'Jane', email: `${role}.${unique()}@family.example` });
  if (fields.phone) {
    await stack.database.db.sql.query('UPDATE users SET phone = $2 WHERE id = $1', [user.id, fields.phone]);
    // SMS goes only with the recipient's consent: a user given a phone here has granted it.
    await stack.database.db.sql.query(`INSERT INTO consents (user_id, kind, granted, version, source) VALUES ($1, 'sms', true, 'test', 'seed')`, [user.id]);
  }
  return user;
}

/** Starts a notification and waits for its run to end. */
export async function notify(stack: TestStack, request: NotificationRequest, key = unique()): Promise<RunRecord> {
  const { runId } = await sendNotification(stack.services.workflows, request, key);
  return stack.engine.waitFor(runId, WAIT_MS);
}

/** The `track` node's summary of a finished run. */
export async function summaryOf(stack: TestStack, runId: string): Promise<NotificationSummary> {
  const [row] = await stack.database.db.sql.query<{ output: NotificationSummary }>(
    `SELECT output FROM workflow_steps WHERE run_id = $1 AND node_id = 'track' AND status = 'succeeded'`,
    [runId],
  );
  if (!row) throw new Error(`run ${runId} has no track output`);
  return row.output;
}

export interface OutboxRecord {
  id: number;
  channel: string;
  recipient: string;
  status: string;
  attempts: number;
  last_error: string | null;
  provider: string | null;
  provider_message_id: string | null;
  subject: string | null;
  body_text: string | null;
  body_html: string | null;
  run_id: string | null;
  template: string;
}

export async function outboxOfRun(stack: TestStack, runId: string): Promise<OutboxRecord[]> {
  return stack.database.db.sql.query<OutboxRecord>('SELECT * FROM outbox WHERE run_id = $1 ORDER BY channel', [runId]);
}

/** Valid data of the lesson templates (lesson_reminder, lesson_confirmation). */
export const lessonData = {
  studentName: 'Emma Wilson',
  teacherName: 'Clara Schumann',
  startsAt: '2030-05-07T20:00:00Z',
  durationMinutes: 30,
};
