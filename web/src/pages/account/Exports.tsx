import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { useSchoolZone } from '../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../ui/components';
import { dateTime } from '../../ui/format';
import type { Me } from '../types';
import { downloadExport } from './download';

/** How often a pending export's status is asked again, in milliseconds. */
const PENDING_POLL_MS = 1500;

/** A copy of everything the school holds about the user: ask for one, follow it, download it while it is ready. */
export function Exports({ me }: { me: Me }) {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const exports = useQuery({
    queryKey: ['privacy-exports', me.id],
    queryFn: () => call(api.GET('/api/v1/privacy/exports', { params: { query: { pageSize: 10 } } })),
    refetchInterval: (query) => (query.state.data?.data.some((e) => e.status === 'pending') ? PENDING_POLL_MS : false),
  });
  const ask = useMutation({
    mutationFn: () => call(api.POST('/api/v1/privacy/exports', { body: { userId: me.id } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['privacy-exports', me.id] }),
  });
  const download = useMutation({ mutationFn: (id: number) => downloadExport(id, me.id) });
  return (
    <Card title="A copy of your data">
      <p className="muted">A zip of everything the school holds about you and your family (JSON and CSV). It stays downloadable for a few days.</p>
      <ErrorNotice error={ask.error} />
      <button type="button" className="button" disabled={ask.isPending} onClick={() => ask.mutate()}>
        Ask for a copy of my data
      </button>
      {exports.isPending && <Loading />}
      <ErrorNotice error={exports.error} />
      <ErrorNotice error={download.error} />
      {exports.data && exports.data.data.length > 0 && (
        <ul className="list" aria-label="Your exports">
          {exports.data.data.map((item) => (
            <li key={item.id}>
              <strong>Export #{item.id}</strong> <span className="badge">{item.status}</span>{' '}
              <span className="muted">
                asked {dateTime(item.createdAt, zone)}
                {item.expiresAt && item.status === 'ready' ? `, downloadable until ${dateTime(item.expiresAt, zone)}` : ''}
              </span>
              {item.error && <p className="muted">{item.error}</p>}
              {item.status === 'ready' && (
                <div className="actions">
                  <button type="button" className="button secondary" disabled={download.isPending} onClick={() => download.mutate(item.id)}>
                    Download export #{item.id}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
