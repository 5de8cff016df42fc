import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { pageOf } from '../../http/pagination.js';
import { actorOf, callerOf } from '../auth/caller.js';
import { errors, noContent, security } from '../records/common.js';
import type { ProgressDeps } from './access.js';
import { assessments, goals, pieces, type ProgressKind } from './kinds.js';
import { studentProgress } from './progress-view.js';
import { createRecord, deleteRecord, listRecords, patchRecord } from './records.js';
import * as s from './schemas.js';
import { progressAnswer, timelineQuery } from './timeline-schemas.js';

const tags = ['progress'];
const readers = { access: 'authenticated' as const };
/** Parents read only: the guard refuses their writes (403) before anything is looked up. */
const writers = { access: ['admin', 'teacher'] as const };

interface KindRoutes {
  kind: ProgressKind;
  /** Path segment under /students/{id}. */
  path: string;
  /** Name of the record id parameter. */
  param: 'goalId' | 'pieceId' | 'assessmentId';
  params: typeof s.goalParams | typeof s.pieceParams | typeof s.assessmentParams;
  body: z.ZodType<Record<string, unknown>>;
  patch: z.ZodType<Record<string, unknown>>;
  view: z.ZodType;
}

const kinds: KindRoutes[] = [
  { kind: goals, path: 'goals', param: 'goalId', params: s.goalParams, body: s.goalBody, patch: s.goalPatch, view: s.goalView },
  { kind: pieces, path: 'repertoire', param: 'pieceId', params: s.pieceParams, body: s.pieceBody, patch: s.piecePatch, view: s.pieceView },
  { kind: assessments, path: 'assessments', param: 'assessmentId', params: s.assessmentParams, body: s.assessmentBody, patch: s.assessmentPatch, view: s.assessmentView },
];

/**
 * Student progress: /api/v1/students/{id}/goals, /repertoire, /assessments (list, create, change,
 * delete) and /progress (timeline and summary). Admins and the student's teachers write; the
 * student's parent reads; anyone else gets 404.
 */
export const progressRoutes =
  (deps: ProgressDeps): FastifyPluginAsyncZod =>
  async (app) => {
    for (const { kind, path, param, params, body, patch, view } of kinds) {
      const base = `/api/v1/students/:id/${path}`;
      const label = kind.label.toLowerCase();
      app.get(
        base,
        {
          config: readers,
          schema: {
            tags,
            security,
            summary: `A student's ${path}, oldest first`,
            params: s.studentParams,
            querystring: s.progressListQuery,
            response: { 200: pageOf(view), ...errors },
          },
        },
        async (request) => listRecords(deps, kind, callerOf(request), request.params.id, request.query),
      );
      app.post(
        base,
        {
          config: writers,
          schema: { tags, security, summary: `Add a ${label} (admin; the student's teacher)`, params: s.studentParams, body, response: { 201: view, ...errors } },
        },
        async (request, reply) => reply.status(201).send(await createRecord(deps, kind, callerOf(request), actorOf(request), request.params.id, request.body)),
      );
      app.patch(
        `${base}/:${param}`,
        { config: writers, schema: { tags, security, summary: `Change a ${label} (admin; the student's teacher)`, params, body: patch, response: { 200: view, ...errors } } },
        async (request) => {
          const ids = request.params as { id: number } & Record<typeof param, number>;
          return patchRecord(deps, kind, callerOf(request), actorOf(request), ids.id, ids[param], request.body);
        },
      );
      app.delete(
        `${base}/:${param}`,
        { config: writers, schema: { tags, security, summary: `Delete a ${label} (admin; the student's teacher)`, params, response: { 204: noContent, ...errors } } },
        async (request, reply) => {
          const ids = request.params as { id: number } & Record<typeof param, number>;
          await deleteRecord(deps, kind, callerOf(request), actorOf(request), ids.id, ids[param]);
          return reply.status(204).send(null);
        },
      );
    }

    app.get(
      '/api/v1/students/:id/progress',
      {
        config: readers,
        schema: {
          tags,
          security,
          summary: "A student's timeline (lessons with attendance and notes, goals, pieces, assessments) and summary for local days from–to",
          params: s.studentParams,
          querystring: timelineQuery,
          response: { 200: progressAnswer, ...errors },
        },
      },
      async (request) => studentProgress(deps, callerOf(request), request.params.id, request.query),
    );
  };
