import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { session } from '../auth/session';

/** The error envelope every API error answers with. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown; requestId: string };
}

/** An API error as the pages show it: the server's message, and the field it names when it names one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const bearer: Middleware = {
  async onRequest({ request }) {
    const token = await session.accessToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
};

/** The typed API client: paths, parameters and answers come from the server's OpenAPI document. */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(bearer);

/**
 * Unwraps an openapi-fetch result: the data, or an ApiError carrying the server's message.
 * Use inside TanStack Query functions so failures reach the page as `error`.
 */
export async function call<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await pending;
  if (response.ok) return data as T;
  if (response.status === 401) session.signedOut();
  const body = error as Partial<ApiErrorBody> | undefined;
  throw new ApiError(response.status, body?.error?.code ?? 'error', body?.error?.message ?? `The server answered ${response.status}`, body?.error?.details);
}
