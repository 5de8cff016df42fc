import { z } from 'zod';
import { roles } from '../auth/access.js';
import { pageQuery } from '../../http/pagination.js';
import { newPassword } from '../auth/schemas.js';

const name = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const phone = z
  .string()
  .trim()
  .min(3, 'must be at least 3 characters')
  .max(40, 'must be at most 40 characters')
  .regex(/^\+?[0-9 ().-]+$/, 'must contain only digits, spaces and + ( ) . -');
const email = z.email().max(254);

/** `/users/{id}`: a positive integer id (Postgres integer range). */
export const userIdParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

export const userListQuery = pageQuery.extend({
  role: z.enum(roles).optional(),
  active: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('true: active accounts only; false: deactivated ones only'),
  q: z.string().trim().min(1).max(100).optional().describe('Part of the first name, last name, full name or e-mail (case-insensitive)'),
});

export const createUserBody = z
  .object({
    email,
    firstName: name,
    lastName: name,
    phone: phone.nullable().optional(),
    role: z.enum(roles),
    password: newPassword.optional().describe('Initial password; without it the user gets an e-mail with a one-time link to choose one'),
    instruments: z.array(z.string().trim().min(1).max(50)).min(1).max(20).optional().describe('Teachers only: with hourlyRateCents, also creates the teacher profile'),
    hourlyRateCents: z.number().int().min(3000).max(20000).optional().describe('Teachers only: with instruments, also creates the teacher profile'),
    bio: z.string().trim().max(2000).optional().describe('Teachers only: shown on the public website'),
  })
  .strict();

export const updateUserBody = z
  .object({
    firstName: name.optional(),
    lastName: name.optional(),
    phone: phone.nullable().optional(),
    email: email.optional().describe('Admin only'),
    role: z.enum(roles).optional().describe('Admin only'),
    isActive: z.boolean().optional().describe('Admin only; false ends every session of the user at once'),
    aiProcessingDeclined: z
      .boolean()
      .optional()
      .describe(
        'Records the aiProcessing consent (true: withdrawn, false: granted), as PUT /users/{id}/consents does; while withdrawn nothing about this person goes to an AI provider',
      ),
  })
  .strict()
  .refine((body) => Object.values(body).some((v) => v !== undefined), { message: 'name at least one field to change' });

export const userView = z.object({
  id: z.number().int(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  phone: z.string().nullable(),
  role: z.enum(roles),
  isActive: z.boolean(),
  /** The latest aiProcessing consent is a refusal: drafts about them come from the rules drafter, nothing goes to an AI provider. */
  aiProcessingDeclined: z.boolean(),
  /** False while a new account has not chosen its password yet. */
  passwordSet: z.boolean(),
  teacherId: z.number().int().nullable(),
  lockedUntil: z.string().nullable().describe('Sign-in refused until then after repeated failures'),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type UserView = z.infer<typeof userView>;
export type UserListQuery = z.infer<typeof userListQuery>;
export type CreateUserInput = z.infer<typeof createUserBody>;
export type UpdateUserInput = z.infer<typeof updateUserBody>;
