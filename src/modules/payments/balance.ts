import type { SqlExecutor } from '../../db/sql-client.js';

/**
 * A family's money from the ledger and what it still owes, in cents: `paid` (ledger payments),
 * `refunded` (ledger refunds, positive), `failed` (failed payments not settled since: unpaid late
 * fees included, since a fee is a payment), `unpaidInvoices` (open or uncollectible invoices, what
 * is left of each). `outstanding` = failed + unpaidInvoices. Read with `sql` (as the caller under
 * row-level security in routes, as the owner in workflows).
 */
export interface FamilyBalance {
  paid: number;
  refunded: number;
  failed: number;
  unpaidInvoices: number;
  outstanding: number;
}

export async function familyBalance(sql: SqlExecutor, parentId: number): Promise<FamilyBalance> {
  const [money] = await sql.query<{ paid: number; refunded: number; failed: number; unpaid_invoices: number }>(
    `SELECT
       COALESCE((SELECT sum(amount_cents) FROM ledger_entries WHERE parent_id = $1 AND kind = 'payment'), 0)::int AS paid,
       COALESCE((SELECT -sum(amount_cents) FROM ledger_entries WHERE parent_id = $1 AND kind = 'refund'), 0)::int AS refunded,
       COALESCE((SELECT sum(amount_cents) FROM payments WHERE parent_id = $1 AND status = 'failed' AND settles_payment_id IS NULL), 0)::int AS failed,
       COALESCE((SELECT sum(amount_due_cents - amount_paid_cents) FROM invoices WHERE parent_id = $1 AND status IN ('open', 'uncollectible')), 0)::int AS unpaid_invoices`,
    [parentId],
  );
  const m = money ?? { paid: 0, refunded: 0, failed: 0, unpaid_invoices: 0 };
  return { paid: m.paid, refunded: m.refunded, failed: m.failed, unpaidInvoices: m.unpaid_invoices, outstanding: m.failed + m.unpaid_invoices };
}
