import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, Loading } from '../../../ui/components';
import { SelectField } from '../../../ui/fields';
import { Pager } from '../../../ui/Pager';

/** Parents listed per page. */
const PAGE_SIZE = 20;
const accountChoices = [
  { value: 'true', label: 'Active' },
  { value: 'false', label: 'Deactivated' },
  { value: 'all', label: 'All' },
];

/** The parents (`GET /users?role=parent`), searched by name or e-mail (`?q=`), a page at a time (`?page=`). */
export function FamilyList() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const showing = params.get('active') ?? 'true';
  const [typed, setTyped] = useState(q);
  const parents = useQuery({
    queryKey: ['users', 'parent', q, page, showing],
    queryFn: () =>
      call(
        api.GET('/api/v1/users', {
          params: { query: { role: 'parent', q: q || undefined, page, pageSize: PAGE_SIZE, active: showing === 'all' ? undefined : (showing as 'true' | 'false') } },
        }),
      ),
  });
  const go = (next: { q?: string; page?: number; active?: string }) =>
    setParams((current) => {
      const merged = new URLSearchParams(current);
      for (const [key, value] of Object.entries(next)) {
        if (value === undefined || value === '' || value === 1) merged.delete(key);
        else merged.set(key, String(value));
      }
      return merged;
    });
  const search = (event: FormEvent) => {
    event.preventDefault();
    go({ q: typed.trim(), page: 1 });
  };
  return (
    <>
      <h1>Families</h1>
      <Card title="Find a family">
        <form className="filters" onSubmit={search} aria-label="Find a family">
          <Field label="Name or e-mail" name="q" type="search" value={typed} onChange={setTyped} problem={fieldProblem(parents.error, 'q')} />
          <SelectField label="Accounts" name="active" value={showing} options={accountChoices} onChange={(active) => go({ active, page: 1 })} />
          <button className="button filter-apply" type="submit">
            Search
          </button>
        </form>
      </Card>
      <Card title="Parents">
        {parents.isPending && <Loading />}
        <ErrorNotice error={parents.error} />
        {parents.data && parents.data.data.length === 0 && <p className="muted">No parent matches{q ? ` “${q}”` : ''}.</p>}
        {parents.data && parents.data.data.length > 0 && (
          <table className="data" aria-label="Parents">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Phone</th>
                <th scope="col">Account</th>
              </tr>
            </thead>
            <tbody>
              {parents.data.data.map((parent) => (
                <tr key={parent.id}>
                  <td>
                    <Link href={`/${parent.id}`}>
                      {parent.firstName} {parent.lastName}
                    </Link>
                  </td>
                  <td className="breakable">{parent.email}</td>
                  <td>{parent.phone ?? '—'}</td>
                  <td>{parent.isActive ? (parent.passwordSet ? 'Active' : 'Invited') : 'Deactivated'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {parents.data && (
          <Pager label="Pages of parents" page={parents.data.page} pageSize={parents.data.pageSize} total={parents.data.total} onPage={(next) => go({ page: next })} />
        )}
      </Card>
    </>
  );
}
