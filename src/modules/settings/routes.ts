import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, callerOf } from '../auth/caller.js';
import { errors, security } from '../records/common.js';
import { putSettingBody, setting, settingKeyParams } from './schemas.js';
import type { SettingsService } from './service.js';

const admin = { access: ['admin'] as const };
const tags = ['settings'];

/** /api/v1/settings: school-wide settings (admin). Unknown keys answer 404. */
export const settingsRoutes =
  (service: SettingsService): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/settings',
      {
        config: { ...admin, readCache: true },
        schema: { tags, security, summary: 'Every setting (stored values and defaults)', response: { 200: z.object({ data: z.array(setting) }), ...errors } },
      },
      async (request) => ({ data: await service.list(callerOf(request)) }),
    );

    app.get(
      '/api/v1/settings/:key',
      { config: { ...admin, readCache: true }, schema: { tags, security, summary: 'One setting', params: settingKeyParams, response: { 200: setting, ...errors } } },
      async (request) => service.get(callerOf(request), request.params.key),
    );

    app.put(
      '/api/v1/settings/:key',
      {
        config: admin,
        schema: {
          tags,
          security,
          summary: 'Set a known setting: body {value}, validated by key',
          description:
            'Keys: school, instruments, pricing, lessonDurations, cancellationWindowHours, rescheduleWindowHours, bufferMinutes, minimumNoticeHours, reminderLeadHours, timezone, paymentReminderDays, lateFee. Unknown keys answer 404. timezone and school.timezone are kept equal.',
          params: settingKeyParams,
          body: putSettingBody,
          response: { 200: setting, ...errors },
        },
      },
      async (request) => service.put(callerOf(request), actorOf(request), request.params.key, request.body.value),
    );
  };
