import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { useSchoolZone } from '../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../ui/components';
import { dateTime, money } from '../../ui/format';
import { NewTeacher } from './NewTeacher';

/** The owner's home: teachers (and adding one), recent payments. */
export function AdminHome() {
  const zone = useSchoolZone();
  const teachers = useQuery({ queryKey: ['teachers'], queryFn: () => call(api.GET('/api/v1/teachers', { params: { query: { pageSize: 100 } } })) });
  const payments = useQuery({ queryKey: ['payments', 'recent'], queryFn: () => call(api.GET('/api/v1/payments', { params: { query: { pageSize: 20 } } })) });
  return (
    <>
      <h1>School office</h1>
      <div className="grid">
        <Card title="Teachers">
          {teachers.isPending && <Loading />}
          <ErrorNotice error={teachers.error} />
          <ul className="list" aria-label="Teachers">
            {teachers.data?.data.map((teacher) => (
              <li key={teacher.id}>
                <strong>
                  {teacher.firstName} {teacher.lastName}
                </strong>{' '}
                {teacher.instruments.map((instrument) => (
                  <span key={instrument} className="badge">
                    {instrument}
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </Card>
        <NewTeacher />
      </div>
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
