import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EventValidationError, finalStatuses, UnknownWorkflowError, type RunRecord, type WorkflowEngine } from '../../engine/index.js';
import { errorResponse } from '../../http/error-schemas.js';
import { AppError, notFound } from '../../http/errors.js';
import { offsetOf, pageOf, pageQuery } from '../../http/pagination.js';
import { runDetail, runIdParams, runListQuery, runSummary, startedRun, startRunBody, workflowName, workflowSummary } from './schemas.js';

const admin = { access: ['admin'] as const };
const tags = ['workflows'];
const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

const statusUrl = (runId: string): string => `/api/v1/workflows/runs/${runId}`;

function summary(run: RunRecord): z.infer<typeof runSummary> {
  return {
    id: run.id,
    workflow: run.workflow,
    status: run.status,
    currentNode: run.currentNode,
    stopReason: run.stopReason,
    error: run.error,
    attempt: run.attempt,
    idempotencyKey: run.idempotencyKey,
    waitingFor: run.waitingFor,
    waitingUntil: run.waitingUntil,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

function lookup(engine: WorkflowEngine, name: string) {
  try {
    return engine.registry.describe(name);
  } catch (error) {
    if (error instanceof UnknownWorkflowError) throw notFound(`Workflow "${name}"`);
    throw error;
  }
}

/** The workflow registry and runs API (admin only), as API.md lists it. */
export const workflowRoutes =
  (engine: WorkflowEngine): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/workflows',
      { config: admin, schema: { tags, security, summary: 'Registered workflows', response: { 200: z.object({ data: z.array(workflowSummary) }) } } },
      async () => ({
        data: engine.registry.list().map((w) => {
          const d = engine.registry.describe(w.name);
          return { name: d.name, description: d.description, start: d.start, nodeCount: d.nodeCount, graphUrl: `/api/v1/workflows/${d.name}/graph` };
        }),
      }),
    );

    app.get(
      '/api/v1/workflows/:name/graph',
      {
        config: admin,
        schema: {
          tags,
          security,
          summary: 'Mermaid diagram of a workflow DAG',
          params: workflowName,
          response: { 200: z.object({ workflow: z.string(), format: z.literal('mermaid'), graph: z.string() }), ...errors },
        },
      },
      async (request) => {
        const description = lookup(engine, request.params.name);
        return { workflow: description.name, format: 'mermaid' as const, graph: description.mermaid };
      },
    );

    app.post(
      '/api/v1/workflows/:name/runs',
      {
        config: admin,
        schema: { tags, security, summary: 'Start a run', params: workflowName, body: startRunBody, response: { 202: startedRun, ...errors } },
      },
      async (request, reply) => {
        lookup(engine, request.params.name);
        try {
          const { run, created } = await engine.start(request.params.name, request.body.event, {
            ...(request.body.idempotencyKey ? { idempotencyKey: request.body.idempotencyKey } : {}),
            metadata: { startedBy: request.principal?.userId ?? null, requestId: request.id },
          });
          return reply
            .status(202)
            .header('location', statusUrl(run.id))
            .send({ runId: run.id, status: run.status, created, statusUrl: statusUrl(run.id) });
        } catch (error) {
          if (error instanceof EventValidationError) {
            const details = error.issues.map((issue) => {
              const i = issue as { path?: PropertyKey[]; message?: string };
              return { field: ['body', 'event', ...(i.path ?? []).map(String)].join('.'), message: i.message ?? 'is invalid' };
            });
            throw new AppError('validation_failed', error.message, details);
          }
          throw error;
        }
      },
    );

    app.get(
      '/api/v1/workflows/runs',
      {
        config: admin,
        schema: { tags, security, summary: 'List runs, newest first', querystring: pageQuery.extend(runListQuery.shape), response: { 200: pageOf(runSummary), ...errors } },
      },
      async (request) => {
        const { page, pageSize, workflow, status } = request.query;
        const { runs, total } = await engine.list({
          limit: pageSize,
          offset: offsetOf({ page, pageSize }),
          ...(workflow ? { workflow } : {}),
          ...(status ? { status } : {}),
        });
        return { data: runs.map(summary), page, pageSize, total };
      },
    );

    app.get(
      '/api/v1/workflows/runs/:id',
      { config: admin, schema: { tags, security, summary: 'Run status, progress and per-node results', params: runIdParams, response: { 200: runDetail, ...errors } } },
      async (request) => {
        const view = await engine.view(request.params.id);
        if (!view) throw notFound('Run');
        return {
          ...summary(view),
          event: view.event,
          progress: view.progress,
          nodes: view.nodes,
          attempts: view.attemptsLog.map((s) => ({
            nodeId: s.nodeId,
            kind: s.kind,
            attempt: s.attempt,
            status: s.status,
            error: s.error,
            startedAt: s.startedAt,
            finishedAt: s.finishedAt,
            durationMs: s.durationMs,
          })),
        };
      },
    );

    app.post(
      '/api/v1/workflows/runs/:id/cancel',
      { config: admin, schema: { tags, security, summary: 'Cancel a run (finished nodes are compensated)', params: runIdParams, response: { 202: runSummary, ...errors } } },
      async (request, reply) => {
        const before = await engine.store.get(request.params.id);
        if (!before) throw notFound('Run');
        if (finalStatuses.has(before.status)) {
          throw new AppError('conflict', `Run is already ${before.status}`);
        }
        const run = await engine.cancel(request.params.id);
        if (!run) throw notFound('Run');
        return reply.status(202).send(summary(run));
      },
    );

    app.post(
      '/api/v1/workflows/runs/:id/retry',
      { config: admin, schema: { tags, security, summary: 'Retry a failed run from its failed node', params: runIdParams, response: { 202: runSummary, ...errors } } },
      async (request, reply) => {
        const before = await engine.store.get(request.params.id);
        if (!before) throw notFound('Run');
        const run = await engine.retry(request.params.id);
        if (!run) {
          throw new AppError(
            'conflict',
            before.status === 'failed' ? 'Run cannot be retried: its finished nodes were already compensated' : `Only failed runs can be retried; this one is ${before.status}`,
          );
        }
        return reply.status(202).send(summary(run));
      },
    );
  };
