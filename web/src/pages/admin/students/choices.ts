import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';

/** The skill levels a student can have, as the API names them. */
export const skillLevels = ['beginner', 'intermediate', 'advanced'] as const;

/** The instruments the school offers (its `instruments` setting, through the public pricing). */
export function useInstruments() {
  return useQuery({ queryKey: ['pricing'], queryFn: () => call(api.GET('/api/v1/public/pricing')), select: (pricing) => pricing.instruments });
}

/** Every active teacher (first 200), for choosing one. */
export function useTeacherChoices() {
  return useQuery({ queryKey: ['teachers', 'choices'], queryFn: () => call(api.GET('/api/v1/teachers', { params: { query: { pageSize: 200 } } })), select: (page) => page.data });
}
