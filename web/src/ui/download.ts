import { call } from '../api/client';

/** The file name a `content-disposition: attachment; filename="…"` header gives, if any. */
function attachmentName(header: string | null): string | undefined {
  return header ? /filename="?([^";]+)"?/i.exec(header)?.[1] : undefined;
}

/**
 * Saves the text answer of an authenticated API call (e.g. `?format=csv` asked with
 * `parseAs: 'text'`) as a file: the name the server gives in content-disposition, else `fallbackName`.
 * A plain link could not carry the bearer token, so the text is fetched and handed over as a Blob.
 * Failures throw the server's ApiError, as `call` does.
 */
export async function saveDownload(pending: Promise<{ data?: string; error?: unknown; response: Response }>, fallbackName: string): Promise<string> {
  const result = await pending;
  const text = await call(Promise.resolve(result));
  const name = attachmentName(result.response.headers.get('content-disposition')) ?? fallbackName;
  const url = URL.createObjectURL(new Blob([text], { type: result.response.headers.get('content-type') ?? 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click is handled; the object URL is freed on the next turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return name;
}
