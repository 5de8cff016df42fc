import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { day } from '../../../ui/format';
import type { Consents } from './types';

const kinds: { key: keyof Consents; label: string }[] = [
  { key: 'dataProcessing', label: 'Data processing' },
  { key: 'aiProcessing', label: 'AI processing' },
  { key: 'marketingEmail', label: 'Marketing e-mail' },
  { key: 'sms', label: 'Text messages' },
];

/** The parent's consents (`GET /users/{id}/consents`), read-only: granted or refused, policy version and date. */
export function FamilyConsents({ parentId }: { parentId: number }) {
  const zone = useSchoolZone();
  const consents = useQuery({ queryKey: ['consents', parentId], queryFn: () => call(api.GET('/api/v1/users/{id}/consents', { params: { path: { id: parentId } } })) });
  return (
    <Card title="Consents">
      {consents.isPending && <Loading />}
      <ErrorNotice error={consents.error} />
      {consents.data && (
        <dl className="pairs" aria-label="Consents">
          {kinds.map(({ key, label }) => {
            const state = consents.data[key];
            return [
              <dt key={`${key}-term`}>{label}</dt>,
              <dd key={`${key}-value`}>{state ? `${state.granted ? 'Granted' : 'Refused'} (policy ${state.version}, ${day(state.recordedAt, zone)})` : 'Not recorded'}</dd>,
            ];
          })}
        </dl>
      )}
    </Card>
  );
}
