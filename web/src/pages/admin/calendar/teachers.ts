import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import type { paths } from '../../../api/schema';

/** One teacher as the teacher list answers it. */
export type Teacher = paths['/api/v1/teachers']['get']['responses'][200]['content']['application/json']['data'][number];

/** The school's active teachers (`GET /teachers`, up to 200), and a teacher's name by id ("Teacher #7" when unknown). */
export function useTeachers() {
  const teachers = useQuery({
    queryKey: ['teachers', 'all'],
    queryFn: () => call(api.GET('/api/v1/teachers', { params: { query: { pageSize: 200 } } })),
    staleTime: 60_000,
  });
  const list: Teacher[] = teachers.data?.data ?? [];
  const byId = new Map(list.map((teacher) => [teacher.id, `${teacher.firstName} ${teacher.lastName}`]));
  return { query: teachers, list, nameOf: (id: number) => byId.get(id) ?? `Teacher #${id}` };
}
