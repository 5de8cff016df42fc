import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading, OkNotice } from '../../../ui/components';
import { dateTime, money } from '../../../ui/format';
import { familyName, useFamilies } from './families';
import { PaymentActions } from './PaymentActions';

/** Card payments that failed and are still owed: why, the next automatic try, and the actions on them. */
export function FailedPayments() {
  const zone = useSchoolZone();
  const families = useFamilies();
  const failed = useQuery({
    queryKey: ['payments', 'failed'],
    queryFn: () => call(api.GET('/api/v1/payments', { params: { query: { status: 'failed', kind: 'payment', pageSize: 50 } } })),
  });
  const [done, setDone] = useState('');
  const owed = failed.data?.data.filter((payment) => payment.settledByPaymentId === null) ?? [];
  return (
    <Card title="Failed payments">
      {done && <OkNotice>{done}</OkNotice>}
      {failed.isPending && <Loading />}
      <ErrorNotice error={failed.error} />
      {failed.data && owed.length === 0 && <p className="muted">No failed payments.</p>}
      <ul className="list" aria-label="Failed payments">
        {owed.map((payment) => (
          <li key={payment.id}>
            <strong>{money(payment.amountCents, payment.currency)}</strong> · {familyName(families.data?.data, payment.parentId)} ·{' '}
            <Link href={`/${payment.id}`}>Payment {payment.id}</Link>
            <div className="muted">{payment.description ?? 'Payment'}</div>
            <div className="payment-problem">
              {payment.failureReason ?? payment.failureCode ?? 'Declined'} · {payment.attemptCount} attempt{payment.attemptCount === 1 ? '' : 's'}
            </div>
            <div className="muted">
              {payment.nextRetryAt
                ? `Next automatic try ${dateTime(payment.nextRetryAt, zone)}`
                : payment.retriesCancelledAt
                  ? 'Automatic retries stopped'
                  : 'No automatic try left'}
            </div>
            <PaymentActions payment={payment} onDone={setDone} />
          </li>
        ))}
      </ul>
    </Card>
  );
}
