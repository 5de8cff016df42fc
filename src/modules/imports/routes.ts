import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sqlExecutorOf } from '../../db/orm-sql.js';
import { notFound } from '../../http/errors.js';
import { pageOf } from '../../http/pagination.js';
import { callerOf } from '../auth/caller.js';
import { asCaller } from '../auth/scoped.js';
import { errors, idParams, security } from '../records/common.js';
import type { SchoolServices } from '../services.js';
import { parseImport } from './parse.js';
import { createImport, dryRunImport, finishImport } from './run.js';
import { dryRunAnswer, importBody, importListQuery, importQuery, importView, startedImport } from './schemas.js';
import { findImport, listImports } from './store.js';
import { CSV_IMPORT_WORKFLOW } from './workflow.js';

const admin = { access: ['admin'] as const };
const tags = ['imports'];

/**
 * /api/v1/imports (admin): CSV imports of families, teachers and weekly hours. The body is the
 * file as `text/csv` (this plugin's own parser: the text as is, within the 1 MiB body limit, about
 * 5 000 family rows) or JSON `{csv, mapping?}`. A dry run answers the per-row report at once; a
 * real run answers 202 and goes on in the `csv-import` workflow.
 */
export const importRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
    const deps = { db: services.db, config: services.config };

    app.post(
      '/api/v1/imports',
      {
        config: admin,
        schema: {
          tags,
          security,
          summary: 'Import a CSV file: ?dryRun=true answers the per-row report and changes nothing; otherwise 202 and the csv-import workflow',
          consumes: ['text/csv', 'application/json'],
          querystring: importQuery,
          body: importBody,
          response: { 200: dryRunAnswer, 202: startedImport, ...errors },
        },
      },
      async (request, reply) => {
        const { kind, dryRun, invite, fileName } = request.query;
        const text = typeof request.body === 'string' ? request.body : request.body.csv;
        const mapping = { ...(typeof request.body === 'string' ? {} : request.body.mapping), ...request.query.mapping };
        const parsed = parseImport(kind, text, mapping);
        const caller = callerOf(request);
        const options = { kind, invite, adminId: caller.userId };
        if (dryRun) {
          const report = await dryRunImport(deps, options, parsed);
          return reply.status(200).send({ kind, dryRun: true as const, ...report, ignoredColumns: parsed.ignoredColumns });
        }
        const importId = await asCaller(services.db, caller, (tx) => createImport(sqlExecutorOf(tx), options, parsed, fileName));
        const { runId } = await services.workflows.start(CSV_IMPORT_WORKFLOW, { importId }, { idempotencyKey: `import:${importId}` }).catch(async (error: unknown) => {
          await finishImport(deps, importId, 'the import workflow could not be started').catch(() => undefined);
          throw error;
        });
        await asCaller(services.db, caller, (tx) => sqlExecutorOf(tx).query('UPDATE imports SET run_id = $2 WHERE id = $1', [importId, runId]));
        return reply.status(202).send({ importId, runId, statusUrl: `/api/v1/imports/${importId}`, ignoredColumns: parsed.ignoredColumns });
      },
    );

    app.get(
      '/api/v1/imports',
      {
        config: admin,
        schema: { tags, security, summary: 'Imports, newest first (without their row errors)', querystring: importListQuery, response: { 200: pageOf(importView), ...errors } },
      },
      async (request) => {
        const { page, pageSize } = request.query;
        const { data, total } = await asCaller(services.db, callerOf(request), (tx) => listImports(sqlExecutorOf(tx), page, pageSize));
        return { data, page, pageSize, total };
      },
    );

    app.get(
      '/api/v1/imports/:id',
      {
        config: admin,
        schema: {
          tags,
          security,
          summary: 'An import: status, counts (total, processed, created, updated, skipped, errors) and the row errors',
          params: idParams,
          response: { 200: importView, ...errors },
        },
      },
      async (request) => {
        const found = await asCaller(services.db, callerOf(request), (tx) => findImport(sqlExecutorOf(tx), request.params.id));
        if (!found) throw notFound(`Import ${request.params.id}`);
        return found;
      },
    );
  };
