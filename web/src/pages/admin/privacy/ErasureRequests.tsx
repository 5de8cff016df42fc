import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Field, fieldProblem, Loading } from '../../../ui/components';
import { dateTime, money } from '../../../ui/format';

type Erasure = paths['/api/v1/privacy/erasures']['get']['responses'][200]['content']['application/json']['data'][number];

const erasuresKey = ['privacy-erasures'] as const;

/** Erasure requests, newest first; a requested one is approved (with an override reason when the family owes money) or rejected. */
export function ErasureRequests() {
  const zone = useSchoolZone();
  const erasures = useQuery({ queryKey: erasuresKey, queryFn: () => call(api.GET('/api/v1/privacy/erasures', { params: { query: { pageSize: 50 } } })) });
  return (
    <Card title="Erasure requests">
      {erasures.isPending && <Loading />}
      <ErrorNotice error={erasures.error} />
      {erasures.data && erasures.data.data.length === 0 && <p className="muted">No erasure requests.</p>}
      <ul className="list" aria-label="Erasure requests">
        {erasures.data?.data.map((erasure) => (
          <li key={erasure.id}>
            <strong>Request #{erasure.id}</strong> for user #{erasure.userId} <span className="badge">{erasure.status}</span>{' '}
            <span className="muted">asked {dateTime(erasure.createdAt, zone)}</span>
            <p>Reason: {erasure.reason}</p>
            {erasure.overrideReason && (
              <p className="muted">
                Erased although {money(erasure.balanceCents)} was owed: {erasure.overrideReason}
              </p>
            )}
            {erasure.rejectionReason && <p className="muted">Refused: {erasure.rejectionReason}</p>}
            {erasure.status === 'requested' && <Decision erasure={erasure} />}
          </li>
        ))}
      </ul>
    </Card>
  );
}

function Decision({ erasure }: { erasure: Erasure }) {
  const queries = useQueryClient();
  const [overrideReason, setOverrideReason] = useState('');
  const [rejection, setRejection] = useState('');
  const refresh = () => void queries.invalidateQueries({ queryKey: erasuresKey });
  const approve = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/privacy/erasures/{id}/approve', {
          params: { path: { id: erasure.id } },
          body: overrideReason.trim() ? { overrideReason: overrideReason.trim() } : {},
        }),
      ),
    onSuccess: refresh,
  });
  const reject = useMutation({
    mutationFn: () => call(api.POST('/api/v1/privacy/erasures/{id}/reject', { params: { path: { id: erasure.id } }, body: { reason: rejection } })),
    onSuccess: refresh,
  });
  return (
    <div className="decision">
      <form
        aria-label={`Approve request #${erasure.id}`}
        onSubmit={(event) => {
          event.preventDefault();
          approve.mutate();
        }}
      >
        <Field
          label={`Override reason for request #${erasure.id}`}
          name="overrideReason"
          value={overrideReason}
          onChange={setOverrideReason}
          hint="Only when the family owes money: why it is erased anyway (recorded)"
          problem={fieldProblem(approve.error, 'overrideReason')}
        />
        <ErrorNotice error={approve.error} />
        <button className="button" type="submit" disabled={approve.isPending}>
          Approve request #{erasure.id}
        </button>
      </form>
      <form
        aria-label={`Reject request #${erasure.id}`}
        onSubmit={(event) => {
          event.preventDefault();
          reject.mutate();
        }}
      >
        <Field label={`Why request #${erasure.id} is refused`} name="reason" value={rejection} onChange={setRejection} problem={fieldProblem(reject.error, 'reason')} />
        <ErrorNotice error={reject.error} />
        <button className="button secondary" type="submit" disabled={reject.isPending}>
          Reject request #{erasure.id}
        </button>
      </form>
    </div>
  );
}
