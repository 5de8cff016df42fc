import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { useSchoolZone } from '../../auth/hooks';
import { Card, ErrorNotice, Loading, OkNotice } from '../../ui/components';
import { dateTime } from '../../ui/format';
import type { Me } from '../types';
import { type ConsentKind, type ConsentRecord, consentKinds } from './consent-names';

/** Who recorded a consent, as the user reads it. */
function recordedBy(record: ConsentRecord, me: Me): string {
  if (record.actor.userId === me.id) return 'you';
  return record.actor.role === 'system' ? 'the school’s system' : `the ${record.actor.role}`;
}

/** The user's four consents: each with its version, time and author; granting or withdrawing records a new one. */
export function Consents({ me }: { me: Me }) {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const key = ['consents', me.id];
  const consents = useQuery({ queryKey: key, queryFn: () => call(api.GET('/api/v1/users/{id}/consents', { params: { path: { id: me.id } } })) });
  const change = useMutation({
    mutationFn: (input: { kind: ConsentKind; granted: boolean }) =>
      call(api.PUT('/api/v1/users/{id}/consents', { params: { path: { id: me.id } }, body: { [input.kind]: input.granted } })),
    onSuccess: (saved) => queries.setQueryData(key, saved),
  });
  const changed = change.variables && change.isSuccess ? consentKinds.find((c) => c.kind === change.variables.kind) : undefined;
  const changedRecord = changed && change.data ? change.data[changed.kind] : null;
  return (
    <Card title="Your consents">
      {consents.isPending && <Loading />}
      <ErrorNotice error={consents.error} />
      {changed && changedRecord && (
        <OkNotice>
          {changed.label} {changedRecord.granted ? 'granted' : 'withdrawn'}: version {changedRecord.version}, recorded {dateTime(changedRecord.recordedAt, zone)} by{' '}
          {recordedBy(changedRecord, me)}.
        </OkNotice>
      )}
      <ErrorNotice error={change.error} />
      {consents.data && (
        <ul className="list" aria-label="Consents">
          {consentKinds.map(({ kind, label, noun, about }) => {
            const record = consents.data[kind];
            return (
              <li key={kind} className="consent">
                <div>
                  <strong>{label}</strong> <span className="badge">{record === null ? 'not asked yet' : record.granted ? 'granted' : 'withdrawn'}</span>
                  <p className="muted">{about}</p>
                  {record && (
                    <p className="muted">
                      Version {record.version}, recorded {dateTime(record.recordedAt, zone)} by {recordedBy(record, me)}.
                    </p>
                  )}
                </div>
                <button
                  type="button"
                  className={record?.granted ? 'button secondary' : 'button'}
                  disabled={change.isPending}
                  onClick={() => change.mutate({ kind, granted: !record?.granted })}
                >
                  {record?.granted ? `Withdraw ${noun}` : `Grant ${noun}`}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
