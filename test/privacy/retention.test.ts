/**
 * Retention: GET/PUT /privacy/retention (periods per data class, bad periods 400), and the purge:
 * rows older than their period go (or are blanked/cleared), younger ones stay, running and waiting
 * runs keep their outputs, the dry run changes nothing, and the daily workflow does the same.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETENTION_CRON, RETENTION_WORKFLOW } from '../../src/modules/privacy/retention/workflow.js';
import { workflowSchedules } from '../../src/runtime/workflows.js';
import { createUser } from '../helpers/app.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';

type User = Awaited<ReturnType<typeof createUser>>;

describe('retention', () => {
  let stack: TestStack;
  let admin: User;
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => stack.database.db.sql.query<T>(text, params);
  const ago = (days: number) => new Date(Date.now() - days * 86_400_000);

  beforeAll(async () => {
    stack = await createTestStack();
    admin = await createUser(stack.database.db, 'admin');
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  const call = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown, who: User = admin) =>
    stack.app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

  it('GET answers the defaults; PUT changes the periods named and keeps the others; bad periods are a 400 naming the field', async () => {
    const defaults = { outboxBodies: 90, notifications: 365, workflowStepOutputs: 90, auditRows: 2555, rejectedEnrollmentForms: 365, inactiveFamilies: 2555, aiCallLogs: 365 };
    expect((await call('GET', '/api/v1/privacy/retention')).json()).toEqual(defaults);
    const cases: Array<[unknown, string]> = [
      [{ auditRows: 0 }, 'body.auditRows'],
      [{ notifications: -5 }, 'body.notifications'],
      [{ notifications: 1.5 }, 'body.notifications'],
      [{ outboxBodies: '90' }, 'body.outboxBodies'],
      [{ aiCallLogs: 36_501 }, 'body.aiCallLogs'],
      [{ payments: 30 }, 'body.payments'],
      [{}, 'body'],
    ];
    for (const [payload, field] of cases) {
      const res = await call('PUT', '/api/v1/privacy/retention', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    expect((await call('GET', '/api/v1/privacy/retention')).json()).toEqual(defaults);

    const put = await call('PUT', '/api/v1/privacy/retention', { notifications: 180 });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ ...defaults, notifications: 180 });
    expect((await call('GET', '/api/v1/settings/retention')).json().value).toEqual({ ...defaults, notifications: 180 });
    expect((await call('PUT', '/api/v1/privacy/retention', { notifications: 365 })).statusCode).toBe(200);

    const parent = await createUser(stack.database.db, 'parent');
    expect((await call('GET', '/api/v1/privacy/retention', undefined, parent)).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/privacy/retention/run?dryRun=true', undefined, parent)).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/privacy/retention/run?dryRun=maybe')).statusCode).toBe(400);
  });

  /** One old and one young row of every class (and rows that must stay whatever their age). */
  async function seed() {
    const parent = await createUser(stack.database.db, 'parent');
    const outbox = async (days: number, status: string) =>
      (
        await sql<{ id: number }>(
          `INSERT INTO outbox (channel, recipient, user_id, template, subject, body_text, body_html, status, created_at)
           VALUES ('email', 'family@example.com', $1, 'admin_alert', 'Subject Wilson', 'Body Wilson', '<p>Wilson</p>', $2, $3) RETURNING id`,
          [parent.id, status, ago(days)],
        )
      )[0]!.id;
    const run = async (status: string, finishedDaysAgo: number | null) => {
      const id = randomUUID();
      await sql(
        `INSERT INTO workflow_runs (id, workflow_name, status, created_at, finished_at, waiting_for, waiting_until)
         VALUES ($1, 'retention-fixture', $2, $3, $4, $5, $6)`,
        [id, status, ago(200), finishedDaysAgo === null ? null : ago(finishedDaysAgo), status === 'waiting' ? ['never'] : null, status === 'waiting' ? ago(-365) : null],
      );
      await sql(`INSERT INTO workflow_steps (run_id, node_id, status, output, started_at, finished_at) VALUES ($1, 'a', 'succeeded', '{"name":"Wilson"}', $2, $2)`, [id, ago(200)]);
      await sql(`INSERT INTO workflow_transactions (run_id, node_id, kind, seq, result) VALUES ($1, 'a', 'process', 1, '{"name":"Wilson"}')`, [id]);
      return id;
    };
    const enrollment = async (status: string, days: number) =>
      (
        await sql<{ id: number }>(
          `INSERT INTO enrollments (status, source, submission, parent_email, student_first_name, student_last_name, student_date_of_birth, instrument, decided_at, created_at)
           VALUES ($1, 'public', '{}'::jsonb, $2, 'Kid', 'Wilson', '2015-03-04', 'piano', $3, $3) RETURNING id`,
          [status, `${randomUUID()}@family.example`, ago(days)],
        )
      )[0]!.id;
    const ids = {
      oldOutbox: await outbox(100, 'kept'),
      youngOutbox: await outbox(10, 'sent'),
      oldPendingOutbox: await outbox(100, 'pending'),
      oldNotification: (
        await sql<{ id: number }>(`INSERT INTO notifications (user_id, kind, title, created_at) VALUES ($1, 'info', 'Old', $2) RETURNING id`, [parent.id, ago(400)])
      )[0]!.id,
      youngNotification: (
        await sql<{ id: number }>(`INSERT INTO notifications (user_id, kind, title, created_at) VALUES ($1, 'info', 'Young', $2) RETURNING id`, [parent.id, ago(300)])
      )[0]!.id,
      oldRun: await run('succeeded', 100),
      youngRun: await run('failed', 80),
      waitingRun: await run('waiting', null),
      oldAudit: (await sql<{ id: number }>(`INSERT INTO audit_log (action, entity, entity_id, created_at) VALUES ('read', 'student', '1', $1) RETURNING id`, [ago(2600)]))[0]!.id,
      youngAudit: (await sql<{ id: number }>(`INSERT INTO audit_log (action, entity, entity_id, created_at) VALUES ('read', 'student', '1', $1) RETURNING id`, [ago(2500)]))[0]!.id,
      oldRejected: await enrollment('rejected', 400),
      youngRejected: await enrollment('rejected', 300),
      oldCompleted: await enrollment('completed', 400),
      oldAiCall: (
        await sql<{ id: number }>(`INSERT INTO ai_calls (task, provider, model, outcome, created_at) VALUES ('t', 'rules', 'rules', 'ok', $1) RETURNING id`, [ago(400)])
      )[0]!.id,
      youngAiCall: (
        await sql<{ id: number }>(`INSERT INTO ai_calls (task, provider, model, outcome, created_at) VALUES ('t', 'rules', 'rules', 'ok', $1) RETURNING id`, [ago(300)])
      )[0]!.id,
    };
    await sql(`INSERT INTO users (email, first_name, last_name, role, created_at) VALUES ($1, 'Long', 'Gone', 'parent', $2)`, [`${randomUUID()}@family.example`, ago(3000)]);
    return ids;
  }

  const snapshot = () =>
    sql(
      `SELECT (SELECT json_agg(json_build_object('id', id, 'body', body_text, 'subject', subject) ORDER BY id) FROM outbox) AS outbox,
              (SELECT json_agg(id ORDER BY id) FROM notifications) AS notifications,
              (SELECT json_agg(json_build_object('run', run_id, 'output', output) ORDER BY id) FROM workflow_steps WHERE run_id IN (SELECT id FROM workflow_runs WHERE workflow_name = 'retention-fixture')) AS steps,
              (SELECT json_agg(json_build_object('run', run_id, 'result', result) ORDER BY id) FROM workflow_transactions WHERE run_id IN (SELECT id FROM workflow_runs WHERE workflow_name = 'retention-fixture')) AS results,
              (SELECT json_agg(id ORDER BY id) FROM audit_log WHERE created_at < now() - interval '1 day') AS audit,
              (SELECT json_agg(id ORDER BY id) FROM enrollments) AS enrollments,
              (SELECT json_agg(id ORDER BY id) FROM ai_calls) AS ai_calls,
              (SELECT count(*)::int FROM users) AS users`,
    );
  const rowsByClass = (report: { classes: Array<{ dataClass: string; rows: number }> }) => Object.fromEntries(report.classes.map((c) => [c.dataClass, c.rows]));

  it('the dry run counts what would go and changes nothing; the real run purges old rows, keeps young ones and records the report', async () => {
    const ids = await seed();
    const before = await snapshot();
    const dry = await call('POST', '/api/v1/privacy/retention/run?dryRun=true');
    expect(dry.statusCode).toBe(200);
    expect(dry.json().dryRun).toBe(true);
    const expected = { outboxBodies: 1, notifications: 1, workflowStepOutputs: 2, auditRows: 1, rejectedEnrollmentForms: 1, inactiveFamilies: 1, aiCallLogs: 1 };
    expect(rowsByClass(dry.json())).toEqual(expected);
    const outboxClass = dry.json().classes.find((c: { dataClass: string }) => c.dataClass === 'outboxBodies');
    expect(outboxClass).toMatchObject({ days: 90, action: 'counted' });
    expect(Math.abs(Date.parse(outboxClass.cutoff) - ago(90).getTime())).toBeLessThan(60_000);
    expect(await snapshot()).toEqual(before);

    const real = await call('POST', '/api/v1/privacy/retention/run');
    expect(real.statusCode).toBe(200);
    expect(real.json().dryRun).toBe(false);
    expect(rowsByClass(real.json())).toEqual(expected);
    expect(real.json().classes.map((c: { action: string }) => c.action)).toEqual(['blanked', 'deleted', 'cleared', 'deleted', 'deleted', 'anonymised', 'deleted']);

    const outbox = await sql<{ id: number; subject: string | null; body_text: string | null; body_html: string | null }>(
      'SELECT id, subject, body_text, body_html FROM outbox ORDER BY id',
    );
    expect(outbox.find((r) => r.id === ids.oldOutbox)).toMatchObject({ subject: null, body_text: null, body_html: null });
    expect(outbox.find((r) => r.id === ids.youngOutbox)).toMatchObject({ body_text: 'Body Wilson' });
    expect(outbox.find((r) => r.id === ids.oldPendingOutbox)).toMatchObject({ body_text: 'Body Wilson' });
    expect((await sql<{ id: number }>('SELECT id FROM notifications')).map((r) => r.id)).toEqual([ids.youngNotification]);
    const outputs = await sql<{ run_id: string; output: unknown }>(`SELECT run_id, output FROM workflow_steps WHERE node_id = 'a' AND run_id IN ($1, $2, $3)`, [
      ids.oldRun,
      ids.youngRun,
      ids.waitingRun,
    ]);
    expect(Object.fromEntries(outputs.map((r) => [r.run_id, r.output]))).toEqual({ [ids.oldRun]: null, [ids.youngRun]: { name: 'Wilson' }, [ids.waitingRun]: { name: 'Wilson' } });
    const results = await sql<{ run_id: string; result: unknown }>(`SELECT run_id, result FROM workflow_transactions WHERE run_id IN ($1, $2, $3)`, [
      ids.oldRun,
      ids.youngRun,
      ids.waitingRun,
    ]);
    expect(Object.fromEntries(results.map((r) => [r.run_id, r.result]))).toEqual({ [ids.oldRun]: null, [ids.youngRun]: { name: 'Wilson' }, [ids.waitingRun]: { name: 'Wilson' } });
    expect((await sql<{ id: number }>('SELECT id FROM audit_log WHERE id = ANY($1::bigint[])', [[ids.oldAudit, ids.youngAudit]])).map((r) => Number(r.id))).toEqual([
      ids.youngAudit,
    ]);
    expect((await sql<{ id: number }>('SELECT id FROM enrollments ORDER BY id')).map((r) => r.id)).toEqual([ids.youngRejected, ids.oldCompleted]);
    expect((await sql<{ id: number }>('SELECT id FROM ai_calls ORDER BY id')).map((r) => Number(r.id))).toEqual([ids.youngAiCall]);
    // The inactive family is closed and anonymised as an erasure would (a completed request records it).
    expect((await sql<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE last_name = 'Gone'`))[0]!.n).toBe(0);
    expect((await sql<{ n: number }>(`SELECT count(*)::int AS n FROM erasure_requests WHERE status = 'completed' AND reason LIKE 'Retention:%'`))[0]!.n).toBe(1);

    const audit = (await call('GET', '/api/v1/audit?action=purge&entity=retention')).json();
    expect(audit.data[0]).toMatchObject({ actorId: admin.id, entityId: 'manual', after: { dryRun: false } });

    // Nothing left to purge: a second run touches nothing (the anonymised family is not found again).
    const again = await call('POST', '/api/v1/privacy/retention/run');
    expect(rowsByClass(again.json())).toEqual(Object.fromEntries(Object.keys(expected).map((k) => [k, 0])));
  });

  it('the daily privacy-retention workflow purges with the periods in force and records its report', async () => {
    expect(workflowSchedules({ backups: { dir: undefined, keep: 7 } } as never)).toContainEqual({ workflow: RETENTION_WORKFLOW, cron: RETENTION_CRON });
    expect((await call('PUT', '/api/v1/privacy/retention', { notifications: 30 })).statusCode).toBe(200);
    const parent = await createUser(stack.database.db, 'parent');
    const [old] = await sql<{ id: number }>(`INSERT INTO notifications (user_id, kind, title, created_at) VALUES ($1, 'info', 'Old', $2) RETURNING id`, [parent.id, ago(31)]);
    const [young] = await sql<{ id: number }>(`INSERT INTO notifications (user_id, kind, title, created_at) VALUES ($1, 'info', 'Young', $2) RETURNING id`, [parent.id, ago(29)]);

    const [due] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE created_at < now() - interval '30 days'`);
    const run = await stack.engine.startAndWait(RETENTION_WORKFLOW, { firedAt: new Date().toISOString() }, { waitMs: 20_000 });
    expect(run.status).toBe('succeeded');
    const ids = (await sql<{ id: number }>('SELECT id FROM notifications WHERE user_id = $1', [parent.id])).map((r) => r.id);
    expect(ids).toEqual([young!.id]);
    expect(ids).not.toContain(old!.id);
    const [entry] = await sql<{ after: { classes: Array<{ dataClass: string; rows: number; days: number }> } }>(
      `SELECT after FROM audit_log WHERE action = 'purge' AND entity = 'retention' AND entity_id = $1`,
      [run.id],
    );
    expect(entry!.after.classes.find((c) => c.dataClass === 'notifications')).toMatchObject({ rows: due!.n, days: 30 });
    expect(due!.n).toBeGreaterThanOrEqual(1);
  });
});
