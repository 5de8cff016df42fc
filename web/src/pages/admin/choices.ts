import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { paths } from '../../api/schema';

/** Lists the console's forms choose from: skill levels, the school's instruments, its teachers. */

/** The skill levels a student can have, as the API names them. */
export const skillLevels = ['beginner', 'intermediate', 'advanced'] as const;

/** The instruments the school offers (its `instruments` setting, through the public pricing). */
export function useInstruments() {
  return useQuery({ queryKey: ['pricing'], queryFn: () => call(api.GET('/api/v1/public/pricing')), select: (pricing) => pricing.instruments });
}

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

/** A teacher as a drop-down option. */
export const teacherOption = (teacher: Teacher) => ({ value: String(teacher.id), label: `${teacher.firstName} ${teacher.lastName}` });
