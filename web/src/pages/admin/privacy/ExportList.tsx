import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { dateTime } from '../../../ui/format';

/** Data exports (access requests), newest first: whose, by whom, their state and size. */
export function ExportList() {
  const zone = useSchoolZone();
  const exports = useQuery({ queryKey: ['privacy-exports', 'all'], queryFn: () => call(api.GET('/api/v1/privacy/exports', { params: { query: { pageSize: 50 } } })) });
  return (
    <Card title="Data exports">
      {exports.isPending && <Loading />}
      <ErrorNotice error={exports.error} />
      {exports.data && exports.data.data.length === 0 && <p className="muted">No exports yet.</p>}
      {exports.data && exports.data.data.length > 0 && (
        <table className="data privacy-table">
          <thead>
            <tr>
              <th scope="col">Export</th>
              <th scope="col">Of user</th>
              <th scope="col">Status</th>
              <th scope="col">Asked</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {exports.data.data.map((item) => (
              <tr key={item.id}>
                <td>#{item.id}</td>
                <td>
                  #{item.userId}
                  {item.requestedBy !== item.userId && item.requestedBy !== null ? ` (asked by #${item.requestedBy})` : ''}
                </td>
                <td>
                  <span className="badge">{item.status}</span>
                  {item.bytes !== null && <span className="muted"> {Math.ceil(item.bytes / 1024)} KB</span>}
                </td>
                <td>{dateTime(item.createdAt, zone)}</td>
                <td>{item.expiresAt ? dateTime(item.expiresAt, zone) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
