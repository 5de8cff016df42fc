/**
 * Bench case of the enrollment with the teacher's briefing: an admin enrollment (the whole
 * enrollment workflow: family, payment on the simulated gateway, teacher, demo lesson, welcome
 * with the AI-drafted briefing) of a family that wrote goals and opted in to AI processing. `run`
 * resolves when the workflow has ended (no approval: the briefing goes to staff).
 */
import { createTeacher, enrollmentForm } from '../../enrollments/helpers.js';
import type { AiBenchContext, AiWorkflowCase } from './types.js';

/** Piano teachers with room for every run (30 students each). */
const TEACHERS = 6;
let teachersReady: Promise<void> | undefined;

const goals = 'Emma loves film music and wants to play the Amélie waltz. She is shy at first; call me at 902-555-0147.';

export const enrollmentBriefingCase: AiWorkflowCase = {
  name: 'enrollment-briefing',
  async prepare(ctx: AiBenchContext) {
    teachersReady ??= (async () => {
      for (let t = 0; t < TEACHERS; t += 1) await createTeacher(ctx.stack.database.db, { firstName: `Bench${t}` });
    })();
    await teachersReady;
  },
  async run(ctx) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/enrollments',
      headers: ctx.adminHeaders,
      payload: enrollmentForm({ goals, consents: { aiProcessing: true } }),
    });
    if (res.statusCode !== 200) throw new Error(`enrollments answered ${res.statusCode}: ${res.body}`);
    const status = (res.json() as { status: string }).status;
    if (status !== 'completed') throw new Error(`the enrollment ended ${status}`);
  },
};
