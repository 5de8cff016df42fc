import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf, actorOf } from '../auth/caller.js';
import { errorResponse } from '../../http/error-schemas.js';
import { pageOf } from '../../http/pagination.js';
import { createLessons } from './booking.js';
import { cancelLesson } from './cancel.js';
import { checkConflicts } from './check.js';
import type { LessonDeps } from './deps.js';
import type { LessonNotice } from './notices.js';
import { getLesson, listLessons, scheduleView } from './read.js';
import { rescheduleLesson } from './reschedule.js';
import {
  bookedLessonView,
  cancelBody,
  cancelResult,
  checkConflictsBody,
  checkConflictsResult,
  completeBody,
  createLessonBody,
  idParams,
  lessonListQuery,
  lessonView,
  noticeView,
  patchLessonBody,
  rescheduleBody,
  rescheduleResult,
  scheduleView as scheduleViewSchema,
  scheduleViewQuery,
  seriesView,
} from './schemas.js';
import { completeLesson, patchLesson } from './update.js';

const anyone = { access: 'authenticated' as const };
const staff = { access: ['admin', 'teacher'] as const };
const tags = ['lessons'];
const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };
const notices = { notices: z.array(noticeView) };

/**
 * The notices of a change as answered (recipient, run, status). One that failed to start is logged
 * here: the change stands, and the answer says `failed` for it.
 */
function answered(log: FastifyBaseLogger, started: LessonNotice[]): Array<Pick<LessonNotice, 'recipient' | 'runId' | 'status'>> {
  for (const notice of started) if (notice.status === 'failed') log.warn({ notice }, 'a lesson notice could not be started');
  return started.map(({ recipient, runId, status }) => ({ recipient, runId, status }));
}

/** Lessons: list, create (single or recurring), conflicts, calendar view, read, edit, cancel, reschedule, complete. */
export const lessonRoutes =
  (deps: LessonDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/lessons',
      {
        config: { ...anyone, readCache: true },
        schema: { tags, security, summary: 'List lessons (admin: all; teacher, parent: own)', querystring: lessonListQuery, response: { 200: pageOf(lessonView), ...errors } },
      },
      async (request) => listLessons(deps, callerOf(request), request.query),
    );

    app.post(
      '/api/v1/lessons',
      {
        config: staff,
        schema: {
          tags,
          security,
          summary: 'Book a lesson, or a recurring series (all-or-nothing), and confirm it to the family and the teacher; 409 with alternatives on a conflict',
          body: createLessonBody,
          response: { 201: z.union([bookedLessonView.extend(notices), seriesView.extend(notices)]), ...errors },
        },
      },
      async (request, reply) => {
        const result = await createLessons(deps, callerOf(request), actorOf(request), request.body);
        const told = answered(request.log, result.notices);
        if (result.kind === 'lesson') {
          return reply
            .status(201)
            .header('location', `/api/v1/lessons/${result.lesson.id}`)
            .send({ ...result.lesson, notices: told });
        }
        return reply.status(201).send({ seriesId: result.seriesId, lessons: result.lessons, skipped: result.skipped, notices: told });
      },
    );

    app.post(
      '/api/v1/lessons/check-conflicts',
      {
        config: { ...anyone, readCache: true },
        schema: {
          tags,
          security,
          summary: 'Check a proposed lesson against every rule, without booking',
          body: checkConflictsBody,
          response: { 200: checkConflictsResult, ...errors },
        },
      },
      async (request) => checkConflicts(deps, callerOf(request), request.body),
    );

    app.get(
      '/api/v1/lessons/schedule/view',
      {
        config: { ...anyone, readCache: true },
        schema: {
          tags,
          security,
          summary: "Lessons by local date for a day, week or month (school's zone)",
          querystring: scheduleViewQuery,
          response: { 200: scheduleViewSchema, ...errors },
        },
      },
      async (request) => scheduleView(deps, callerOf(request), request.query),
    );

    app.get(
      '/api/v1/lessons/:id',
      {
        config: { ...anyone, readCache: true, readLog: { entity: 'lesson' } },
        schema: { tags, security, summary: 'One lesson (admin; own)', params: idParams, response: { 200: lessonView, ...errors } },
      },
      async (request) => getLesson(deps, callerOf(request), request.params.id),
    );

    app.patch(
      '/api/v1/lessons/:id',
      {
        config: staff,
        schema: {
          tags,
          security,
          summary: 'Edit notes and private notes (admin, teacher) or payment status (admin)',
          params: idParams,
          body: patchLessonBody,
          response: { 200: lessonView, ...errors },
        },
      },
      async (request) => patchLesson(deps, callerOf(request), actorOf(request), request.params.id, request.body),
    );

    app.post(
      '/api/v1/lessons/:id/cancel',
      {
        config: anyone,
        schema: {
          tags,
          security,
          summary: 'Cancel (parents only within the policy window); may grant a make-up credit; tells the family and the teacher',
          params: idParams,
          body: cancelBody,
          response: { 200: cancelResult, ...errors },
        },
      },
      async (request) => {
        const cancelled = await cancelLesson(deps, callerOf(request), actorOf(request), request.params.id, request.body);
        return { ...cancelled, notices: answered(request.log, cancelled.notices) };
      },
    );

    app.post(
      '/api/v1/lessons/:id/reschedule',
      {
        config: anyone,
        schema: {
          tags,
          security,
          summary: 'Move a lesson (admin any time; own up to the reschedule window); tells the family and the teacher',
          params: idParams,
          body: rescheduleBody,
          response: { 200: rescheduleResult, ...errors },
        },
      },
      async (request) => {
        const moved = await rescheduleLesson(deps, callerOf(request), actorOf(request), request.params.id, request.body.scheduledAt);
        return { ...moved, notices: answered(request.log, moved.notices) };
      },
    );

    app.post(
      '/api/v1/lessons/:id/complete',
      { config: staff, schema: { tags, security, summary: 'Record attendance and notes', params: idParams, body: completeBody, response: { 200: lessonView, ...errors } } },
      async (request) => completeLesson(deps, callerOf(request), actorOf(request), request.params.id, request.body),
    );
  };
