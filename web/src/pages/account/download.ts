import { api, call } from '../../api/client';

/**
 * Downloads a privacy export with the signed-in user's token (a plain link would carry none):
 * the zip is fetched through the API client and saved through a temporary Blob link.
 */
export async function downloadExport(id: number, userId: number): Promise<void> {
  const zip = await call(api.GET('/api/v1/privacy/exports/{id}/download', { params: { path: { id }, query: {} }, parseAs: 'blob' }));
  const url = URL.createObjectURL(zip as Blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `cedar-heights-export-${userId}-${id}.zip`;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
