/**
 * The `demo` node books the demo lesson and records it on the enrollment in one ctx.transaction,
 * with the node's result. A worker whose checkpoint of `demo` is lost after that commit (it dies or
 * fails before writing it) leaves the run to another claim, whose `demo` gets the recorded lesson
 * and books no second one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowEngine } from '../../src/engine/index.js';
import { createUser } from '../helpers/app.js';
import { createTestEngine } from '../helpers/engine.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import type { TestStack } from '../helpers/stack.js';
import { createTeacher, enrollmentForm, enrollmentStack } from './helpers.js';

/** Test-only: the first claim's checkpoint of node `demo` fails, as when the worker dies right after the node's commit. */
const loseDemoCheckpointSql = `
  CREATE FUNCTION lose_demo_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.node_id = 'demo' AND NEW.kind = 'process' AND NEW.status = 'succeeded' AND (SELECT attempt FROM workflow_runs WHERE id = NEW.run_id) = 1 THEN
      RAISE EXCEPTION 'the checkpoint of node demo is lost';
    END IF;
    RETURN NEW;
  END;
  $$;
  CREATE TRIGGER lose_demo_checkpoint BEFORE INSERT ON workflow_steps FOR EACH ROW EXECUTE FUNCTION lose_demo_checkpoint();
`;

let s: TestStack;
let sink: SmtpSink;
let engine: WorkflowEngine;
let admin: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  sink = await startSmtpSink();
  // The stack's engine only starts runs; this one, with a short lease, works them and takes over
  // a run whose worker gave it up.
  s = await enrollmentStack({ env: { SMTP_URL: sink.url }, startWorker: false });
  engine = await createTestEngine(s.database, s.engine.registry, { leaseMs: 1_000 });
  await engine.startWorker({ concurrency: 2 });
  admin = await createUser(s.database.db, 'admin');
  await createTeacher(s.database.db);
  await s.database.db.sql.exec(loseDemoCheckpointSql);
}, 60_000);
afterAll(async () => {
  await engine?.stop({ timeoutMs: 5_000 });
  await s?.close();
  await sink?.close();
});

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => s.database.db.sql.query<T>(text, params);

describe('the demo node, run again after its transaction committed and its checkpoint was lost', () => {
  it('books the demo lesson once: the second claim gets the recorded lesson', { timeout: 60_000 }, async () => {
    const form = enrollmentForm();
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/enrollments', headers: admin.headers, payload: form });
    expect(res.statusCode).toBeLessThan(300);
    const { enrollmentId, runId } = res.json() as { enrollmentId: number; runId: string };
    const done = await engine.waitFor(runId, 30_000);
    expect(done.status).toBe('succeeded');
    expect(done.attempt).toBe(2); // the first claim lost demo's checkpoint: demo ran again in the second

    const [row] = await sql<{ student_id: number; demo_lesson_id: number; flags: string[] }>('SELECT student_id, demo_lesson_id, flags FROM enrollments WHERE id = $1', [
      enrollmentId,
    ]);
    const demos = await sql<{ id: number }>(`SELECT id FROM lessons WHERE student_id = $1 AND lesson_type = 'demo'`, [row!.student_id]);
    expect(demos).toEqual([{ id: row!.demo_lesson_id }]);
    expect(row!.flags).toEqual([]);
    const audits = await sql(`SELECT 1 FROM audit_log WHERE entity = 'lesson' AND action = 'create' AND request_id = $1`, [`enrollment:${enrollmentId}`]);
    expect(audits).toHaveLength(1);

    // One recorded result, and the node's output (written by the second claim) is that result.
    const recorded = await sql<{ result: unknown }>(`SELECT result FROM workflow_transactions WHERE run_id = $1 AND node_id = 'demo'`, [runId]);
    expect(recorded).toEqual([{ result: expect.objectContaining({ lessonId: row!.demo_lesson_id }) }]);
    const steps = await sql<{ status: string; output: unknown }>(`SELECT status, output FROM workflow_steps WHERE run_id = $1 AND node_id = 'demo'`, [runId]);
    expect(steps).toEqual([{ status: 'succeeded', output: recorded[0]!.result }]);
  });
});
