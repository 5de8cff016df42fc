/**
 * A worker that dies in the middle of an erasure: the run is resumed after its last finished node
 * (the lessons are not cancelled twice, the gateway not called twice) and finishes the erasure.
 * The crash is simulated in-process at the start of `anonymise`: the run's lease is handed to a
 * worker that no longer exists (expired) and the node fails, so this worker's checkpoint is refused
 * and it gives the run up, as a killed process would; the sweep queues it again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowRegistry } from '../../src/engine/index.js';
import { PRIVACY_ERASURE_WORKFLOW, privacyErasureWorkflow, type ErasureFaults } from '../../src/modules/privacy/erasure/workflow.js';
import { buildWorkflowRegistry } from '../../src/runtime/workflows.js';
import { createUser } from '../helpers/app.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';

let s: TestStack;
const faults: ErasureFaults = {};

beforeAll(async () => {
  s = await createTestStack({
    registry: (services) => {
      const school = buildWorkflowRegistry(services);
      const registry = new WorkflowRegistry();
      for (const { name } of school.list()) {
        if (name === PRIVACY_ERASURE_WORKFLOW) registry.register(privacyErasureWorkflow(services, faults));
        else registry.register(school.get(name));
      }
      return registry;
    },
  });
}, 60_000);
afterAll(async () => {
  await s?.close();
});

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => s.database.db.sql.query<T>(text, params);

describe('a crash in the middle of an erasure', () => {
  it('resumes after the last finished node and completes the erasure once', { timeout: 120_000 }, async () => {
    const admin = await createUser(s.database.db, 'admin');
    const teacher = await createUser(s.database.db, 'teacher');
    const parent = await createUser(s.database.db, 'parent', { firstName: 'Oriane' });
    const [student] = await sql<{ id: number }>(
      `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
       VALUES ($1, $2, 'Leopoldine', 'Resumed', '2015-05-06', 'piano', 4500) RETURNING id`,
      [parent.id, teacher.teacherId],
    );
    const [lesson] = await sql<{ id: number }>(
      `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at)
       VALUES ($1, $2, date_trunc('hour', now()) + interval '4 days', 30, date_trunc('hour', now()) + interval '4 days 30 minutes') RETURNING id`,
      [student!.id, teacher.teacherId],
    );
    const card = await s.app.inject({ method: 'POST', url: `/api/v1/billing/${parent.id}/payment-methods`, headers: parent.headers, payload: { paymentMethod: 'pm_card_visa' } });
    expect(card.statusCode, card.body).toBe(201);

    let crashes = 0;
    faults.beforeNode = async (nodeId, run) => {
      if (nodeId !== 'anonymise' || crashes > 0) return;
      crashes += 1;
      await sql(`UPDATE workflow_runs SET lease_owner = 'a-worker-that-died', lease_expires_at = now() - interval '1 second' WHERE id = $1`, [run.runId]);
      throw new Error('the worker died');
    };

    const res = await s.app.inject({ method: 'POST', url: '/api/v1/privacy/erasures', headers: admin.headers, payload: { userId: parent.id, reason: 'Crash test' } });
    expect(res.statusCode, res.body).toBe(202);
    const runId: string = res.json().runId;
    let run = await s.engine.waitFor(runId, 2_000);
    for (let i = 0; i < 60 && run.status !== 'succeeded' && run.status !== 'failed'; i++) {
      await s.engine.sweep();
      run = await s.engine.waitFor(runId, 1_000);
    }
    expect(crashes).toBe(1);
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.attempt).toBeGreaterThanOrEqual(2);

    // each node finished once; the nodes before the crash were not run again
    const steps = await sql<{ node_id: string; status: string }>(`SELECT node_id, status FROM workflow_steps WHERE run_id = $1 AND kind = 'process' ORDER BY id`, [runId]);
    expect(steps.filter((step) => step.status === 'succeeded').map((step) => step.node_id)).toEqual(['cancel-lessons', 'end-billing', 'close-accounts', 'anonymise', 'finish']);
    expect(steps.filter((step) => step.node_id !== 'anonymise').every((step) => step.status === 'succeeded')).toBe(true);

    // the lesson was cancelled once, the card detached, the family erased
    const cancels = await sql(`SELECT 1 FROM audit_log WHERE entity = 'lesson' AND entity_id = $1 AND action = 'cancel'`, [String(lesson!.id)]);
    expect(cancels).toHaveLength(1);
    const gateway = s.services.gateway as unknown as { stripe: { retrievePaymentMethod(id: string): Promise<{ customer: string | null }> } };
    expect((await gateway.stripe.retrievePaymentMethod(card.json().id)).customer).toBeNull();
    const [user] = await sql<{ first_name: string; is_active: boolean }>('SELECT first_name, is_active FROM users WHERE id = $1', [parent.id]);
    expect(user).toEqual({ first_name: 'Erased', is_active: false });
    expect(await sql(`SELECT 1 FROM students WHERE first_name = 'Leopoldine'`)).toHaveLength(0);
    expect((await s.app.inject({ method: 'GET', url: `/api/v1/privacy/erasures/${res.json().id}`, headers: admin.headers })).json().status).toBe('completed');
  });
});
