/**
 * A failure forced after the family was created (through the workflow's test-only fault seam)
 * compensates in reverse, and nothing half-made remains; compensation is safe to run twice; a
 * failed enrollment does not block the same form later.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, type TaskContext, type TransactionHandle } from '../../src/engine/index.js';
import { enrollmentWorkflow, type EnrollmentEvent } from '../../src/modules/enrollments/workflows/index.js';
import type { EnrollmentNodeId } from '../../src/modules/enrollments/workflows/deps.js';
import { schoolTransactions } from '../../src/runtime/transaction-handle.js';
import { createUser } from '../helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import type { TestStack } from '../helpers/stack.js';
import { counts, createTeacher, enrollmentForm, enrollmentStack } from './helpers.js';

let s: TestStack;
let sink: SmtpSink;
let admin: Awaited<ReturnType<typeof createUser>>;
let failAt: EnrollmentNodeId | null = null;

beforeAll(async () => {
  sink = await startSmtpSink();
  s = await enrollmentStack({
    env: { SMTP_URL: sink.url },
    faults: {
      beforeCommit(node) {
        if (node === failAt) throw new PermanentError(`forced failure in ${node}`);
      },
    },
  });
  admin = await createUser(s.database.db, 'admin');
  await createTeacher(s.database.db);
});
afterAll(async () => {
  await s?.close();
  await sink?.close();
});

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => s.database.db.sql.query<T>(text, params);
const enroll = (form: Record<string, unknown>) => s.app.inject({ method: 'POST', url: '/api/v1/enrollments', headers: admin.headers, payload: form });

/** Everything an enrollment can leave behind, besides its own row and run. */
async function leftovers() {
  const [row] = await sql<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM students) AS students,
            (SELECT count(*)::int FROM lessons) AS lessons, (SELECT count(*)::int FROM billing_customers) AS billing_customers,
            (SELECT count(*)::int FROM saved_payment_methods) AS payment_methods, (SELECT count(*)::int FROM password_reset_tokens) AS password_tokens,
            (SELECT count(*)::int FROM outbox) AS outbox, (SELECT count(*)::int FROM workflow_runs WHERE workflow_name = 'notification') AS notifications`,
  );
  return row!;
}

describe('a failure forced after the family was created', () => {
  it.each([
    ['payment', ['family', 'validate']],
    ['assign', ['payment', 'family', 'validate']],
    ['demo', ['assign', 'payment', 'family', 'validate']],
    ['welcome', ['demo', 'assign', 'payment', 'family', 'validate']],
  ] as const)('in %s is compensated in reverse and leaves nothing', async (node, undone) => {
    const before = await leftovers();
    const form = enrollmentForm();
    failAt = node;
    const res = await enroll(form);
    failAt = null;
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('failed');
    expect(body).not.toHaveProperty('studentId');
    expect(body).not.toHaveProperty('parentId');
    expect(body).not.toHaveProperty('demoLesson');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { code: 'enrollment_failed', message: expect.stringContaining('nothing of it was kept') },
        { code: 'workflow_error', message: `${node}: forced failure in ${node}` },
        { code: 'gateway_customer_kept', message: expect.stringMatching(/^Gateway customer cus_\w+ was kept/) },
      ]),
    );

    expect(await leftovers()).toEqual(before);
    expect(await sql('SELECT 1 FROM users WHERE lower(email) = lower($1)', [form.parentEmail])).toEqual([]);
    const [row] = await sql('SELECT status, parent_id, student_id, teacher_id, demo_lesson_id, created_parent, created_student FROM enrollments WHERE id = $1', [
      body.enrollmentId,
    ]);
    expect(row).toEqual({ status: 'failed', parent_id: null, student_id: null, teacher_id: null, demo_lesson_id: null, created_parent: false, created_student: false });

    const run = await s.engine.view(body.runId);
    expect(run?.status).toBe('compensated');
    const compensations = await sql<{ node_id: string }>(`SELECT node_id FROM workflow_steps WHERE run_id = $1 AND kind = 'compensate' AND status = 'succeeded' ORDER BY id`, [
      body.runId,
    ]);
    expect(compensations.map((c) => c.node_id)).toEqual(undone);
    const deletions = await sql<{ entity: string }>(`SELECT entity FROM audit_log WHERE request_id = $1 AND action = 'delete' ORDER BY entity`, [
      `enrollment:${body.enrollmentId}`,
    ]);
    // A failure inside demo's transaction rolls its lesson back with it: only a demo that succeeded has one to delete.
    expect(deletions.map((d) => d.entity)).toEqual(node === 'welcome' ? ['lesson', 'student', 'user'] : ['student', 'user']);
  });

  it('fails inside the family step without creating anything', async () => {
    const before = await counts(s.database.db);
    failAt = 'family';
    const res = await enroll(enrollmentForm());
    failAt = null;
    expect(res.json()).toMatchObject({ status: 'failed' });
    expect(await counts(s.database.db)).toEqual({ ...before, enrollments: before.enrollments + 1, runs: before.runs + 1 });
  });

  it('compensation is safe to run twice, even when its recorded results are not used', async () => {
    failAt = 'welcome';
    const res = await enroll(enrollmentForm());
    failAt = null;
    expect(res.json().status).toBe('failed');
    const before = await leftovers();
    const [row] = await sql('SELECT * FROM enrollments WHERE id = $1', [res.json().enrollmentId]);
    // Run every compensation again, in reverse order, with the outputs the run recorded, as a second
    // compensation pass would; its transactions run the work again instead of returning the results
    // recorded by the first pass.
    const run = await s.engine.view(res.json().runId);
    const outputs = new Map((run?.nodes ?? []).map((n) => [n.nodeId, n.output]));
    expect(outputs.get('family')).toMatchObject({ createdParent: true, createdStudent: true });
    const open = schoolTransactions(s.database.db);
    const ctx = {
      event: { enrollmentId: res.json().enrollmentId },
      transaction: <T>(work: (tx: TransactionHandle) => Promise<T>) => open((handle) => work(handle)),
    } as unknown as TaskContext<EnrollmentEvent>;
    const workflow = enrollmentWorkflow({ services: s.services });
    expect(outputs.get('demo')).toMatchObject({ lessonId: expect.any(Number) });
    for (const config of [...workflow.nodes].reverse()) {
      if (config.node.kind === 'node' && config.node.compensate && outputs.has(config.node.id)) await config.node.compensate(ctx, outputs.get(config.node.id));
    }
    expect(await leftovers()).toEqual(before);
    const [again] = await sql('SELECT * FROM enrollments WHERE id = $1', [res.json().enrollmentId]);
    expect({ ...again, updated_at: null }).toEqual({ ...row, updated_at: null });
  });

  it('does not block the same form afterwards', async () => {
    const form = enrollmentForm();
    failAt = 'demo';
    const failed = await enroll(form);
    failAt = null;
    expect(failed.json().status).toBe('failed');
    const retried = await enroll(form);
    expect(retried.json()).toMatchObject({ status: 'completed', studentId: expect.any(Number) });
    expect(retried.json().enrollmentId).not.toBe(failed.json().enrollmentId);
    expect(await sql('SELECT 1 FROM students WHERE last_name = $1', [form.studentLastName])).toHaveLength(1);
  });
});
