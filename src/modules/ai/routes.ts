/** GET /api/v1/ai/usage (admin): what the AI providers and the rules drafter did over a period, and the month's budget. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import { centsOf, usageBetween, type UsageLine } from '../../ai/index.js';
import { errorResponse } from '../../http/error-schemas.js';
import type { SchoolServices } from '../services.js';
import { schoolSettings } from '../settings/reader.js';
import { usageQuery, usageReport } from './schemas.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 503: errorResponse };

export const aiRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/ai/usage',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['ai'],
          security: [{ bearerAuth: [] }],
          summary: 'AI usage per provider and model: calls, tokens, cost, fallbacks; the monthly budget',
          querystring: usageQuery,
          response: { 200: usageReport, ...errors },
        },
      },
      async (request) => {
        const { timezone } = await schoolSettings(services.db, services.config).get();
        const today = DateTime.now().setZone(timezone);
        const from = request.query.from ?? (today.startOf('month').toISODate() as string);
        const to = request.query.to ?? (today.toISODate() as string);
        const start = DateTime.fromISO(from, { zone: timezone }).toJSDate();
        const end = DateTime.fromISO(to, { zone: timezone }).plus({ days: 1 }).toJSDate();
        const providers = await usageBetween(services.db.sql, start, end);
        const spent = await services.ai.spentThisMonth();
        const budget = services.ai.monthlyBudgetCents;
        return {
          from,
          to,
          timezone,
          providers,
          totals: totalOf(providers),
          budget: {
            monthlyBudgetCents: budget ?? null,
            spentThisMonthMicrocents: spent,
            spentThisMonthCents: centsOf(spent),
            reached: budget !== undefined && spent >= budget * 1_000_000,
          },
          configuredProviders: services.ai.providers.map((p) => ({ provider: p.name, model: p.model })),
        };
      },
    );
  };

function totalOf(lines: UsageLine[]): z.infer<typeof usageReport>['totals'] {
  const sum = (pick: (line: UsageLine) => number): number => lines.reduce((total, line) => total + pick(line), 0);
  const costMicrocents = sum((l) => l.costMicrocents);
  return {
    calls: sum((l) => l.calls),
    failed: sum((l) => l.failed),
    fallbacks: sum((l) => l.fallbacks),
    repairs: sum((l) => l.repairs),
    inputTokens: sum((l) => l.inputTokens),
    outputTokens: sum((l) => l.outputTokens),
    costMicrocents,
    costCents: centsOf(costMicrocents),
  };
}
