/**
 * Bench case of the progress-report workflow: `prepare` writes a family for iteration `i` (a child
 * with October lessons, notes, a goal, a piece, an exam); `run` asks for that child's October report
 * through the API and resolves when the report waits for approval (batch run, compile, AI draft,
 * record, approval row): everything the office waits for before it can read the draft.
 */
import { reportFamily, OCTOBER } from '../../progress-reports/fixture.js';
import type { AiBenchContext, AiWorkflowCase } from './types.js';

const students = new Map<number, number>();

async function studentFor(ctx: AiBenchContext): Promise<number> {
  const known = students.get(ctx.i);
  if (known !== undefined) return known;
  const family = await reportFamily(ctx.stack.database.db, { firstName: `Parent${ctx.i}`, childName: `Child${ctx.i}` });
  students.set(ctx.i, family.studentId);
  return family.studentId;
}

export const progressReportCase: AiWorkflowCase = {
  name: 'progress-report',
  async prepare(ctx) {
    await studentFor(ctx);
  },
  async run(ctx) {
    const studentId = await studentFor(ctx);
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/ai/progress-reports',
      headers: ctx.adminHeaders,
      payload: { studentIds: [studentId], period: OCTOBER },
    });
    if (res.statusCode !== 202) throw new Error(`progress-reports answered ${res.statusCode}: ${res.body}`);
    const batch = await ctx.stack.engine.waitFor((res.json() as { runId: string }).runId, 60_000);
    if (batch.status !== 'succeeded') throw new Error(`the batch run ended ${batch.status}`);
    const [run] = await ctx.stack.database.db.sql.query<{ id: string }>('SELECT id FROM workflow_runs WHERE idempotency_key = $1', [
      `progress-report:${studentId}:${OCTOBER.from}:${OCTOBER.to}`,
    ]);
    if (!run) throw new Error(`no progress-report run for student ${studentId}`);
    const waiting = await ctx.stack.engine.waitFor(run.id, 60_000);
    if (waiting.status !== 'waiting') throw new Error(`the progress-report run is ${waiting.status}, not waiting for approval`);
  },
};
