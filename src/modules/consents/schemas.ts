import { z } from 'zod';
import { objectOfKnownKeys } from '../../http/known-keys.js';
import { consentNames } from './kinds.js';

const consentState = z
  .object({
    granted: z.boolean(),
    version: z.string(),
    recordedAt: z.string(),
    actor: z.object({ userId: z.number().int().nullable(), role: z.string() }),
  })
  .nullable()
  .describe('null: never recorded');

/** GET/PUT answer: each consent in force, or null when never recorded. */
export const consentsView = z.object({
  dataProcessing: consentState,
  aiProcessing: consentState,
  marketingEmail: consentState,
  sms: consentState,
});

const answer = z.boolean({ error: 'must be true (granted) or false (refused or withdrawn)' }).optional();

/** PUT body: the consents to record (any of the four), and the policy version they refer to. */
export const putConsentsBody = objectOfKnownKeys(
  {
    dataProcessing: answer,
    aiProcessing: answer,
    marketingEmail: answer,
    sms: answer,
    version: z
      .string()
      .trim()
      .min(1)
      .max(40)
      .regex(/^[A-Za-z0-9._-]+$/, 'must be a version such as 2026-12')
      .optional()
      .describe('Version of the privacy policy consented to; the current one when absent'),
  },
  'a consent kind',
).refine((body) => consentNames.some((name) => body[name] !== undefined), { error: `must name at least one of ${consentNames.join(', ')}` });
export type PutConsentsBody = z.infer<typeof putConsentsBody>;
