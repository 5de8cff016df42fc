import { useMutation, useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { saveDownload } from '../../../ui/download';
import { money } from '../../../ui/format';

/** The payroll runs, newest period first, each opening its page; the list as CSV. */
export function RunsList() {
  const runs = useQuery({ queryKey: ['payroll', 'runs'], queryFn: () => call(api.GET('/api/v1/payroll/runs', { params: { query: { pageSize: 100 } } })) });
  const download = useMutation({
    mutationFn: () => saveDownload(api.GET('/api/v1/payroll/runs', { params: { query: { pageSize: 100, format: 'csv' } }, parseAs: 'text' }), 'payroll-runs.csv'),
  });
  return (
    <Card title="Runs">
      {runs.isPending && <Loading />}
      <ErrorNotice error={runs.error ?? download.error} />
      {runs.data && runs.data.data.length === 0 && <p className="muted">No payroll runs yet.</p>}
      {runs.data && runs.data.data.length > 0 && (
        <>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col">Status</th>
                <th scope="col">Lines</th>
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.data.map((run) => (
                <tr key={run.id}>
                  <td>
                    <Link href={`/${run.id}`}>
                      {run.from} to {run.to}
                    </Link>
                  </td>
                  <td>
                    <span className="badge">{run.status}</span>
                  </td>
                  <td>{run.lineCount} lines</td>
                  <td>{money(run.totalCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions">
            <button className="button secondary" type="button" disabled={download.isPending} onClick={() => download.mutate()}>
              Download runs CSV
            </button>
          </div>
        </>
      )}
    </Card>
  );
}
