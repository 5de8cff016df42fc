/**
 * Webhook handlers for subscription billing: invoices (paid / payment failed) and subscription
 * changes. Updates are ordered by the event's time (an older event never overwrites a newer one),
 * a paid invoice stays paid and a cancelled subscription stays cancelled.
 */
import type { SchoolServices } from '../../services.js';
import type { GatewayEvent } from '../gateway/types.js';
import { recordAudit } from '../../audit/record.js';
import { parentOfCustomer } from '../customers.js';
import { afterInvoiceRecorded } from '../invoice-receipts.js';
import { notifyAdmins } from '../../notifications/admin-alerts.js';
import { notifyUser } from '../notify.js';
import { webhookActor } from '../rules.js';
import { bool, list, metadataOf, num, obj, ref, str, unixDate, type Json } from './fields.js';

type Deps = Pick<SchoolServices, 'db' | 'gateway' | 'workflows' | 'config'>;

/** Our subscription row of a gateway subscription (by id, else by the row id in its metadata). */
async function subscriptionRowOf(deps: Deps, gatewayId: string | null, metadata: Record<string, string>): Promise<number | null> {
  const rowId = /^\d+$/.test(metadata.subscriptionId ?? '') ? Number(metadata.subscriptionId) : null;
  const [row] = await deps.db.sql.query<{ id: number }>(
    'SELECT id FROM lesson_subscriptions WHERE gateway_subscription_id = $1 OR (gateway_subscription_id IS NULL AND id = $2) ORDER BY (gateway_subscription_id = $1) DESC NULLS LAST LIMIT 1',
    [gatewayId, rowId],
  );
  return row?.id ?? null;
}

const subscriptionOfInvoice = (invoice: Json): { id: string | null; metadata: Record<string, string> } => {
  const details = obj(obj(invoice.parent)?.subscription_details);
  return { id: ref(invoice, 'subscription') ?? ref(details, 'subscription'), metadata: details ? metadataOf(details) : {} };
};
const intentOfInvoice = (invoice: Json): string | null =>
  ref(invoice, 'payment_intent') ??
  list(invoice, 'payments')
    .map((p) => ref(obj(p.payment), 'payment_intent'))
    .find((id) => id !== null) ??
  null;

const studentOfSubscription = async (deps: Deps, rowId: number | null): Promise<number | null> =>
  rowId === null ? null : ((await deps.db.sql.query<{ student_id: number }>('SELECT student_id FROM lesson_subscriptions WHERE id = $1', [rowId]))[0]?.student_id ?? null);

export async function onInvoiceEvent(deps: Deps, event: GatewayEvent, paid: boolean): Promise<string> {
  const invoice = event.data.object;
  const invoiceId = str(invoice, 'id');
  const customerId = ref(invoice, 'customer');
  if (!invoiceId || !customerId) return 'ignored: no invoice or customer id';
  const parentId = await parentOfCustomer(deps.db.sql, customerId);
  if (parentId === undefined) return 'ignored: not a customer of the school';
  const subscription = subscriptionOfInvoice(invoice);
  const subscriptionRow = await subscriptionRowOf(deps, subscription.id, subscription.metadata);
  const intentId = intentOfInvoice(invoice);
  const intent = intentId ? await deps.gateway.retrievePayment(intentId) : null;
  const currency = (str(invoice, 'currency') ?? 'cad').toUpperCase();
  const eventAt = new Date(event.created * 1000);
  const paidAt = paid ? (intent?.created ?? unixDate(num(obj(invoice.status_transitions), 'paid_at')) ?? eventAt) : null;
  const status = paid ? 'paid' : (str(invoice, 'status') ?? 'open');
  const failureCode = paid ? null : (intent?.failureCode ?? 'payment_failed');
  return deps.db.sql
    .transaction(async (tx) => {
      const [row] = await tx.query<{ id: number; attempt_count: number }>(
        `INSERT INTO invoices (parent_id, subscription_id, gateway, gateway_invoice_id, gateway_payment_intent_id, status, amount_due_cents,
         amount_paid_cents, currency, period_start, period_end, attempt_count, failure_code, paid_at, last_event_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (gateway_invoice_id) DO UPDATE SET
         subscription_id = COALESCE(invoices.subscription_id, EXCLUDED.subscription_id),
         gateway_payment_intent_id = COALESCE(EXCLUDED.gateway_payment_intent_id, invoices.gateway_payment_intent_id),
         status = CASE WHEN invoices.status = 'paid' OR EXCLUDED.status = 'paid' THEN 'paid'
                       WHEN invoices.last_event_at > EXCLUDED.last_event_at THEN invoices.status ELSE EXCLUDED.status END,
         amount_paid_cents = GREATEST(invoices.amount_paid_cents, EXCLUDED.amount_paid_cents),
         attempt_count = GREATEST(invoices.attempt_count, EXCLUDED.attempt_count),
         failure_code = CASE WHEN EXCLUDED.status = 'paid' OR invoices.status = 'paid' THEN NULL ELSE COALESCE(EXCLUDED.failure_code, invoices.failure_code) END,
         paid_at = COALESCE(invoices.paid_at, EXCLUDED.paid_at),
         last_event_at = GREATEST(invoices.last_event_at, EXCLUDED.last_event_at)
       RETURNING id, attempt_count`,
        [
          parentId,
          subscriptionRow,
          deps.gateway.name,
          invoiceId,
          intentId,
          status,
          num(invoice, 'amount_due') ?? 0,
          paid ? (num(invoice, 'amount_paid') ?? 0) : 0,
          currency,
          unixDate(num(invoice, 'period_start')),
          unixDate(num(invoice, 'period_end')),
          num(invoice, 'attempt_count') ?? 0,
          failureCode,
          paidAt,
          eventAt,
        ],
      );
      await recordAudit(tx, webhookActor(event.id), {
        action: paid ? 'invoice.paid' : 'invoice.payment_failed',
        entity: 'invoice',
        entityId: row!.id,
        after: { gatewayInvoiceId: invoiceId, parentId, status, amountDueCents: num(invoice, 'amount_due'), attempt: row!.attempt_count, failureCode },
      });
      const amount = intent?.amountCents ?? num(invoice, 'amount_paid') ?? 0;
      if (paid && amount > 0) {
        const objectId = intentId ?? invoiceId;
        await tx.query(
          `INSERT INTO ledger_entries (parent_id, invoice_id, kind, amount_cents, currency, gateway, gateway_object_id, entry_key, description, occurred_at)
         VALUES ($1, $2, 'payment', $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (entry_key) DO NOTHING`,
          [parentId, row!.id, amount, currency, deps.gateway.name, objectId, `payment:${objectId}`, `Invoice ${invoiceId}`, paidAt],
        );
        return { rowId: row!.id, outcome: `invoice ${invoiceId} paid` };
      }
      return { rowId: row!.id, outcome: paid ? `invoice ${invoiceId} paid` : `invoice ${invoiceId} payment failed (attempt ${row!.attempt_count})` };
    })
    .then(async ({ rowId, outcome }) => {
      await afterInvoiceRecorded(deps, rowId);
      if (paid) return outcome;
      // Tell the family and the school once per failed collection attempt of the invoice.
      const attempt = num(invoice, 'attempt_count') ?? 0;
      const key = `invoice:${invoiceId}:attempt:${attempt}`;
      const amountCents = num(invoice, 'amount_due') ?? 0;
      await notifyUser(deps, parentId, 'payment_failed', { amountCents, currency, description: 'Lesson subscription', failureReason: failureCode, retryAt: null }, key);
      await notifyAdmins(
        deps,
        { title: `Subscription invoice ${invoiceId} failed`, message: `Collecting invoice ${invoiceId} of parent ${parentId} failed (attempt ${attempt}): ${failureCode}.` },
        key,
        { parentId, studentId: await studentOfSubscription(deps, subscriptionRow) },
      );
      return outcome;
    });
}

export async function onSubscriptionEvent(deps: Deps, event: GatewayEvent, deleted: boolean): Promise<string> {
  const sub = event.data.object;
  const gatewayId = str(sub, 'id');
  if (!gatewayId) return 'ignored: no subscription id';
  const rowId = await subscriptionRowOf(deps, gatewayId, metadataOf(sub));
  if (rowId === null) return 'ignored: not a subscription of the school';
  const item = list(sub, 'items')[0] ?? null;
  const periodStart = unixDate(num(item, 'current_period_start') ?? num(sub, 'current_period_start'));
  const periodEnd = unixDate(num(item, 'current_period_end') ?? num(sub, 'current_period_end'));
  const status = deleted ? 'canceled' : (str(sub, 'status') ?? 'active');
  const known = ['incomplete', 'active', 'trialing', 'past_due', 'unpaid', 'canceled'];
  const updated = await deps.db.sql.query(
    `UPDATE lesson_subscriptions SET gateway_subscription_id = $2, status = $3, current_period_start = COALESCE($4, current_period_start),
       current_period_end = COALESCE($5, current_period_end), cancel_at_period_end = $6,
       canceled_at = COALESCE(canceled_at, $7), last_event_at = $8
     WHERE id = $1 AND status <> 'canceled' AND (last_event_at IS NULL OR last_event_at <= $8 OR $3 = 'canceled') RETURNING id`,
    [
      rowId,
      gatewayId,
      known.includes(status) ? status : 'incomplete',
      periodStart,
      periodEnd,
      bool(sub, 'cancel_at_period_end') ?? false,
      unixDate(num(sub, 'canceled_at')) ?? (deleted ? new Date(event.created * 1000) : null),
      new Date(event.created * 1000),
    ],
  );
  if (updated.length === 0) return `subscription ${rowId}: older or after cancellation, kept`;
  await recordAudit(deps.db.sql, webhookActor(event.id), {
    action: `subscription.${deleted ? 'deleted' : 'updated'}`,
    entity: 'subscription',
    entityId: rowId,
    after: { status, gatewayId },
  });
  return `subscription ${rowId} now ${status}`;
}
