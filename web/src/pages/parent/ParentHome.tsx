import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { useSchoolZone } from '../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../ui/components';
import { day } from '../../ui/format';
import type { Me } from '../types';
import { UpcomingLessons } from './UpcomingLessons';

/** The parent's home: their children, the coming lessons (cancel within the policy), make-up credits. */
export function ParentHome({ me }: { me: Me }) {
  const zone = useSchoolZone();
  const credits = useQuery({
    queryKey: ['makeup-credits', 'open'],
    queryFn: () => call(api.GET('/api/v1/makeup-credits', { params: { query: { status: 'open' } } })),
  });
  return (
    <>
      <h1>Hello, {me.firstName}</h1>
      <div className="grid">
        <Card title="Your children">
          {me.children.length === 0 ? (
            <p className="muted">No children are enrolled yet.</p>
          ) : (
            <ul className="list">
              {me.children.map((child) => (
                <li key={child.id}>
                  <strong>
                    {child.firstName} {child.lastName}
                  </strong>{' '}
                  <span className="badge">{child.instrument}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Make-up credits">
          {credits.isPending && <Loading />}
          <ErrorNotice error={credits.error} />
          {credits.data && credits.data.data.length === 0 && <p className="muted">No open credits.</p>}
          {credits.data && credits.data.data.length > 0 && (
            <ul className="list" aria-label="Open make-up credits">
              {credits.data.data.map((credit) => (
                <li key={credit.id}>
                  {credit.studentName}: one make-up lesson
                  {credit.expiresAt ? <span className="muted"> · use by {day(credit.expiresAt, zone)}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <UpcomingLessons />
    </>
  );
}
