/**
 * POST /api/v1/billing/{parentId}/subscription (admin): start, change or cancel a student's lesson
 * subscription at the gateway. A period costs the lessons of the student scheduled in it, each at
 * its price (calendar-pricing.ts: closures and lessons cancelled by the school leave them out), at
 * most one payment's worth (500.00 CAD): the first period is quoted here, each next one before its
 * renewal (renewals.ts). `lessonsPerPeriod` is the plan, kept for the school's records; it does not
 * set the amount. The family's default payment method pays unless another is given. Each gateway
 * call carries a key derived from the subscription row and the change.
 */
import { conflict, notFound, validationFailed } from '../../http/errors.js';
import type { SchoolServices } from '../services.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { defaultMethodOf, ensureCustomer, ownerOfMethod, savePaymentMethod } from './customers.js';
import type { SubscriptionBody, SubscriptionView } from './billing-schemas.js';
import type { PricedPeriod } from './calendar-pricing.js';
import { GatewayRequestError, type GatewaySubscription } from './gateway/types.js';
import { formatCents, MAX_PAYMENT_CENTS, SCHOOL_CURRENCY } from './rules.js';
import { addMonths, intervalMonths, linkPeriodToInvoice, quotePeriod, savePeriodQuote } from './subscription-periods.js';
import { subscriptionColumns, toSubscriptionView, type SubscriptionRow } from './subscription-view.js';
import type { BillingInterval } from './values.js';

type Deps = Pick<SchoolServices, 'db' | 'gateway' | 'config'>;

const defaultLessons = { month: 4, term: 10 } as const;

/** The first period starting now, quoted from the calendar; 400 on `body.interval` when it costs more than one payment may. */
async function quoteFirstPeriod(deps: Deps, studentId: number, interval: BillingInterval): Promise<{ start: Date; end: Date; priced: PricedPeriod }> {
  const start = new Date();
  const end = addMonths(start, intervalMonths[interval]);
  const priced = await quotePeriod(deps, deps.db.sql, studentId, { start, end });
  if (priced.amountCents > MAX_PAYMENT_CENTS) {
    throw validationFailed([
      {
        field: 'body.interval',
        message: `the ${priced.lessons.length} lessons scheduled in the first ${interval} cost ${formatCents(priced.amountCents)}, over ${formatCents(MAX_PAYMENT_CENTS)} per payment: bill monthly`,
      },
    ]);
  }
  return { start, end, priced };
}

/** Saves the quote of the period the gateway just started (its own start and end), then links its invoice if it came first. */
async function saveFirstQuote(deps: Deps, row: SubscriptionRow, priced: PricedPeriod): Promise<void> {
  if (!row.current_period_start || !row.current_period_end) return;
  await savePeriodQuote(deps.db.sql, { subscriptionId: row.id, parentId: row.parent_id, start: row.current_period_start, end: row.current_period_end, priced });
  await linkPeriodToInvoice(deps.db.sql, row.id, row.current_period_start);
}

const refused = (error: unknown): never => {
  if (error instanceof GatewayRequestError) throw conflict(`The gateway refused: ${error.message}`, { gatewayCode: error.code });
  throw error;
};

/** Applies the gateway's answer to our row; `newAnchor`: a new billing cycle started at its period start. */
async function applyGateway(deps: Deps, rowId: number, sub: GatewaySubscription, newAnchor = false): Promise<SubscriptionRow> {
  const [row] = await deps.db.sql.query<SubscriptionRow>(
    `UPDATE lesson_subscriptions SET gateway_subscription_id = $2, status = $3, current_period_start = $4, current_period_end = $5,
       cancel_at_period_end = $6, canceled_at = CASE WHEN $3 = 'canceled' THEN COALESCE(canceled_at, now()) END, amount_cents = $7,
       billing_anchor = CASE WHEN $8::boolean OR billing_anchor IS NULL THEN $4 ELSE billing_anchor END
     WHERE id = $1 RETURNING ${subscriptionColumns}`,
    [rowId, sub.id, sub.status, sub.currentPeriodStart, sub.currentPeriodEnd, sub.cancelAtPeriodEnd, sub.amountCents, newAnchor],
  );
  return row!;
}

export async function manageSubscription(deps: Deps, actor: AuditActor, parentId: number, body: SubscriptionBody, requestKey: string): Promise<SubscriptionView> {
  const sql = deps.db.sql;
  const [parent] = await sql.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [parentId]);
  if (parent?.role !== 'parent') throw notFound('Parent');
  const [student] = await sql.query<{ parent_id: number; first_name: string }>('SELECT parent_id, first_name FROM students WHERE id = $1', [body.studentId]);
  if (student?.parent_id !== parentId) throw validationFailed([{ field: 'body.studentId', message: 'is not a child of this parent' }]);
  const [live] = await sql.query<SubscriptionRow>(`SELECT ${subscriptionColumns} FROM lesson_subscriptions WHERE student_id = $1 AND status <> 'canceled'`, [body.studentId]);

  if (body.action === 'start') {
    if (live) throw conflict('This student already has a subscription: change or cancel it', { subscriptionId: live.id });
    const lessons = body.lessonsPerPeriod ?? defaultLessons[body.interval];
    const first = await quoteFirstPeriod(deps, body.studentId, body.interval);
    const amount = first.priced.amountCents;
    let method = body.paymentMethodId ?? (await defaultMethodOf(sql, parentId, deps.gateway.name));
    if (!method) throw validationFailed([{ field: 'body.paymentMethodId', message: 'the family has no saved payment method: give one' }]);
    const owner = await ownerOfMethod(sql, method);
    if (owner !== undefined && owner !== parentId) throw validationFailed([{ field: 'body.paymentMethodId', message: "is not one of this family's payment methods" }]);
    if (owner === undefined) {
      method = (await savePaymentMethod(deps, { parentId, paymentMethod: method, makeDefault: false, idempotencyKey: `${requestKey}:attach` }, actor).catch(refused)).id;
    }
    const customerId = await ensureCustomer(deps, parentId);
    const [row] = await sql.query<{ id: number }>(
      `INSERT INTO lesson_subscriptions (parent_id, student_id, gateway, billing_interval, lessons_per_period, amount_cents, currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [parentId, body.studentId, deps.gateway.name, body.interval, lessons, amount, SCHOOL_CURRENCY],
    );
    const rowId = row!.id;
    let sub: GatewaySubscription;
    try {
      sub = await deps.gateway.createSubscription(
        {
          customerId,
          paymentMethodId: method,
          amountCents: amount,
          currency: SCHOOL_CURRENCY,
          interval: body.interval,
          description: `Lessons for ${student.first_name} (charged per scheduled lesson, by ${body.interval})`,
          metadata: { subscriptionId: String(rowId), studentId: String(body.studentId), parentId: String(parentId) },
        },
        { idempotencyKey: `subscription:${rowId}:create` },
      );
    } catch (error) {
      await sql.query('DELETE FROM lesson_subscriptions WHERE id = $1 AND gateway_subscription_id IS NULL', [rowId]);
      return refused(error);
    }
    const saved = await applyGateway(deps, rowId, sub, true);
    await saveFirstQuote(deps, saved, first.priced);
    await recordAudit(sql, actor, {
      action: 'subscription.start',
      entity: 'subscription',
      entityId: rowId,
      after: { ...saved, lessonIds: first.priced.lessons.map((l) => l.lessonId) },
    });
    return toSubscriptionView(saved);
  }

  if (!live?.gateway_subscription_id) throw notFound('Subscription of this student');
  if (body.action === 'change') {
    const interval = body.interval ?? live.billing_interval;
    const lessons = body.lessonsPerPeriod ?? live.lessons_per_period;
    let saved: SubscriptionRow;
    if (interval === live.billing_interval) {
      // Same cycle: only the plan changes; the next renewal is quoted from the calendar as always.
      [saved] = (await sql.query<SubscriptionRow>(`UPDATE lesson_subscriptions SET lessons_per_period = $2 WHERE id = $1 RETURNING ${subscriptionColumns}`, [
        live.id,
        lessons,
      ])) as [SubscriptionRow];
    } else {
      // A new interval starts a new period now, invoiced at once: quote it from the calendar.
      const first = await quoteFirstPeriod(deps, body.studentId, interval);
      const amount = first.priced.amountCents;
      const sub = await deps.gateway
        .updateSubscription(
          live.gateway_subscription_id,
          { amountCents: amount, interval },
          { idempotencyKey: `subscription:${live.id}:update:${live.updated_at.getTime()}:${interval}:${amount}` },
        )
        .catch(refused);
      await sql.query('UPDATE lesson_subscriptions SET billing_interval = $2, lessons_per_period = $3 WHERE id = $1', [live.id, interval, lessons]);
      saved = await applyGateway(deps, live.id, sub, true);
      await saveFirstQuote(deps, saved, first.priced);
    }
    await recordAudit(sql, actor, { action: 'subscription.change', entity: 'subscription', entityId: live.id, before: live, after: saved });
    return toSubscriptionView(saved);
  }
  const sub = await deps.gateway.cancelSubscription(live.gateway_subscription_id, { idempotencyKey: `subscription:${live.id}:cancel` }).catch(refused);
  const saved = await applyGateway(deps, live.id, { ...sub, status: 'canceled' });
  await recordAudit(sql, actor, { action: 'subscription.cancel', entity: 'subscription', entityId: live.id, before: live, after: saved });
  return toSubscriptionView(saved);
}
