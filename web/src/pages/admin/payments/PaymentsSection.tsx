import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { dateTime, money } from '../../../ui/format';

/** `/payments`: the school's recent payments. */
export default function PaymentsSection() {
  const zone = useSchoolZone();
  const payments = useQuery({ queryKey: ['payments', 'recent'], queryFn: () => call(api.GET('/api/v1/payments', { params: { query: { pageSize: 20 } } })) });
  return (
    <>
      <h1>Payments</h1>
      <Card title="Recent payments">
        {payments.isPending && <Loading />}
        <ErrorNotice error={payments.error} />
        {payments.data && payments.data.data.length === 0 && <p className="muted">No payments yet.</p>}
        {payments.data && payments.data.data.length > 0 && (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Amount</th>
                <th scope="col">Status</th>
                <th scope="col">Kind</th>
              </tr>
            </thead>
            <tbody>
              {payments.data.data.map((payment) => (
                <tr key={payment.id}>
                  <td>{dateTime(payment.createdAt, zone)}</td>
                  <td>{money(payment.amountCents, payment.currency)}</td>
                  <td>
                    <span className="badge">{payment.status}</span>
                  </td>
                  <td>{payment.kind}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
