/**
 * Progress reports (admin): POST /api/v1/ai/progress-reports starts the reports of a period for
 * given students or all (202 {runId} of the batch run); GET /api/v1/reports/progress-reports lists
 * them with their status. Reads run as the caller (row-level security).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { validationFailed } from '../../http/errors.js';
import { offsetOf } from '../../http/pagination.js';
import { callerOf } from '../auth/caller.js';
import { asCallerSql } from '../payments/read.js';
import { errors, security } from '../records/common.js';
import type { SchoolServices } from '../services.js';
import { PROGRESS_REPORTS_WORKFLOW } from './batch.js';
import { progressReportsRequest, reportListQuery, reportPage, reportsStarted } from './schemas.js';
import { listReports } from './store.js';

export const progressReportRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['ai'];
    app.post(
      '/api/v1/ai/progress-reports',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          security,
          summary: 'Start the progress reports of a period for given students or all; each report waits for approval',
          body: progressReportsRequest,
          response: { 202: reportsStarted, ...errors },
        },
      },
      async (request, reply) => {
        const { studentIds, period } = request.body;
        const ids = studentIds ? [...new Set(studentIds)] : undefined;
        if (ids) {
          const found = await asCallerSql(services.db, callerOf(request), (sql) => sql.query<{ id: number }>('SELECT id FROM students WHERE id = ANY($1::int[])', [ids]));
          const known = new Set(found.map((r) => r.id));
          const unknown = ids.filter((id) => !known.has(id));
          if (unknown.length > 0) throw validationFailed([{ field: 'body.studentIds', message: `no student ${unknown.join(', ')}` }]);
        }
        const { runId } = await services.workflows.start(PROGRESS_REPORTS_WORKFLOW, { ...(ids ? { studentIds: ids } : {}), period });
        return reply.status(202).send({ runId });
      },
    );

    app.get(
      '/api/v1/reports/progress-reports',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          security,
          summary: 'Progress reports, newest period first, with their status and flags',
          querystring: reportListQuery,
          response: { 200: reportPage, ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        const { rows, total } = await asCallerSql(services.db, callerOf(request), (sql) =>
          listReports(sql, { from: q.from, to: q.to, status: q.status, studentId: q.studentId, flagged: q.flagged, limit: q.pageSize, offset: offsetOf(q) }),
        );
        return { data: rows, page: q.page, pageSize: q.pageSize, total };
      },
    );
  };
