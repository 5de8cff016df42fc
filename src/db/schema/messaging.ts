import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { identityId, timestamps, tstz } from './columns.js';
import { users } from './users.js';
import { workflowRuns } from './workflows.js';

export const outboxChannels = ['email', 'sms'] as const;
/** Delivery states; their meaning is documented in migrations/0008_notifications.sql. */
export const outboxStatuses = ['pending', 'sending', 'retrying', 'sent', 'kept', 'failed'] as const;
export type OutboxChannel = (typeof outboxChannels)[number];
export type OutboxStatus = (typeof outboxStatuses)[number];

/** In-app notifications. */
export const notifications = pgTable(
  'notifications',
  {
    id: identityId(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    readAt: tstz('read_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    /** Set by the notification workflow, so a resumed run never writes one twice. */
    idempotencyKey: text('idempotency_key').unique('notifications_idempotency_key_key'),
  },
  (t) => [index('notifications_user_created_idx').on(t.userId, t.createdAt.desc()), index('notifications_user_unread_idx').on(t.userId).where(sql`read_at IS NULL`)],
);

/** Every e-mail and SMS, with its delivery state; a sender picks pending rows whose send_after has passed. */
export const outbox = pgTable(
  'outbox',
  {
    id: identityId(),
    channel: text('channel', { enum: outboxChannels }).notNull(),
    /** E-mail address or phone number. */
    recipient: text('recipient').notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    template: text('template').notNull(),
    subject: text('subject'),
    bodyText: text('body_text'),
    bodyHtml: text('body_html'),
    status: text('status', { enum: outboxStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    providerMessageId: text('provider_message_id'),
    idempotencyKey: text('idempotency_key').unique('outbox_idempotency_key_key'),
    sendAfter: tstz('send_after').notNull().defaultNow(),
    sentAt: tstz('sent_at'),
    ...timestamps(),
    /** smtp, twilio or outbox (kept, no transport configured). */
    provider: text('provider'),
    /** The notification run that owns the row; null for mail queued outside a workflow. */
    runId: uuid('run_id').references(() => workflowRuns.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('outbox_due_idx').on(t.status, t.sendAfter),
    index('outbox_user_idx').on(t.userId),
    index('outbox_created_idx').on(t.createdAt.desc()),
    index('outbox_channel_status_idx').on(t.channel, t.status, t.createdAt.desc()),
    index('outbox_run_idx').on(t.runId),
  ],
);

export type Notification = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;
export type OutboxMessage = typeof outbox.$inferSelect;
export type NewOutboxMessage = typeof outbox.$inferInsert;
