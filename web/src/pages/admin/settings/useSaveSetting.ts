import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../api/client';

/**
 * Saves one setting (`PUT /settings/{key}` with `{value}`); the server validates the value by its
 * key and names the field it refuses (`body.value.email`). The settings and the school's public
 * details are read again afterwards.
 */
export function useSaveSetting(key: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (value: unknown) => call(api.PUT('/api/v1/settings/{key}', { params: { path: { key } }, body: { value } })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['settings'] });
      void queries.invalidateQueries({ queryKey: ['school'] });
    },
  });
}

/** A number typed in a form: the number when it is one, else the text itself (the server then says what it must be). */
export const numberOrText = (text: string): number | string => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

/** One stored setting as the list answers it. */
export interface SettingEntry {
  key: string;
  value: unknown;
  updatedAt: string | null;
}
