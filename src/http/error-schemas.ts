import { z } from 'zod';
import { errorCodes } from './errors.js';

/** OpenAPI description of the error body, for route `response` maps. */
export const errorResponse = z.object({
  error: z.object({
    code: z.enum(errorCodes),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string(),
  }),
});
