import { z } from 'zod';
import { roles } from './access.js';

/** New passwords: 12 to 200 characters. */
export const newPassword = z.string().min(12, 'must be at least 12 characters').max(200, 'must be at most 200 characters');

export const loginBody = z.object({ email: z.email().max(254), password: z.string().min(1).max(200) });
export const refreshBody = z.object({ refreshToken: z.string().min(20).max(200) });
// nullish: Fastify hands a POST without a body to the validator as null.
export const logoutBody = z.object({ refreshToken: z.string().min(20).max(200).optional() }).nullish();
export const validateBody = z.object({ token: z.string().min(1).max(4096) });
export const resetRequestBody = z.object({ email: z.email().max(254) });
export const resetConfirmBody = z.object({ token: z.string().min(20).max(200), newPassword });
export const changePasswordBody = z.object({ currentPassword: z.string().min(1).max(200), newPassword });

export const profile = z.object({
  id: z.number().int(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  phone: z.string().nullable(),
  role: z.enum(roles),
  teacherId: z.number().int().nullable(),
  children: z.array(z.object({ id: z.number().int(), firstName: z.string(), lastName: z.string(), instrument: z.string(), teacherId: z.number().int().nullable() })),
});

export const tokenPair = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('Seconds until the access token expires'),
});

export const loginResponse = tokenPair.extend({ user: profile });
export const accepted = z.object({ status: z.literal('accepted'), message: z.string() });
