/** Request and response schemas of the notification routes (routes.ts, admin-routes.ts). */
import { z } from 'zod';
import { pageQuery } from '../../http/pagination.js';

export const idParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const notificationListQuery = pageQuery.extend({
  unread: booleanQuery.optional().describe('true: unread only; false: read only'),
});

export const notificationView = z.object({
  id: z.number().int(),
  kind: z.string().describe('The template it was rendered from'),
  title: z.string(),
  body: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});

export const notificationPage = z.object({
  data: z.array(notificationView),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  unread: z.number().int().describe('Unread notifications of the caller, whatever the filter'),
});

export const preferencesBody = z.object({
  email: z.boolean(),
  sms: z.boolean(),
  inApp: z.boolean(),
});

export const preferencesView = preferencesBody.extend({
  hasPhone: z.boolean().describe('SMS needs a phone number on the account'),
  customised: z.boolean().describe('false while the defaults apply (e-mail and in-app on; SMS on with a phone number)'),
});

export const outboxStatuses = ['pending', 'sending', 'retrying', 'sent', 'kept', 'failed'] as const;

export const outboxListQuery = pageQuery.extend({
  channel: z.enum(['email', 'sms']).optional(),
  status: z.enum(outboxStatuses).optional(),
});

export const outboxView = z.object({
  id: z.number().int(),
  channel: z.enum(['email', 'sms']),
  recipient: z.string(),
  userId: z.number().int().nullable(),
  template: z.string(),
  subject: z.string().nullable(),
  bodyText: z.string().nullable(),
  status: z.enum(outboxStatuses),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  provider: z.string().nullable().describe('smtp, twilio, or outbox (kept: no transport configured)'),
  providerMessageId: z.string().nullable(),
  runId: z.string().nullable().describe('The notification run that sent it'),
  createdAt: z.string(),
  updatedAt: z.string(),
  sentAt: z.string().nullable(),
});
