import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { day } from '../../../ui/format';

/** The school's closures (`GET /closures`), first day first, each with a delete button. */
export function Closures() {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const closures = useQuery({ queryKey: ['closures'], queryFn: () => call(api.GET('/api/v1/closures', { params: { query: { pageSize: 200 } } })) });
  const remove = useMutation({
    mutationFn: (id: number) => call(api.DELETE('/api/v1/closures/{id}', { params: { path: { id } } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['closures'] }),
  });
  return (
    <Card title="Closures">
      {closures.isPending && <Loading />}
      <ErrorNotice error={closures.error ?? remove.error} />
      {closures.data && closures.data.data.length === 0 && <p className="muted">No closures.</p>}
      <ul className="list" aria-label="Closures">
        {closures.data?.data.map((closure) => (
          <li key={closure.id} className="setting-row">
            <strong>{closure.name}</strong>
            <div className="muted">
              {day(closure.startsOn, zone)}
              {closure.endsOn !== closure.startsOn ? ` – ${day(closure.endsOn, zone)}` : ''}
            </div>
            <button type="button" className="button danger" aria-label={`Delete closure ${closure.name}`} disabled={remove.isPending} onClick={() => remove.mutate(closure.id)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </Card>
  );
}
