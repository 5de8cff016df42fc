import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../auth/caller.js';
import { errors, security } from '../records/common.js';
import type { SchoolServices } from '../services.js';
import { reportCsv } from './csv.js';
import { readDashboard } from './dashboard.js';
import { dashboardAnswer, reportAnswer, reportParams, reportQuery } from './schemas.js';
import { runReport } from './service.js';

/** CSV when `?format=csv`, or when `Accept` asks for text/csv and `format` does not say json. */
const wantsCsv = (format: string | undefined, accept: string | undefined): boolean => format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(accept ?? ''));

/**
 * GET /api/v1/reports/{report} (admin; a teacher the teacher-scoped reports, their own figures)
 * and GET /api/v1/dashboard (admin). `now` is the clock for default ranges and "today".
 */
export const reportRoutes =
  (services: Pick<SchoolServices, 'db' | 'config'>, now: () => number = Date.now): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/reports/:report',
      {
        config: { access: ['admin', 'teacher'] },
        schema: {
          tags: ['reports'],
          security,
          summary:
            'A report for a range of local days: revenue, receivables, retention, attendance, utilisation, enrollment-funnel, makeup-credits (JSON, or CSV with Accept: text/csv or ?format=csv)',
          params: reportParams,
          querystring: reportQuery,
          response: { 200: reportAnswer, ...errors },
        },
      },
      async (request, reply) => {
        const answer = await runReport(services, callerOf(request), request.params.report, request.query, now);
        if (!wantsCsv(request.query.format, request.headers.accept)) return answer;
        // A CSV body is text, sent as it is (Fastify serialises only JSON bodies): the untyped reply says so.
        const raw: FastifyReply = reply;
        return raw.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${answer.report}-${answer.from}-${answer.to}.csv"`).send(reportCsv(answer));
      },
    );

    app.get(
      '/api/v1/dashboard',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['reports'],
          security,
          summary: "The office's dashboard: today's lessons, money due and overdue, failed payments, waitlist, lessons without attendance",
          response: { 200: dashboardAnswer, ...errors },
        },
      },
      async (request) => readDashboard(services, callerOf(request), now),
    );
  };
