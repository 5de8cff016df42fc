import { useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { api, call } from '../api/client';
import { session } from './session';

/** Re-renders when the user signs in or out. */
export function useSignedIn(): boolean {
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.present,
  );
}

/** The signed-in user (`GET /auth/me`): role, teacher id, children. */
export function useMe() {
  const signedIn = useSignedIn();
  return useQuery({
    queryKey: ['me'],
    enabled: signedIn,
    queryFn: () => call(api.GET('/api/v1/auth/me')),
    staleTime: 60_000,
  });
}

/** The school's name, zone and currency (public). */
export function useSchool() {
  return useQuery({
    queryKey: ['school'],
    queryFn: () => call(api.GET('/api/v1/public/school')),
    staleTime: 5 * 60_000,
  });
}

/** The school's zone, for showing times; the browser's until the school is known. */
export function useSchoolZone(): string {
  return useSchool().data?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}
