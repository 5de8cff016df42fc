/**
 * GET /api/v1/payments/reconciliation (admin): the ledger against the gateway's own records for a
 * period. Every succeeded payment intent and every refund the gateway created in [from, to) must
 * have exactly one ledger entry with the same amount and currency, and every ledger entry of the
 * period must exist at the gateway in a state that moved money. Each mismatch is listed.
 * Both sides are compared at the gateway's one-second resolution.
 */
import type { SchoolServices } from '../services.js';
import type { GatewayPaymentIntent, GatewayRefund } from './gateway/types.js';
import { countsAsRefunded } from './record-refund.js';
import { SCHOOL_CURRENCY } from './rules.js';
import type { Difference, ReconciliationReport } from './schemas.js';

type Deps = Pick<SchoolServices, 'db' | 'gateway'>;

interface Entry {
  kind: 'payment' | 'refund';
  gateway_object_id: string;
  amount_cents: number;
  currency: string;
  payment_id: number | null;
  parent_id: number;
}

const second = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);
const metaNumber = (value: string | undefined): number | null => (value && /^\d+$/.test(value) ? Number(value) : null);

interface Side {
  id: string;
  cents: number;
  currency: string;
  paymentId: number | null;
  parentId: number | null;
  /** Whether the gateway object moved money (succeeded intent, pending or succeeded refund). */
  moved: boolean;
  state: string;
}

function compare(object: 'payment' | 'refund', gateway: Map<string, Side>, ledger: Map<string, Side>): { matched: number; differences: Difference[] } {
  const differences: Difference[] = [];
  let matched = 0;
  const diff = (kind: Difference['kind'], g: Side | undefined, l: Side | undefined, detail: string): void => {
    differences.push({
      kind,
      object,
      gatewayId: (g ?? l)!.id,
      paymentId: l?.paymentId ?? g?.paymentId ?? null,
      parentId: l?.parentId ?? g?.parentId ?? null,
      ledgerCents: l?.cents ?? null,
      gatewayCents: g?.cents ?? null,
      detail,
    });
  };
  for (const g of gateway.values()) {
    if (!g.moved) continue;
    const l = ledger.get(g.id);
    if (!l) diff('missing_in_ledger', g, undefined, `The gateway has ${object} ${g.id} (${g.cents} cents) but the ledger does not`);
    else if (l.currency !== g.currency) diff('currency_mismatch', g, l, `Ledger ${l.currency}, gateway ${g.currency}`);
    else if (l.cents !== g.cents) diff('amount_mismatch', g, l, `Ledger ${l.cents} cents, gateway ${g.cents} cents`);
    else matched += 1;
  }
  for (const l of ledger.values()) {
    const g = gateway.get(l.id);
    if (!g) diff('missing_at_gateway', undefined, l, `The ledger has ${object} ${l.id} (${l.cents} cents) but the gateway has none in the period`);
    else if (!g.moved) diff('status_mismatch', g, l, `The ledger counts ${object} ${l.id} but the gateway says ${g.state}`);
  }
  return { matched, differences };
}

const totals = (payments: Side[], refunds: Side[]) => {
  const p = payments.reduce((sum, s) => sum + s.cents, 0);
  const r = refunds.reduce((sum, s) => sum + s.cents, 0);
  return { paymentsCents: p, refundsCents: r, netCents: p - r, payments: payments.length, refunds: refunds.length };
};

export async function reconcile(deps: Deps, range: { from: Date; to: Date }): Promise<ReconciliationReport> {
  const from = second(range.from);
  const to = second(range.to);
  const [intents, refunds, entries] = await Promise.all([
    deps.gateway.listPayments({ from, to }),
    deps.gateway.listRefunds({ from, to }),
    deps.db.sql.query<Entry>(
      `SELECT kind, gateway_object_id, amount_cents, currency, payment_id, parent_id FROM ledger_entries
       WHERE gateway = $1 AND occurred_at >= $2 AND occurred_at < $3`,
      [deps.gateway.name, from, to],
    ),
  ]);
  const fromIntent = (i: GatewayPaymentIntent): Side => ({
    id: i.id,
    cents: i.amountCents,
    currency: i.currency.toUpperCase(),
    paymentId: metaNumber(i.metadata.paymentId),
    parentId: metaNumber(i.metadata.parentId),
    moved: i.status === 'succeeded',
    state: i.status,
  });
  const fromRefund = (r: GatewayRefund): Side => ({
    id: r.id,
    cents: r.amountCents,
    currency: r.currency.toUpperCase(),
    paymentId: null,
    parentId: null,
    moved: countsAsRefunded(r),
    state: r.status,
  });
  const fromEntry = (e: Entry): Side => ({
    id: e.gateway_object_id,
    cents: Math.abs(e.amount_cents),
    currency: e.currency.trim(),
    paymentId: e.payment_id,
    parentId: e.parent_id,
    moved: true,
    state: 'recorded',
  });
  const byId = (sides: Side[]): Map<string, Side> => new Map(sides.map((s) => [s.id, s]));
  const gatewayPayments = intents.map(fromIntent);
  const gatewayRefunds = refunds.map(fromRefund);
  const ledgerPayments = entries.filter((e) => e.kind === 'payment').map(fromEntry);
  const ledgerRefunds = entries.filter((e) => e.kind === 'refund').map(fromEntry);
  const p = compare('payment', byId(gatewayPayments), byId(ledgerPayments));
  const r = compare('refund', byId(gatewayRefunds), byId(ledgerRefunds));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    gateway: deps.gateway.name,
    currency: SCHOOL_CURRENCY,
    ledger: totals(ledgerPayments, ledgerRefunds),
    gatewayTotals: totals(
      gatewayPayments.filter((s) => s.moved),
      gatewayRefunds.filter((s) => s.moved),
    ),
    matched: p.matched + r.matched,
    differences: [...p.differences, ...r.differences],
  };
}
