import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';

/** The school's families: parent accounts (`GET /users?role=parent`), at most 200, by name. */
export function useFamilies() {
  return useQuery({
    queryKey: ['users', 'parents'],
    queryFn: () => call(api.GET('/api/v1/users', { params: { query: { role: 'parent', pageSize: 200 } } })),
    staleTime: 60_000,
  });
}

/** A parent's name for a list ("Robin Family"), or "Family #id" while unknown. */
export function familyName(families: { id: number; firstName: string; lastName: string }[] | undefined, parentId: number): string {
  const parent = families?.find((family) => family.id === parentId);
  return parent ? `${parent.firstName} ${parent.lastName}` : `Family #${parentId}`;
}
