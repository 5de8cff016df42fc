/**
 * The school's real worker (`src/main.ts worker`) is killed with SIGKILL in the middle of an
 * enrollment; a second worker process resumes the run after its last checkpoint. The enrollment
 * finishes once: one student, one demo lesson, one welcome mail to the parent and one to the
 * teacher (through a real SMTP server), one set-password link.
 *
 * Deterministic: the test holds the teacher's row lock, so the first worker stops inside `assign`
 * (after family and payment are checkpointed) until it is killed. Real PostgreSQL only.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/app.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../helpers/db.js';
import { startSchoolWorker, type SchoolWorker } from '../helpers/school-worker.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import type { TestStack } from '../helpers/stack.js';
import { createTeacher, enrollmentForm, enrollmentStack, eventually, type TestTeacher } from './helpers.js';

/** The school's worker on the test database, sending mail to the sink. */
const workerEnv = (databaseUrl: string, smtpUrl: string): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: '4',
  JWT_SECRET: 'kill-test-secret-kill-test-secret-0123456789',
  SMTP_URL: smtpUrl,
  WORKER_CONCURRENCY: '4',
});

describe.runIf(onRealPostgres)('a worker killed mid-enrollment', () => {
  let database: TestDatabase;
  let s: TestStack;
  let sink: SmtpSink;
  let teacher: TestTeacher;
  const workers: SchoolWorker[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
    database = await createTestDatabase();
    // This process only serves the API and starts runs; the workers are other processes.
    s = await enrollmentStack({ database, startWorker: false, env: { SMTP_URL: sink.url } });
    teacher = await createTeacher(database.db);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await s?.close();
    await sink?.close();
  });

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => database.db.sql.query<T>(text, params);

  it('is finished once by another worker: one student, one demo lesson, one welcome mail each', { timeout: 120_000 }, async () => {
    const holder = new pg.Client({ connectionString: database.url });
    holder.on('error', () => undefined); // the database is dropped at the end, with this client gone or not
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM teachers WHERE id = $1 FOR UPDATE', [teacher.teacherId]);

    const first = startSchoolWorker(workerEnv(database.url!, sink.url));
    workers.push(first);
    await first.ready;
    const form = enrollmentForm();
    const accepted = (await s.app.inject({ method: 'POST', url: '/api/v1/public/enrollments', payload: form })).json();

    // The first worker is inside `assign`, waiting for the teacher's lock, family and payment done.
    await eventually(
      async () => {
        const [run] = await sql<{ current_node: string | null }>('SELECT current_node FROM workflow_runs WHERE id = $1', [accepted.runId]);
        const [waiting] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        return run?.current_node === 'assign' && (waiting?.n ?? 0) > 0;
      },
      'the first worker to block in assign',
      30_000,
    ).catch(async (error: unknown) => {
      const runs = await sql('SELECT workflow_name, status, current_node, error FROM workflow_runs');
      const steps = await sql('SELECT node_id, status, error FROM workflow_steps ORDER BY id');
      throw new Error(`${String(error)}\n${JSON.stringify({ runs, steps, log: first.output() }, null, 1)}`);
    });
    const done = await sql<{ node_id: string }>(`SELECT node_id FROM workflow_steps WHERE run_id = $1 AND status = 'succeeded' ORDER BY id`, [accepted.runId]);
    expect(done.map((d) => d.node_id)).toEqual(['validate', 'decide', 'family', 'payment']);

    const exited = new Promise((resolve) => first.child.once('exit', (_code, signal) => resolve(signal)));
    first.child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    await holder.query('ROLLBACK');
    await holder.end();

    const second = startSchoolWorker(workerEnv(database.url!, sink.url));
    workers.push(second);
    await second.ready;
    const finished = await s.engine.waitFor(accepted.runId, 60_000);
    expect(finished.status).toBe('succeeded');
    expect(finished.attempt).toBe(2);

    const status = (await s.app.inject({ method: 'GET', url: accepted.statusUrl, headers: (await createUser(database.db, 'admin')).headers })).json();
    expect(status).toMatchObject({ status: 'completed', assignedTeacherId: teacher.teacherId, demoLesson: { lessonId: expect.any(Number) } });
    const [family] = await sql<{ enrollments: number; parents: number; students: number; demos: number }>(
      `SELECT (SELECT count(*)::int FROM enrollments WHERE parent_email = $1) AS enrollments,
              (SELECT count(*)::int FROM users WHERE email = $1) AS parents,
              (SELECT count(*)::int FROM students WHERE last_name = $2) AS students,
              (SELECT count(*)::int FROM lessons l JOIN students st ON st.id = l.student_id WHERE st.last_name = $2 AND l.lesson_type = 'demo') AS demos`,
      [form.parentEmail, form.studentLastName],
    );
    expect(family).toEqual({ enrollments: 1, parents: 1, students: 1, demos: 1 });
    const familySteps = await sql(`SELECT 1 FROM workflow_steps WHERE run_id = $1 AND node_id = 'family' AND kind = 'process'`, [accepted.runId]);
    expect(familySteps).toHaveLength(1); // resumed after the checkpoint: family did not run again

    const parentMail = (m: { to: string[]; subject: string }) => m.to.includes(String(form.parentEmail)) && m.subject.startsWith('Welcome');
    const teacherMail = (m: { to: string[]; subject: string }) => m.to.includes(teacher.email) && m.subject.includes(String(form.studentLastName));
    await sink.waitFor(parentMail, 20_000);
    await sink.waitFor(teacherMail, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // room for a duplicate to show up
    expect(sink.messages.filter(parentMail)).toHaveLength(1);
    expect(sink.messages.filter(teacherMail)).toHaveLength(1);
    expect(await sql(`SELECT 1 FROM outbox WHERE template = 'set_password' AND recipient = $1`, [form.parentEmail])).toHaveLength(1);
  });
});
