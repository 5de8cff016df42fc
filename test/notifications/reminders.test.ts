/**
 * Lesson reminders: two engines (two workers) on one database fire the reminder workflow at the
 * same time; each due lesson gets exactly one reminder (one notification run, one e-mail to the
 * parent, one to the student's own address), lessons outside the lead time or not scheduled get
 * none, and later firings send nothing again. The lead time comes from the settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LESSON_REMINDERS_WORKFLOW } from '../../src/modules/notifications/workflows/reminders.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { unique, userWith, WAIT_MS } from './helpers.js';

describe('lesson reminders', () => {
  let database: TestDatabase;
  let a: TestStack;
  let b: TestStack;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Two complete stacks (engine + worker each) on the same database; only the test disposes it.
    const shared = { ...database, dispose: async () => {} };
    a = await createTestStack({ database: shared });
    b = await createTestStack({ database: shared });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.dispose();
  });

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => database.db.sql.query<T>(text, params);

  /** A lesson starting `hours` from now; `status` other than scheduled to test exclusions. */
  async function lesson(hours: number, options: { status?: string; studentEmail?: string | null } = {}) {
    const parent = await userWith(a, 'parent', { firstName: 'Pat' });
    const teacher = await userWith(a, 'teacher', { firstName: 'Clara' });
    const [student] = await sql<{ id: number }>(
      `INSERT INTO students (parent_id, teacher_id, first_name, last_name, email, date_of_birth, instrument, lesson_rate_cents)
       VALUES ($1, $2, 'Emma', 'Wilson', $3, '2015-01-01', 'piano', 4500) RETURNING id`,
      [parent.id, teacher.teacherId, options.studentEmail ?? null],
    );
    const [row] = await sql<{ id: number }>(
      `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at, status)
       VALUES ($1, $2, date_trunc('minute', now()) + make_interval(mins => $3), 45,
               date_trunc('minute', now()) + make_interval(mins => $3 + 45), $4) RETURNING id`,
      [student!.id, teacher.teacherId, Math.round(hours * 60), options.status ?? 'scheduled'],
    );
    return { id: row!.id, parent };
  }

  /** Fires the reminder workflow on both engines at once; returns the two finished runs. */
  async function fireTwice() {
    const firing = unique();
    const [runA, runB] = await Promise.all([
      a.engine.start(LESSON_REMINDERS_WORKFLOW, { firedAt: new Date().toISOString() }, { idempotencyKey: `cron:a:${firing}` }),
      b.engine.start(LESSON_REMINDERS_WORKFLOW, { firedAt: new Date().toISOString() }, { idempotencyKey: `cron:b:${firing}` }),
    ]);
    return Promise.all([a.engine.waitFor(runA.run.id, WAIT_MS), b.engine.waitFor(runB.run.id, WAIT_MS)]);
  }

  /** Waits until every notification run has finished. */
  async function settle(): Promise<void> {
    const pending = await sql<{ id: string }>(
      `SELECT id FROM workflow_runs WHERE workflow_name = 'notification' AND status NOT IN ('succeeded', 'failed', 'compensated', 'cancelled', 'stopped')`,
    );
    for (const { id } of pending) await a.engine.waitFor(id, WAIT_MS);
  }

  it('sends exactly one reminder per due lesson, with two workers firing together', async () => {
    const due = await Promise.all([lesson(2, { studentEmail: 'emma.student@family.example' }), lesson(10), lesson(23.5)]);
    const later = await lesson(30);
    const cancelled = await lesson(5, { status: 'cancelled' });
    const past = await lesson(-2);

    const runs = await fireTwice();
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    // Each due lesson was claimed by exactly one of the two runs (without the claim both would count it).
    const outputs = await sql<{ output: { claimed: number } }>(`SELECT output FROM workflow_steps WHERE run_id = ANY($1::uuid[]) AND node_id = 'send' AND status = 'succeeded'`, [
      runs.map((r) => r.id),
    ]);
    expect(outputs.reduce((sum, o) => sum + o.output.claimed, 0)).toBe(3);
    await settle();

    const reminded = await sql<{ lesson_id: number; run_id: string | null }>('SELECT lesson_id, run_id FROM lesson_reminders ORDER BY lesson_id');
    expect(reminded.map((r) => r.lesson_id)).toEqual(due.map((l) => l.id).sort((x, y) => x - y));
    expect(reminded.every((r) => r.run_id !== null)).toBe(true);
    for (const l of due) {
      const mails = await sql<{ template: string; status: string; subject: string }>(`SELECT template, status, subject FROM outbox WHERE channel = 'email' AND user_id = $1`, [
        l.parent.id,
      ]);
      expect(mails).toEqual([{ template: 'lesson_reminder', status: 'kept', subject: expect.stringMatching(/^Reminder: Emma Wilson has a lesson on /) }]);
      const runsOfLesson = await sql(`SELECT 1 FROM workflow_runs WHERE idempotency_key = $1`, [`notify:reminder:${l.id}`]);
      expect(runsOfLesson).toHaveLength(1);
    }
    const studentMails = await sql<{ recipient: string; body_text: string }>(`SELECT recipient, body_text FROM outbox WHERE recipient = 'emma.student@family.example'`);
    expect(studentMails).toHaveLength(1);
    expect(studentMails[0]!.body_text).toContain('Hello Emma,');
    for (const l of [later, cancelled, past]) {
      expect(await sql('SELECT 1 FROM outbox WHERE user_id = $1', [l.parent.id])).toEqual([]);
    }

    // Later firings find nothing new.
    const again = await fireTwice();
    expect(again.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    await settle();
    expect(await sql(`SELECT 1 FROM outbox WHERE template = 'lesson_reminder'`)).toHaveLength(4);
  });

  it('uses the reminderLeadHours setting', async () => {
    await sql(`INSERT INTO settings (key, value) VALUES ('reminderLeadHours', '1') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`);
    try {
      const soon = await lesson(0.5);
      const notYet = await lesson(3);
      await fireTwice();
      await settle();
      expect(await sql('SELECT 1 FROM outbox WHERE user_id = $1', [soon.parent.id])).toHaveLength(1);
      expect(await sql('SELECT 1 FROM outbox WHERE user_id = $1', [notYet.parent.id])).toEqual([]);
    } finally {
      await sql(`DELETE FROM settings WHERE key = 'reminderLeadHours'`);
    }
  });
});
