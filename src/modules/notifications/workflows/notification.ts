/**
 * The `notification` workflow:
 *
 *   determine_channels → render ⇉ { email, sms, in_app } (concurrent) → track
 *
 * `determine_channels` reads the recipient and their preferences; `render` renders the template in
 * the school's name; each channel writes its outbox row (or in-app row) first, keyed by its node's
 * idempotency key, then sends with retries and exponential backoff. A channel that exhausts its
 * retries ends `failed` in the outbox and returns normally, so its siblings still complete;
 * `track` summarises every channel (sent | kept | failed | skipped).
 */
import { defineNode, defineWorkflow, PermanentError, type RetryPolicy, type TaskContext } from '../../../engine/index.js';
import type { SchoolServices } from '../../services.js';
import { attemptDelivery, type DeliveryOutcome } from '../delivery.js';
import { createInApp } from '../in-app.js';
import { ensureOutboxRow } from '../outbox.js';
import { planDelivery, type DeliveryPlan } from '../preferences.js';
import { renderTemplate, TemplateDataError, type RenderedMessage } from '../render.js';
import { schoolContextOf } from '../school.js';
import { schoolSettings } from '../../settings/reader.js';
import { NOTIFICATION_WORKFLOW, type Channel, type NotificationRequest } from '../types.js';
import { notificationEvent } from './event.js';
import { channelSummary, trackOutput, type ChannelResult } from './summary.js';

/** Retry policy of the e-mail and SMS sends: 4 attempts, full-jitter backoff of up to 0.25 s, 1 s, 4 s. */
export const DELIVERY_RETRY = { maxAttempts: 4, initialDelayMs: 250, backoffFactor: 4, maxDelayMs: 30_000 } as const satisfies RetryPolicy;

type Ctx = TaskContext<NotificationRequest>;

/** The workflow over `services`; `options.retry` replaces DELIVERY_RETRY for the e-mail and SMS sends. */
export function buildNotificationWorkflow(services: SchoolServices, options: { retry?: RetryPolicy & { maxAttempts: number } } = {}) {
  const sql = services.db.sql;
  const retry = options.retry ?? DELIVERY_RETRY;

  const determine = defineNode({
    id: 'determine_channels',
    description: "Recipient, addresses and channels from the request and the recipient's preferences",
    retry: { maxAttempts: 3 },
    process: (ctx: Ctx): Promise<DeliveryPlan> => planDelivery(sql, ctx.event),
  });

  const render = defineNode({
    id: 'render',
    description: "Renders the template in the school's name (subject, HTML, text, SMS)",
    retry: { maxAttempts: 3 },
    process: async (ctx: Ctx): Promise<RenderedMessage | null> => {
      const plan = ctx.output(determine) as DeliveryPlan;
      if (!Object.values(plan.channels).some((c) => c.send)) return null;
      const school = schoolContextOf(await schoolSettings(services.db, services.config).get());
      try {
        return renderTemplate(ctx.event.template, ctx.event.data, { school, recipientName: plan.recipientName });
      } catch (error) {
        if (error instanceof TemplateDataError) throw new PermanentError(error.message, { cause: error });
        throw error;
      }
    },
  });

  /** A send node for e-mail or SMS: outbox row first, then one attempt per node attempt. */
  const sender = (channel: 'email' | 'sms') =>
    defineNode({
      id: channel,
      description: channel === 'email' ? 'Sends the e-mail (SMTP, or kept in the outbox)' : 'Sends the SMS (Twilio, or kept in the outbox)',
      retry,
      process: async (ctx: Ctx): Promise<ChannelResult> => {
        const plan = (ctx.output(determine) as DeliveryPlan).channels[channel];
        const message = ctx.output(render) as RenderedMessage | null;
        if (!plan.send || message === null) return { status: 'skipped', reason: plan.send ? 'nothing to send' : plan.reason };
        const row = await ensureOutboxRow(sql, {
          channel,
          to: plan.to,
          userId: ctx.event.userId ?? null,
          template: ctx.event.template,
          subject: channel === 'email' ? message.subject : null,
          text: channel === 'email' ? message.text : message.sms,
          html: channel === 'email' ? message.html : null,
          idempotencyKey: ctx.idempotencyKey,
          runId: ctx.runId,
        });
        // The row counts attempts across resumes; the engine's count restarts with each worker.
        const lastChance = ctx.attempt >= retry.maxAttempts;
        const outcome: DeliveryOutcome = await attemptDelivery(sql, services, row.id, { maxAttempts: lastChance ? 0 : retry.maxAttempts });
        return outcome;
      },
    });

  const inApp = defineNode({
    id: 'in_app',
    description: "Writes the in-app notification of the recipient's account",
    retry: { maxAttempts: 3, initialDelayMs: 100 },
    process: async (ctx: Ctx): Promise<ChannelResult> => {
      const plan = (ctx.output(determine) as DeliveryPlan).channels.in_app;
      const message = ctx.output(render) as RenderedMessage | null;
      if (!plan.send || message === null || ctx.event.userId === undefined) {
        return { status: 'skipped', reason: plan.send ? 'nothing to send' : plan.reason };
      }
      const notificationId = await createInApp(sql, {
        userId: ctx.event.userId,
        kind: ctx.event.template,
        title: message.subject,
        body: message.plain,
        data: ctx.event.data,
        idempotencyKey: ctx.idempotencyKey,
      });
      return { status: 'sent', notificationId };
    },
  });

  const track = defineNode({
    id: 'track',
    description: 'Delivery summary: per channel sent, kept, failed or skipped',
    output: trackOutput,
    process: (ctx: Ctx) => {
      const result = (channel: Channel) => channelSummary(ctx.output<ChannelResult>(channel));
      return { template: ctx.event.template, userId: ctx.event.userId ?? null, channels: { email: result('email'), sms: result('sms'), in_app: result('in_app') } };
    },
  });

  return defineWorkflow({
    name: NOTIFICATION_WORKFLOW,
    description: 'Notifies a user or an address: channels from preferences, e-mail, SMS and in-app at once, delivery tracked in the outbox',
    event: notificationEvent,
    start: 'determine_channels',
    nodes: [
      { node: determine, connections: ['render'] },
      { node: render, concurrent: { nodes: ['email', 'sms', 'in_app'] }, connections: ['track'] },
      { node: sender('email') },
      { node: sender('sms') },
      { node: inApp },
      { node: track },
    ],
  });
}
