import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { Pager } from '../../../ui/Pager';
import { dateTime, money } from '../../../ui/format';
import { SelectField } from '../../../ui/fields';
import { familyName, useFamilies } from './families';
import { type PaymentQuery, paymentKinds, paymentStatuses } from './types';

const PAGE_SIZE = 20;
/** How often a list with a payment being charged is read again, ms. */
const REFRESH_MS = 3000;
const any = { value: '', label: 'Any' };

/**
 * The school's income, newest first (`GET /payments`), filtered by status, kind and family; 20 a
 * page. The filters stand outside the "Recent payments" region, which holds the entries only.
 */
export function RecentPayments() {
  const zone = useSchoolZone();
  const families = useFamilies();
  const [status, setStatus] = useState('');
  const [kind, setKind] = useState('');
  const [parentId, setParentId] = useState('');
  const [page, setPage] = useState(1);
  const query: PaymentQuery = {
    pageSize: PAGE_SIZE,
    page,
    ...(status ? { status: status as PaymentQuery['status'] } : {}),
    ...(kind ? { kind: kind as PaymentQuery['kind'] } : {}),
    ...(parentId ? { parentId: Number(parentId) } : {}),
  };
  const payments = useQuery({
    queryKey: ['payments', 'recent', query],
    queryFn: () => call(api.GET('/api/v1/payments', { params: { query } })),
    // A card payment still being charged (a retry answered 202) is read again until it ends.
    refetchInterval: (current) => (current.state.data?.data.some((p) => p.kind === 'payment' && p.status === 'processing') ? REFRESH_MS : false),
  });
  const filter = (set: (value: string) => void) => (value: string) => {
    set(value);
    setPage(1);
  };
  return (
    <>
      <form className="card payment-filters" aria-label="Filter payments" onSubmit={(event) => event.preventDefault()}>
        <SelectField label="Status" name="status" value={status} onChange={filter(setStatus)} options={[any, ...paymentStatuses.map((value) => ({ value }))]} />
        <SelectField label="Kind" name="kind" value={kind} onChange={filter(setKind)} options={[any, ...paymentKinds.map((value) => ({ value }))]} />
        <SelectField
          label="Family"
          name="family"
          value={parentId}
          onChange={filter(setParentId)}
          options={[{ value: '', label: 'All families' }, ...(families.data?.data ?? []).map((f) => ({ value: String(f.id), label: `${f.firstName} ${f.lastName}` }))]}
        />
      </form>
      <Card title="Recent payments">
        {payments.isPending && <Loading />}
        <ErrorNotice error={payments.error} />
        {payments.data && payments.data.data.length === 0 && <p className="muted">No payments yet.</p>}
        {payments.data && payments.data.data.length > 0 && (
          <table className="data payment-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Amount</th>
                <th scope="col">Status</th>
                <th scope="col">Kind</th>
                <th scope="col">Family</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {payments.data.data.map((payment) => (
                <tr key={`${payment.kind}-${payment.id}`}>
                  <td>{dateTime(payment.createdAt, zone)}</td>
                  <td>{money(payment.amountCents, payment.currency)}</td>
                  <td>
                    <span className="badge">{payment.status}</span>
                  </td>
                  <td>{payment.kind}</td>
                  <td>{familyName(families.data?.data, payment.parentId)}</td>
                  <td>{payment.kind === 'subscription' ? `Invoice ${payment.id}` : <Link href={`/${payment.id}`}>Payment {payment.id}</Link>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager label="Payment pages" page={page} pageSize={PAGE_SIZE} total={payments.data?.total ?? 0} onPage={setPage} />
      </Card>
    </>
  );
}
