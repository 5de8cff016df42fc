/**
 * Approvals, follow-up tasks and the on-demand payment-issue run (admins only):
 * GET /api/v1/approvals, GET /api/v1/approvals/{id}, POST /api/v1/approvals/{id}/approve |
 * reject, POST /api/v1/approvals/approve (many); GET, POST /api/v1/tasks, GET, PATCH /api/v1/tasks/{id}; POST /api/v1/ai/payment-issues.
 * Queries run as the caller (row-level security: admins only).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sqlExecutorOf } from '../../db/orm-sql.js';
import { notFound, validationFailed } from '../../http/errors.js';
import { offsetOf } from '../../http/pagination.js';
import { actorOf, callerOf } from '../auth/caller.js';
import { asCaller } from '../auth/scoped.js';
import { errors, idParams, security } from '../records/common.js';
import type { SchoolServices } from '../services.js';
import { approveMany, bulkApproveBody, bulkApproveResult } from './bulk.js';
import { decide } from './decide.js';
import './known-kinds.js';
import { parentOfCase } from './payment-issue/gather.js';
import { startPaymentIssue } from './payment-issue/start.js';
import {
  approvalListQuery,
  approvalPage,
  approvalView,
  approveBody,
  newTaskBody,
  paymentIssueBody,
  rejectBody,
  runAccepted,
  taskListQuery,
  taskPage,
  taskPatchBody,
  taskView,
} from './schemas.js';
import { approvalById, listApprovals } from './store.js';
import { createTask, listTasks, taskById, updateTask } from './tasks.js';
import { checkTaskLinks } from './task-links.js';

const admin = { access: ['admin' as const] };

export const approvalRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    const asAdmin = <T>(request: Parameters<typeof callerOf>[0], work: (sql: ReturnType<typeof sqlExecutorOf>) => Promise<T>): Promise<T> =>
      asCaller(services.db, callerOf(request), (orm) => work(sqlExecutorOf(orm)));

    app.get(
      '/api/v1/approvals',
      {
        config: admin,
        schema: { tags: ['approvals'], security, summary: 'Approvals, newest first (?status, ?kind)', querystring: approvalListQuery, response: { 200: approvalPage, ...errors } },
      },
      async (request) => {
        const q = request.query;
        const page = await asAdmin(request, (sql) => listApprovals(sql, { status: q.status, kind: q.kind, limit: q.pageSize, offset: offsetOf(q) }));
        return { data: page.rows, page: q.page, pageSize: q.pageSize, total: page.total };
      },
    );

    app.get(
      '/api/v1/approvals/:id',
      {
        config: admin,
        schema: {
          tags: ['approvals'],
          security,
          summary: 'One approval: the draft, its inputs as sent, its source, the run',
          params: idParams,
          response: { 200: approvalView, ...errors },
        },
      },
      async (request) => {
        const row = await asAdmin(request, (sql) => approvalById(sql, request.params.id));
        if (!row) throw notFound(`Approval ${request.params.id}`);
        return row;
      },
    );

    app.post(
      '/api/v1/approvals/:id/approve',
      {
        config: admin,
        schema: {
          tags: ['approvals'],
          security,
          summary: 'Approve (optionally with edits); the waiting run goes on',
          params: idParams,
          body: approveBody,
          response: { 200: approvalView, ...errors },
        },
      },
      async (request) => decide(services, callerOf(request), actorOf(request), request.params.id, { status: 'approved', edits: request.body.edits }),
    );

    app.post(
      '/api/v1/approvals/approve',
      {
        config: admin,
        schema: {
          tags: ['approvals'],
          security,
          summary: 'Approve many as drafted (e.g. a batch of progress reports); each result says approved or why not',
          body: bulkApproveBody,
          response: { 200: bulkApproveResult, ...errors },
        },
      },
      async (request) => approveMany(services, callerOf(request), actorOf(request), request.body.ids),
    );

    app.post(
      '/api/v1/approvals/:id/reject',
      {
        config: admin,
        schema: {
          tags: ['approvals'],
          security,
          summary: 'Reject with a reason; the waiting run goes on',
          params: idParams,
          body: rejectBody,
          response: { 200: approvalView, ...errors },
        },
      },
      async (request) => decide(services, callerOf(request), actorOf(request), request.params.id, { status: 'rejected', reason: request.body.reason }),
    );

    app.get(
      '/api/v1/tasks',
      {
        config: admin,
        schema: { tags: ['tasks'], security, summary: 'Follow-up tasks: open first, by due date', querystring: taskListQuery, response: { 200: taskPage, ...errors } },
      },
      async (request) => {
        const q = request.query;
        const page = await asAdmin(request, (sql) =>
          listTasks(sql, { status: q.status, userId: q.userId, paymentId: q.paymentId, approvalId: q.approvalId, limit: q.pageSize, offset: offsetOf(q) }),
        );
        return { data: page.rows, page: q.page, pageSize: q.pageSize, total: page.total };
      },
    );

    app.post(
      '/api/v1/tasks',
      { config: admin, schema: { tags: ['tasks'], security, summary: 'Create a task by hand (audited)', body: newTaskBody, response: { 201: taskView, ...errors } } },
      async (request, reply) => {
        // Checked as the school (workflow runs are not the caller's to read), then created as the caller.
        await checkTaskLinks(services.db.sql, request.body);
        const created = await asAdmin(request, (sql) => createTask(sql, actorOf(request), request.body));
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/api/v1/tasks/:id',
      { config: admin, schema: { tags: ['tasks'], security, summary: 'One task', params: idParams, response: { 200: taskView, ...errors } } },
      async (request) => {
        const row = await asAdmin(request, (sql) => taskById(sql, request.params.id));
        if (!row) throw notFound(`Task ${request.params.id}`);
        return row;
      },
    );

    app.patch(
      '/api/v1/tasks/:id',
      {
        config: admin,
        schema: {
          tags: ['tasks'],
          security,
          summary: 'Change a task: title, details, due date, status (audited)',
          params: idParams,
          body: taskPatchBody,
          response: { 200: taskView, ...errors },
        },
      },
      async (request) => {
        const row = await asAdmin(request, (sql) => updateTask(sql, actorOf(request), request.params.id, request.body));
        if (!row) throw notFound(`Task ${request.params.id}`);
        return row;
      },
    );

    app.post(
      '/api/v1/ai/payment-issues',
      {
        config: admin,
        schema: {
          tags: ['ai'],
          security,
          summary: 'Start a payment-issue run for a payment or a parent’s billing message; its draft waits for approval',
          body: paymentIssueBody,
          response: { 202: runAccepted, ...errors },
        },
      },
      async (request, reply) => {
        const { paymentId, messageId } = request.body;
        const parentId = await asAdmin(request, (sql) => parentOfCase(sql, { paymentId, messageId }));
        if (parentId === undefined) {
          throw validationFailed([
            paymentId !== undefined
              ? { field: 'body.paymentId', message: 'is not a payment' }
              : { field: 'body.messageId', message: 'is not a parent’s message in a billing conversation' },
          ]);
        }
        const { runId } = await startPaymentIssue(services.workflows, {
          ...(paymentId !== undefined ? { paymentId } : {}),
          ...(messageId !== undefined ? { messageId } : {}),
          trigger: 'office',
        });
        return reply.status(202).send({ runId });
      },
    );
  };
