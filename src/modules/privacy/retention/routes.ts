import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { recordAudit } from '../../audit/record.js';
import { actorOf, callerOf } from '../../auth/caller.js';
import { errors, security } from '../../records/common.js';
import type { SchoolServices } from '../../services.js';
import { schoolSettings } from '../../settings/reader.js';
import { SettingsService } from '../../settings/service.js';
import { runRetention } from './run.js';
import { putRetentionBody, retentionPeriods, retentionReport, runQuery } from './schemas.js';

const tags = ['privacy'];
const adminOnly = { access: ['admin'] as const };

/**
 * GET/PUT /api/v1/privacy/retention (the `retention` setting: days per data class) and
 * POST /api/v1/privacy/retention/run (`?dryRun=true` counts; otherwise purges), admin only.
 */
export const retentionRoutes =
  (services: SchoolServices, now: () => number = Date.now): FastifyPluginAsyncZod =>
  async (app) => {
    const settings = schoolSettings(services.db, services.config);
    const writer = new SettingsService(services.db, settings);

    app.get(
      '/api/v1/privacy/retention',
      { config: adminOnly, schema: { tags, security, summary: 'Retention periods, days per data class', response: { 200: retentionPeriods, ...errors } } },
      async () => (await settings.fresh()).retention,
    );

    app.put(
      '/api/v1/privacy/retention',
      {
        config: adminOnly,
        schema: {
          tags,
          security,
          summary: 'Change retention periods (any of the data classes; the others stay)',
          body: putRetentionBody,
          response: { 200: retentionPeriods, ...errors },
        },
      },
      async (request) => {
        const current = (await settings.fresh()).retention;
        const changes = Object.fromEntries(Object.entries(request.body).filter(([, days]) => days !== undefined));
        const saved = await writer.put(callerOf(request), actorOf(request), 'retention', { ...current, ...changes });
        return saved.value as typeof current;
      },
    );

    app.post(
      '/api/v1/privacy/retention/run',
      {
        config: adminOnly,
        schema: {
          tags,
          security,
          summary: 'Apply the retention periods now (?dryRun=true: count only): rows per data class',
          querystring: runQuery,
          response: { 200: retentionReport, ...errors },
        },
      },
      async (request) => {
        const dryRun = request.query.dryRun === 'true';
        const report = await runRetention(services.db.sql, (await settings.fresh()).retention, now(), { dryRun });
        if (!dryRun) await recordAudit(services.db.sql, actorOf(request), { action: 'purge', entity: 'retention', entityId: 'manual', after: report });
        return report;
      },
    );
  };
