import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { dateTime } from '../../../ui/format';

/** Reads of sensitive records (the audit rows with action `read`), newest first. */
export function ReadAudit() {
  const zone = useSchoolZone();
  const reads = useQuery({ queryKey: ['audit', 'read'], queryFn: () => call(api.GET('/api/v1/audit', { params: { query: { action: 'read', pageSize: 50 } } })) });
  return (
    <Card title="Who read what">
      {reads.isPending && <Loading />}
      <ErrorNotice error={reads.error} />
      {reads.data && reads.data.data.length === 0 && <p className="muted">No reads recorded.</p>}
      {reads.data && reads.data.data.length > 0 && (
        <table className="data privacy-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Record</th>
            </tr>
          </thead>
          <tbody>
            {reads.data.data.map((row) => (
              <tr key={row.id}>
                <td>{dateTime(row.createdAt, zone)}</td>
                <td>{row.actorId === null ? (row.actorRole ?? 'system') : `${row.actorRole ?? 'user'} #${row.actorId}`}</td>
                <td>
                  {row.entity}
                  {row.entityId ? ` #${row.entityId}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
