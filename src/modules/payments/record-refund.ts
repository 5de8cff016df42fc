/**
 * Recording a refund the gateway made: one ledger entry per refund id (negative cents), then the
 * payment's refunded total recomputed from the ledger, so the refund route and the
 * `charge.refunded` webhook may both record the same refund, in any order, with one effect.
 */
import type { SqlClient } from '../../db/sql-client.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import type { GatewayName, GatewayRefund } from './gateway/types.js';

export interface RefundOutcome {
  paymentId: number;
  refundedCents: number;
  status: string;
  /** Whether this call recorded the refund (false: it was already in the ledger). */
  recorded: boolean;
}

/** Refunds that moved money (or will): pending and succeeded. */
export const countsAsRefunded = (refund: Pick<GatewayRefund, 'status'>): boolean => refund.status === 'succeeded' || refund.status === 'pending';

export async function recordRefund(
  sql: SqlClient,
  /** `reason`: the admin's words, kept in the audit row (a refund from a webhook has none). */
  input: { paymentId: number; gateway: GatewayName; refund: GatewayRefund; reason?: string | undefined },
  actor: AuditActor,
): Promise<RefundOutcome | undefined> {
  const { refund } = input;
  return sql.transaction(async (tx) => {
    const [payment] = await tx.query<{ id: number; parent_id: number; amount_cents: number; refunded_cents: number; status: string }>(
      'SELECT id, parent_id, amount_cents, refunded_cents, status FROM payments WHERE id = $1 FOR UPDATE',
      [input.paymentId],
    );
    if (!payment) return undefined;
    if (!countsAsRefunded(refund)) return { paymentId: payment.id, refundedCents: payment.refunded_cents, status: payment.status, recorded: false };
    const inserted = await tx.query(
      `INSERT INTO ledger_entries (parent_id, payment_id, kind, amount_cents, currency, gateway, gateway_object_id, entry_key, description, occurred_at)
       VALUES ($1, $2, 'refund', $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (entry_key) DO NOTHING RETURNING id`,
      [
        payment.parent_id,
        payment.id,
        -refund.amountCents,
        refund.currency.toUpperCase(),
        input.gateway,
        refund.id,
        `refund:${refund.id}`,
        `Refund of payment ${payment.id}`,
        refund.created,
      ],
    );
    if (inserted.length === 0) return { paymentId: payment.id, refundedCents: payment.refunded_cents, status: payment.status, recorded: false };
    const [after] = await tx.query<{ refunded_cents: number; status: string }>(
      `UPDATE payments p SET
         refunded_cents = LEAST(p.amount_cents, r.total),
         status = CASE WHEN r.total >= p.amount_cents THEN 'refunded' ELSE 'partially_refunded' END
       FROM (SELECT COALESCE(-sum(amount_cents), 0)::int AS total FROM ledger_entries WHERE payment_id = $1 AND kind = 'refund') r
       WHERE p.id = $1 RETURNING p.refunded_cents, p.status`,
      [payment.id],
    );
    await recordAudit(tx, actor, {
      action: 'payment.refunded',
      entity: 'payment',
      entityId: payment.id,
      before: { status: payment.status, refundedCents: payment.refunded_cents },
      after: {
        status: after!.status,
        refundedCents: after!.refunded_cents,
        refundId: refund.id,
        amountCents: refund.amountCents,
        ...(input.reason ? { reason: input.reason } : {}),
      },
    });
    return { paymentId: payment.id, refundedCents: after!.refunded_cents, status: after!.status, recorded: true };
  });
}
