import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading, OkNotice } from '../../../ui/components';
import { dateTime, day, money } from '../../../ui/format';
import { familyName, useFamilies } from './families';
import { PaymentActions } from './PaymentActions';
import { RefundForm } from './RefundForm';
import type { Payment } from './types';

/** The receipt the family was sent for a paid payment, as their billing lists it. */
function Receipt({ payment }: { payment: Payment }) {
  const zone = useSchoolZone();
  const billing = useQuery({
    queryKey: ['payment', 'billing', payment.parentId],
    queryFn: () => call(api.GET('/api/v1/billing/{parentId}', { params: { path: { parentId: payment.parentId } } })),
  });
  const receipt = billing.data?.receipts.find((r) => r.paymentId === payment.id);
  return (
    <Card title="Receipt">
      {billing.isPending && <Loading />}
      <ErrorNotice error={billing.error} />
      {billing.data && !receipt && <p className="muted">No receipt: the payment has not been paid.</p>}
      {receipt && (
        <div className="payment-receipt">
          <h3>Receipt {receipt.receiptNumber}</h3>
          <dl className="pairs">
            <dt>Paid</dt>
            <dd>{dateTime(receipt.paidAt, zone)}</dd>
            <dt>Amount</dt>
            <dd>{money(receipt.amountCents, receipt.currency)}</dd>
            {receipt.refundedCents > 0 && (
              <>
                <dt>Refunded</dt>
                <dd>{money(receipt.refundedCents, receipt.currency)}</dd>
              </>
            )}
            <dt>For</dt>
            <dd>{receipt.description ?? 'Lessons'}</dd>
          </dl>
        </div>
      )}
    </Card>
  );
}

/** `/payments/:id`: one payment, what happened to it, its receipt, and what may be done with it. */
export function PaymentDetails({ id }: { id: number }) {
  const zone = useSchoolZone();
  const families = useFamilies();
  const [done, setDone] = useState('');
  const payment = useQuery({ queryKey: ['payment', id], queryFn: () => call(api.GET('/api/v1/payments/{id}', { params: { path: { id } } })) });
  const p = payment.data;
  return (
    <>
      <p>
        <Link href="/">← All payments</Link>
      </p>
      <h1>Payment {id}</h1>
      {payment.isPending && <Loading />}
      <ErrorNotice error={payment.error} />
      {done && <OkNotice>{done}</OkNotice>}
      {p && (
        <div className="grid">
          <Card title="Details">
            <dl className="pairs">
              <dt>Amount</dt>
              <dd>{money(p.amountCents, p.currency)}</dd>
              <dt>Status</dt>
              <dd>
                <span className="badge">{p.status}</span>
              </dd>
              <dt>Family</dt>
              <dd>{familyName(families.data?.data, p.parentId)}</dd>
              <dt>Kind</dt>
              <dd>
                {p.kind} ({p.method})
              </dd>
              <dt>For</dt>
              <dd>{p.description ?? '—'}</dd>
              <dt>Created</dt>
              <dd>{dateTime(p.createdAt, zone)}</dd>
              {p.paidAt && (
                <>
                  <dt>Paid</dt>
                  <dd>{dateTime(p.paidAt, zone)}</dd>
                </>
              )}
              {p.receivedOn && (
                <>
                  <dt>Received on</dt>
                  <dd>{day(p.receivedOn, zone)}</dd>
                </>
              )}
              {p.reference && (
                <>
                  <dt>Reference</dt>
                  <dd>{p.reference}</dd>
                </>
              )}
              {p.refundedCents > 0 && (
                <>
                  <dt>Refunded</dt>
                  <dd>{money(p.refundedCents, p.currency)}</dd>
                </>
              )}
              <dt>Attempts</dt>
              <dd>{p.attemptCount}</dd>
              {(p.failureReason || p.failureCode) && (
                <>
                  <dt>Failure</dt>
                  <dd className="payment-problem">{[p.failureReason, p.failureCode].filter(Boolean).join(' · ')}</dd>
                </>
              )}
              {p.nextRetryAt && (
                <>
                  <dt>Next try</dt>
                  <dd>{dateTime(p.nextRetryAt, zone)}</dd>
                </>
              )}
              {p.settledByPaymentId !== null && (
                <>
                  <dt>Settled by</dt>
                  <dd>
                    <Link href={`/${p.settledByPaymentId}`}>Payment {p.settledByPaymentId}</Link>
                  </dd>
                </>
              )}
            </dl>
            <PaymentActions payment={p} onDone={setDone} />
          </Card>
          <Receipt payment={p} />
          {(p.status === 'succeeded' || p.status === 'partially_refunded') && <RefundForm payment={p} />}
        </div>
      )}
    </>
  );
}
