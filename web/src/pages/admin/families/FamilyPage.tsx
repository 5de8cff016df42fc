import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { ErrorNotice, Loading } from '../../../ui/components';
import { FamilyChildren } from './FamilyChildren';
import { FamilyConsents } from './FamilyConsents';
import { FamilyContact } from './FamilyContact';
import { FamilyLessons } from './FamilyLessons';
import { FamilyMoney } from './FamilyMoney';

/** `/families/:id`: one family, keyed by the parent's user id: contact, children, money, lessons, credits, consents. */
export function FamilyPage({ parentId }: { parentId: number }) {
  const parent = useQuery({ queryKey: ['user', parentId], queryFn: () => call(api.GET('/api/v1/users/{id}', { params: { path: { id: parentId } } })) });
  const children = useQuery({
    queryKey: ['students', 'family', parentId],
    queryFn: () => call(api.GET('/api/v1/students', { params: { query: { parentId, active: 'all', pageSize: 50 } } })),
  });
  return (
    <div className="people-page">
      <p>
        <Link href="/">← All families</Link>
      </p>
      {parent.isPending && <Loading />}
      <ErrorNotice error={parent.error} />
      {parent.data && (
        <>
          <h1>
            The {parent.data.lastName} family ({parent.data.firstName} {parent.data.lastName})
          </h1>
          <div className="grid">
            <FamilyContact parent={parent.data} />
            <FamilyChildren students={children.data?.data} error={children.error} />
            <FamilyMoney parentId={parentId} />
          </div>
          <div className="grid">
            <FamilyLessons studentIds={children.error ? [] : children.data?.data.map((child) => child.id)} />
            <FamilyConsents parentId={parentId} />
          </div>
        </>
      )}
    </div>
  );
}
