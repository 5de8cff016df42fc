/**
 * The `subscription-renewals` workflow (cron, every 15 minutes): before a lesson subscription
 * renews, price its next period from the calendar and tell the family what will be charged.
 *
 *     price-renewals → send-reminders
 *
 * - `price-renewals`: each live subscription whose period ends within max(paymentReminderDays, 1)
 *   days of the firing gets its next period quoted (the student's lessons in it, calendar-pricing.ts)
 *   and saved with its lessons; when the amount differs from the gateway's, the subscription's price
 *   is changed at the gateway (from the next period on, key: subscription + period + amount), so
 *   every firing until the renewal follows the calendar's latest changes. A period costing more
 *   than one payment may (500.00) keeps the gateway's price and alerts the school instead.
 * - `send-reminders`: with `paymentReminderDays` > 0, a `payment_due` notice to the parent for each
 *   quoted period starting within that many days, once per period (claimed in
 *   `subscription_periods.reminder_claimed_at`, notification key `payment-due:<period id>`), only
 *   for an amount above 0.
 * The event's `firedAt` (ISO instant; default now) is the time the firing stands for.
 */
import { z } from 'zod';
import { defineNode, defineWorkflow, type TaskContext } from '../../../engine/index.js';
import type { SchoolServices } from '../../services.js';
import { recordAudit } from '../../audit/record.js';
import { sendNotification } from '../../notifications/send.js';
import { schoolSettings } from '../../settings/reader.js';
import { GatewayRequestError } from '../gateway/types.js';
import { notifyAdmins } from '../../notifications/admin-alerts.js';
import { formatCents, MAX_PAYMENT_CENTS, workflowActor } from '../rules.js';
import { periodEndAfter, quotePeriod, savePeriodQuote } from '../subscription-periods.js';
import type { BillingInterval } from '../values.js';

export const SUBSCRIPTION_RENEWALS_WORKFLOW = 'subscription-renewals';
export const SUBSCRIPTION_RENEWALS_CRON = '*/15 * * * *';
const BATCH = 500;
const DAY_MS = 86_400_000;

const renewalsEvent = z.object({ firedAt: z.iso.datetime({ offset: true }).optional() });
type Ctx = TaskContext<z.output<typeof renewalsEvent>>;

interface Renewing {
  id: number;
  parent_id: number;
  student_id: number;
  billing_interval: BillingInterval;
  amount_cents: number;
  current_period_start: Date;
  current_period_end: Date;
  billing_anchor: Date | null;
  gateway_subscription_id: string;
}

const firedAt = (ctx: Ctx): Date => (ctx.event.firedAt ? new Date(ctx.event.firedAt) : new Date());

export function subscriptionRenewalsWorkflow(services: SchoolServices) {
  const sql = services.db.sql;

  const price = defineNode<z.output<typeof renewalsEvent>, { priced: number; repriced: number[]; overLimit: number[] }>({
    id: 'price-renewals',
    description: 'Quote the next period of each subscription renewing soon from the calendar; set the new price at the gateway',
    retry: { maxAttempts: 3, initialDelayMs: 1_000, maxDelayMs: 10_000 },
    process: async (ctx) => {
      const at = firedAt(ctx);
      const { paymentReminderDays } = await schoolSettings(services.db, services.config).get();
      const horizon = new Date(at.getTime() + Math.max(paymentReminderDays, 1) * DAY_MS);
      const rows = await sql.query<Renewing>(
        `SELECT id, parent_id, student_id, billing_interval, amount_cents, current_period_start, current_period_end, billing_anchor, gateway_subscription_id
         FROM lesson_subscriptions
         WHERE status IN ('active', 'past_due', 'trialing') AND NOT cancel_at_period_end AND gateway_subscription_id IS NOT NULL
           AND current_period_end > $1 AND current_period_end <= $2
         ORDER BY current_period_end, id LIMIT ${BATCH}`,
        [at, horizon],
      );
      const repriced: number[] = [];
      const overLimit: number[] = [];
      for (const sub of rows) {
        const start = sub.current_period_end;
        const end = periodEndAfter(sub.billing_anchor ?? sub.current_period_start, sub.billing_interval, start);
        const priced = await quotePeriod(services, sql, sub.student_id, { start, end });
        await savePeriodQuote(sql, { subscriptionId: sub.id, parentId: sub.parent_id, start, end, priced });
        if (priced.amountCents === sub.amount_cents) continue;
        const periodKey = `${sub.id}:${start.getTime()}`;
        if (priced.amountCents > MAX_PAYMENT_CENTS) {
          overLimit.push(sub.id);
          await notifyAdmins(
            services,
            {
              title: `Subscription ${sub.id}: the next period costs more than one payment`,
              message: `The ${priced.lessons.length} lessons of the period starting ${start.toISOString()} cost ${formatCents(priced.amountCents)}, over ${formatCents(MAX_PAYMENT_CENTS)}. The gateway keeps charging ${formatCents(sub.amount_cents)}: charge the rest by hand or bill monthly.`,
            },
            `renewal:${periodKey}:over-limit`,
            { parentId: sub.parent_id, studentId: sub.student_id },
          );
          continue;
        }
        try {
          await services.gateway.updateSubscription(
            sub.gateway_subscription_id,
            { amountCents: priced.amountCents },
            { idempotencyKey: `subscription:${periodKey}:renewal:${priced.amountCents}` },
          );
        } catch (error) {
          if (!(error instanceof GatewayRequestError)) throw error;
          await notifyAdmins(
            services,
            { title: `Subscription ${sub.id} could not be repriced`, message: `The gateway refused the new price ${formatCents(priced.amountCents)}: ${error.message}` },
            `renewal:${periodKey}:${priced.amountCents}:refused`,
            { parentId: sub.parent_id, studentId: sub.student_id },
          );
          continue;
        }
        await sql.query('UPDATE lesson_subscriptions SET amount_cents = $2 WHERE id = $1', [sub.id, priced.amountCents]);
        await recordAudit(sql, workflowActor(ctx.runId), {
          action: 'subscription.repriced',
          entity: 'subscription',
          entityId: sub.id,
          before: { amountCents: sub.amount_cents },
          after: { amountCents: priced.amountCents, periodStart: start.toISOString(), periodEnd: end.toISOString(), lessonIds: priced.lessons.map((l) => l.lessonId) },
        });
        repriced.push(sub.id);
      }
      return { priced: rows.length, repriced, overLimit };
    },
  });

  const remind = defineNode<z.output<typeof renewalsEvent>, { reminded: number[] }>({
    id: 'send-reminders',
    description: 'Tell each family what its renewal will charge, paymentReminderDays before (once per period)',
    retry: { maxAttempts: 3, initialDelayMs: 500 },
    process: async (ctx) => {
      const { paymentReminderDays } = await schoolSettings(services.db, services.config).get();
      if (paymentReminderDays <= 0) return { reminded: [] };
      const at = firedAt(ctx);
      const due = await sql.query<{
        id: number;
        parent_id: number;
        period_start: Date;
        period_end: Date;
        amount_cents: number;
        currency: string;
        lesson_count: number;
        student_name: string;
      }>(
        `SELECT p.id, p.parent_id, p.period_start, p.period_end, p.amount_cents, p.currency, p.lesson_count, s.first_name || ' ' || s.last_name AS student_name
         FROM subscription_periods p
         JOIN lesson_subscriptions ls ON ls.id = p.subscription_id
         JOIN students s ON s.id = ls.student_id
         WHERE p.invoice_id IS NULL AND p.amount_cents > 0 AND p.amount_cents = ls.amount_cents AND ls.status IN ('active', 'past_due', 'trialing')
           AND p.period_start = ls.current_period_end AND p.period_start > $1 AND p.period_start <= $2 AND p.reminder_run_id IS NULL
         ORDER BY p.period_start, p.id LIMIT ${BATCH}`,
        [at, new Date(at.getTime() + paymentReminderDays * DAY_MS)],
      );
      const reminded: number[] = [];
      for (const period of due) {
        // The claim marks the period; a run that dies after it leaves reminder_run_id empty, and the
        // next firing starts the same notification (same key), so the family hears once.
        await sql.query('UPDATE subscription_periods SET reminder_claimed_at = COALESCE(reminder_claimed_at, now()) WHERE id = $1', [period.id]);
        const data = {
          amountCents: period.amount_cents,
          currency: period.currency.trim(),
          studentName: period.student_name,
          dueAt: period.period_start.toISOString(),
          periodEnd: period.period_end.toISOString(),
          lessonCount: period.lesson_count,
        };
        const { runId } = await sendNotification(services.workflows, { userId: period.parent_id, template: 'payment_due', data }, `payment-due:${period.id}`);
        await sql.query('UPDATE subscription_periods SET reminder_run_id = $2 WHERE id = $1 AND reminder_run_id IS NULL', [period.id, runId]);
        reminded.push(period.id);
      }
      return { reminded };
    },
  });

  return defineWorkflow({
    name: SUBSCRIPTION_RENEWALS_WORKFLOW,
    description: 'Cron: price each subscription renewal from the calendar and remind the family (setting paymentReminderDays)',
    event: renewalsEvent,
    start: 'price-renewals',
    nodes: [{ node: price, connections: ['send-reminders'] }, { node: remind }],
  });
}
