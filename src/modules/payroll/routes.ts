/**
 * Payroll routes. Pay rates: GET /api/v1/teachers/{id}/pay-rate (admin; the teacher themself),
 * PUT (admin). Runs: POST /api/v1/payroll/runs (admin: a draft), GET /api/v1/payroll/runs[/{id}]
 * (admins every run; a teacher the approved and paid runs with their own pay, only their own lines;
 * JSON, or CSV with `Accept: text/csv` or `?format=csv`), and the admin actions recalculate,
 * adjustments, approve, paid and DELETE (a draft). All run as the caller (row-level security).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sqlExecutorOf } from '../../db/orm-sql.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import { notFound } from '../../http/errors.js';
import { offsetOf } from '../../http/pagination.js';
import { actorOf, callerOf } from '../auth/caller.js';
import { asCaller, type Caller } from '../auth/scoped.js';
import { errors, idParams, noContent, security, todayIn } from '../records/common.js';
import type { SchoolServices } from '../services.js';
import { schoolSettings } from '../settings/reader.js';
import type { KnownSettings } from '../settings/types.js';
import { runCsv, runListCsv } from './csv.js';
import { payRateOf, setPayRate } from './rates.js';
import { addAdjustment, approveRun, createRun, deleteRun, markPaid, recalculateRun } from './runs.js';
import { adjustmentBody, createRunBody, paidBody, payRateBody, payRateView, runDetail, runListQuery, runPage, runQuery, type RunDetail } from './schemas.js';
import { callerTeacherId, listRuns, runDetailOf } from './store.js';

const tags = ['payroll'];
const admin = { access: ['admin' as const] };
const adminOrTeacher = { access: ['admin' as const, 'teacher' as const] };

/** Whether the request asks for CSV (`?format=csv`, or Accept: text/csv without `?format=json`). */
const wantsCsv = (request: FastifyRequest, format: 'json' | 'csv' | undefined): boolean =>
  format === 'csv' || (format === undefined && String(request.headers.accept ?? '').includes('text/csv'));

const sendCsv = (reply: FastifyReply, text: string, filename: string): FastifyReply =>
  reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(text);

export const payrollRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    const settingsIn = (sql: SqlExecutor): Promise<KnownSettings> => schoolSettings(services.db, services.config).get(0, sql);
    const run = <T>(caller: Caller, work: (sql: SqlExecutor) => Promise<T>): Promise<T> => asCaller(services.db, caller, (orm) => work(sqlExecutorOf(orm)));

    /** The teacher whose pay the caller may see: a teacher only their own (another → 404); admins `asked` or all (null). */
    const teacherScope = async (sql: SqlExecutor, caller: Caller, asked: number | undefined): Promise<number | null> => {
      if (caller.role === 'admin') return asked ?? null;
      const own = await callerTeacherId(sql);
      if (own === null || (asked !== undefined && asked !== own)) throw notFound(`Teacher ${asked ?? ''}`.trim());
      return own;
    };

    /** The run as the caller sees it after a change (admins: whole). */
    const detail = async (sql: SqlExecutor, id: number, teacherId: number | null): Promise<RunDetail> => {
      const settings = await settingsIn(sql);
      const found = await runDetailOf(sql, id, teacherId, settings.timezone);
      if (!found) throw notFound(`Payroll run ${id}`);
      return found;
    };

    app.get(
      '/api/v1/teachers/:id/pay-rate',
      {
        config: adminOrTeacher,
        schema: { tags, security, summary: "A teacher's pay rate and its history (admin; the teacher themself)", params: idParams, response: { 200: payRateView, ...errors } },
      },
      async (request) => {
        const caller = callerOf(request);
        return run(caller, async (sql) => payRateOf(sql, caller, request.params.id, todayIn((await settingsIn(sql)).timezone)));
      },
    );

    app.put(
      '/api/v1/teachers/:id/pay-rate',
      {
        config: admin,
        schema: {
          tags,
          security,
          summary: "Set a teacher's pay per hour from a date on (default today); audited",
          params: idParams,
          body: payRateBody,
          response: { 200: payRateView, ...errors },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        return run(caller, async (sql) => setPayRate(sql, caller, actorOf(request), request.params.id, request.body, todayIn((await settingsIn(sql)).timezone)));
      },
    );

    app.post(
      '/api/v1/payroll/runs',
      {
        config: admin,
        schema: { tags, security, summary: 'Calculate a draft payroll run over local dates from..to', body: createRunBody, response: { 201: runDetail, ...errors } },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const created = await run(caller, async (sql) => detail(sql, await createRun(sql, caller, actorOf(request), request.body, await settingsIn(sql)), null));
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/api/v1/payroll/runs',
      {
        config: adminOrTeacher,
        schema: {
          tags,
          security,
          summary: 'Payroll runs, newest period first (teachers: their own pay in approved and paid runs)',
          querystring: runListQuery,
          response: { 200: runPage, ...errors },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const q = request.query;
        const page = await run(caller, async (sql) =>
          listRuns(sql, { teacherId: await teacherScope(sql, caller, q.teacherId), status: q.status, limit: q.pageSize, offset: offsetOf(q) }),
        );
        if (wantsCsv(request, q.format)) return sendCsv(reply, runListCsv(page.rows), 'payroll-runs.csv');
        return { data: page.rows, page: q.page, pageSize: q.pageSize, total: page.total };
      },
    );

    app.get(
      '/api/v1/payroll/runs/:id',
      {
        config: adminOrTeacher,
        schema: {
          tags,
          security,
          summary: 'A payroll run with lines, adjustments and totals per teacher',
          params: idParams,
          querystring: runQuery,
          response: { 200: runDetail, ...errors },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const found = await run(caller, async (sql) => detail(sql, request.params.id, await teacherScope(sql, caller, request.query.teacherId)));
        if (wantsCsv(request, request.query.format)) return sendCsv(reply, runCsv(found), `payroll-run-${found.id}.csv`);
        return found;
      },
    );

    /** A bodiless admin action on a run, answering the run as it then stands. */
    const action = (path: string, summary: string, act: (sql: SqlExecutor, id: number, request: FastifyRequest) => Promise<void>) =>
      app.post(
        `/api/v1/payroll/runs/:id/${path}`,
        { config: admin, schema: { tags, security, summary, params: idParams, response: { 200: runDetail, ...errors } } },
        async (request) =>
          run(callerOf(request), async (sql) => {
            await act(sql, request.params.id, request);
            return detail(sql, request.params.id, null);
          }),
      );

    action('recalculate', "Recalculate a draft's lines from today's lessons, rates and policy (adjustments kept)", async (sql, id, request) =>
      recalculateRun(sql, actorOf(request), id, await settingsIn(sql)),
    );
    action('approve', 'Approve a draft (409 when not a draft or when an approved run overlaps)', (sql, id, request) => approveRun(sql, callerOf(request), actorOf(request), id));

    app.post(
      '/api/v1/payroll/runs/:id/adjustments',
      {
        config: admin,
        schema: {
          tags,
          security,
          summary: "Add a correction with a reason to a teacher's pay in a draft",
          params: idParams,
          body: adjustmentBody,
          response: { 201: runDetail, ...errors },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const updated = await run(caller, async (sql) => {
          await addAdjustment(sql, caller, actorOf(request), request.params.id, request.body);
          return detail(sql, request.params.id, null);
        });
        return reply.status(201).send(updated);
      },
    );

    app.post(
      '/api/v1/payroll/runs/:id/paid',
      { config: admin, schema: { tags, security, summary: 'Mark an approved run paid', params: idParams, body: paidBody, response: { 200: runDetail, ...errors } } },
      async (request) => {
        const caller = callerOf(request);
        return run(caller, async (sql) => {
          await markPaid(sql, caller, actorOf(request), request.params.id, request.body, todayIn((await settingsIn(sql)).timezone));
          return detail(sql, request.params.id, null);
        });
      },
    );

    app.delete(
      '/api/v1/payroll/runs/:id',
      { config: admin, schema: { tags, security, summary: 'Delete a draft run', params: idParams, response: { 204: noContent, ...errors } } },
      async (request, reply) => {
        await run(callerOf(request), (sql) => deleteRun(sql, actorOf(request), request.params.id));
        return reply.status(204).send(null);
      },
    );
  };
