import { and, eq } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import type { Caller } from '../auth/scoped.js';
import { students } from '../../db/schema/students.js';
import type { WorkflowEngine } from '../../engine/index.js';
import { callerOf } from '../auth/caller.js';
import { errorResponse } from '../../http/error-schemas.js';
import { AppError, notFound } from '../../http/errors.js';
import type { SchoolServices } from '../services.js';
import { refuseFamilyNotes } from './booking.js';
import { readAs } from './db.js';
import { createLessonBody } from './schemas.js';
import { LESSON_SCHEDULE_WORKFLOW, scheduleEvent, type ScheduleEvent } from './workflows/contracts.js';
import { answerOf, bookedBody, pendingBody, type ScheduleAnswer } from './workflows/outcome.js';

const access = { access: ['admin', 'parent'] as const };
const tags = ['lessons'];
const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 500: errorResponse, 503: errorResponse };
/** How long POST waits for the run before answering 202, in ms. */
export const SCHEDULE_WAIT_MS = 2_000;

/** A parent schedules their own children only: anyone else's child is "not found" (no run is started). */
async function ensureOwnChild(db: Database, caller: Caller, studentId: number): Promise<void> {
  if (caller.role !== 'parent') return;
  const [own] = await readAs(db, caller, (orm) =>
    orm
      .select({ id: students.id })
      .from(students)
      .where(and(eq(students.id, studentId), eq(students.parentId, caller.userId))),
  );
  if (!own) throw notFound(`Student ${studentId}`);
}

function engineOf(engine: WorkflowEngine | undefined): WorkflowEngine {
  if (!engine) throw new AppError('unavailable', 'Scheduling needs the workflow engine, which this process does not run');
  return engine;
}

function send(reply: FastifyReply, answer: ScheduleAnswer, bookedStatus: 200 | 201) {
  reply.header('x-workflow-run-id', answer.body.runId);
  if (answer.kind === 'pending') return reply.status(202).send(answer.body);
  if (answer.location) reply.header('location', answer.location);
  return reply.status(bookedStatus).send(answer.body);
}

/**
 * POST /api/v1/lessons/schedule (admin; parent for their own child): the `lesson_schedule`
 * workflow with the POST /lessons body. Waits up to `waitMs` for the run: 201 with the lesson or
 * series (plus `runId` and `confirmation`), the same 400/403/404/409 bodies as POST /lessons (409
 * `details.alternatives`), or 202 `{runId, status, statusUrl}` when the run is still going.
 * GET /api/v1/lessons/schedule/runs/{runId} (admin; the parent who started it) answers the same
 * way for a run (200 instead of 201), so a parent can poll without the admin-only runs API.
 */
export const lessonScheduleRoutes =
  (services: SchoolServices, engine: WorkflowEngine | undefined, options: { waitMs?: number } = {}): FastifyPluginAsyncZod =>
  async (app) => {
    const waitMs = options.waitMs ?? SCHEDULE_WAIT_MS;

    app.post(
      '/api/v1/lessons/schedule',
      {
        config: access,
        schema: {
          tags,
          security,
          summary: 'Scheduling workflow: book a lesson or a recurring series, or 409 with alternatives (202 past 2 s)',
          body: createLessonBody,
          response: { 201: bookedBody, 202: pendingBody, ...errors },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        await ensureOwnChild(services.db, caller, request.body.studentId);
        refuseFamilyNotes(caller, request.body);
        const running = engineOf(engine);
        const event: ScheduleEvent = { caller, requestId: request.id, lesson: request.body };
        const run = await running.startAndWait(LESSON_SCHEDULE_WORKFLOW, event, { waitMs });
        reply.header('x-workflow-run-id', run.id);
        const view = await running.view(run.id);
        if (!view) throw new Error(`run ${run.id} vanished`);
        return send(reply, answerOf(view, caller), 201);
      },
    );

    app.get(
      '/api/v1/lessons/schedule/runs/:runId',
      {
        config: access,
        schema: {
          tags,
          security,
          summary: 'Outcome of a scheduling run: 200 booked, 202 still running, or the refusal (admin; the parent who started it)',
          params: z.object({ runId: z.uuid() }),
          response: { 200: bookedBody, 202: pendingBody, ...errors },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const view = await engineOf(engine).view(request.params.runId);
        const event = view?.workflow === LESSON_SCHEDULE_WORKFLOW ? scheduleEvent.safeParse(view.event) : undefined;
        const mine = caller.role === 'admin' || event?.data?.caller.userId === caller.userId;
        if (!view || !event?.success || !mine) throw notFound(`Scheduling run ${request.params.runId}`);
        reply.header('x-workflow-run-id', view.id);
        return send(reply, answerOf(view, caller), 200);
      },
    );
  };
