import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { useSchoolZone } from '../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../ui/components';
import { day, money } from '../../ui/format';
import type { Me } from '../types';

/** The family's balance, receipts, invoices and payments (`GET /billing/{parentId}`, `GET /payments`). */
export function Bills({ me }: { me: Me }) {
  const zone = useSchoolZone();
  const billing = useQuery({ queryKey: ['billing', me.id], queryFn: () => call(api.GET('/api/v1/billing/{parentId}', { params: { path: { parentId: me.id } } })) });
  const payments = useQuery({ queryKey: ['payments', 'own'], queryFn: () => call(api.GET('/api/v1/payments', { params: { query: { pageSize: 50 } } })) });
  const bill = billing.data;
  return (
    <>
      <h1>Bills and receipts</h1>
      {billing.isPending && <Loading />}
      <ErrorNotice error={billing.error} />
      {bill && (
        <div className="grid">
          <Card title="Balance">
            <dl className="pairs">
              <dt>Paid</dt>
              <dd>{money(bill.balance.netPaidCents, bill.currency)}</dd>
              <dt>Owing</dt>
              <dd>{money(bill.balance.outstandingCents, bill.currency)}</dd>
            </dl>
            {bill.flag && <p className="notice error">{bill.flag.reason}</p>}
          </Card>
          <Card title="Receipts">
            {bill.receipts.length === 0 && <p className="muted">No receipts yet.</p>}
            <ul className="list" aria-label="Receipts">
              {bill.receipts.map((receipt) => (
                <li key={receipt.receiptNumber}>
                  <strong>{receipt.receiptNumber}</strong> · {money(receipt.amountCents, receipt.currency)} · {day(receipt.paidAt, zone)}
                  <div className="muted">
                    {receipt.description ?? 'Payment'}
                    {receipt.refundedCents > 0 ? ` · ${money(receipt.refundedCents, receipt.currency)} refunded` : ''}
                  </div>
                </li>
              ))}
            </ul>
          </Card>
        </div>
      )}
      {bill && bill.invoices.length > 0 && (
        <Card title="Invoices">
          <ul className="list" aria-label="Invoices">
            {bill.invoices.map((invoice) => (
              <li key={invoice.id}>
                <strong>{money(invoice.amountDueCents, invoice.currency)}</strong> <span className="badge">{invoice.status}</span>
                {invoice.periodStart && invoice.periodEnd && (
                  <span className="muted">
                    {' '}
                    · {day(invoice.periodStart, zone)} – {day(invoice.periodEnd, zone)}
                  </span>
                )}
                {invoice.receiptNumber && <span className="muted"> · receipt {invoice.receiptNumber}</span>}
              </li>
            ))}
          </ul>
        </Card>
      )}
      <Card title="Payments">
        {payments.isPending && <Loading />}
        <ErrorNotice error={payments.error} />
        {payments.data && payments.data.data.length === 0 && <p className="muted">No payments yet.</p>}
        <ul className="list" aria-label="Payments">
          {payments.data?.data.map((payment) => (
            <li key={payment.id}>
              <strong>{money(payment.amountCents, payment.currency)}</strong> <span className="badge">{payment.status}</span> · {day(payment.paidAt ?? payment.createdAt, zone)}
              <div className="muted">
                {payment.description ?? 'Payment'}
                {payment.failureReason ? ` · ${payment.failureReason}` : ''}
                {payment.nextRetryAt ? ` · next try ${day(payment.nextRetryAt, zone)}` : ''}
              </div>
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
