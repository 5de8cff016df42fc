import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { day, money } from '../../../ui/format';

/** Most recent invoices and receipts shown. */
const RECENT = 5;

/** The family's balance and bills (`GET /billing/{parentId}`): what is owed, paid, cards on file, recent invoices and receipts. */
export function FamilyMoney({ parentId }: { parentId: number }) {
  const zone = useSchoolZone();
  const billing = useQuery({ queryKey: ['billing', parentId], queryFn: () => call(api.GET('/api/v1/billing/{parentId}', { params: { path: { parentId } } })) });
  const data = billing.data;
  return (
    <Card title="Balance and bills">
      {billing.isPending && <Loading />}
      <ErrorNotice error={billing.error} />
      {data && (
        <>
          <dl className="pairs" aria-label="Balance">
            <dt>Outstanding</dt>
            <dd>{money(data.balance.outstandingCents, data.currency)}</dd>
            <dt>Paid</dt>
            <dd>{money(data.balance.paidCents, data.currency)}</dd>
            <dt>Refunded</dt>
            <dd>{money(data.balance.refundedCents, data.currency)}</dd>
            <dt>Cards on file</dt>
            <dd>{data.paymentMethods.length === 0 ? 'None' : data.paymentMethods.map((card) => `${card.brand} ·${card.last4}${card.isDefault ? ' (default)' : ''}`).join(', ')}</dd>
            <dt>Subscriptions</dt>
            <dd>
              {data.subscriptions.length === 0 ? 'None' : data.subscriptions.map((sub) => `${money(sub.amountCents, sub.currency)} a ${sub.interval} (${sub.status})`).join(', ')}
            </dd>
          </dl>
          {data.flag && (
            <p className="notice error">
              Flagged {day(data.flag.flaggedAt, zone)}: {data.flag.reason}
            </p>
          )}
          <h3>Invoices</h3>
          {data.invoices.length === 0 && <p className="muted">No invoices.</p>}
          <ul className="list" aria-label="Invoices">
            {data.invoices.slice(0, RECENT).map((invoice) => (
              <li key={invoice.id}>
                {day(invoice.createdAt, zone)} · {money(invoice.amountDueCents, invoice.currency)} · {invoice.status}
              </li>
            ))}
          </ul>
          <h3>Receipts</h3>
          {data.receipts.length === 0 && <p className="muted">No payments received.</p>}
          <ul className="list" aria-label="Receipts">
            {data.receipts.slice(0, RECENT).map((receipt) => (
              <li key={receipt.receiptNumber}>
                {day(receipt.paidAt, zone)} · {money(receipt.amountCents, receipt.currency)} · {receipt.receiptNumber}
                {receipt.refundedCents > 0 && ` (refunded ${money(receipt.refundedCents, receipt.currency)})`}
                {receipt.description && <div className="muted">{receipt.description}</div>}
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}
