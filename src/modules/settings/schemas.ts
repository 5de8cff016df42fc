import { z } from 'zod';
import type { KnownSettings, SettingKey } from './types.js';

/** Zones found valid. Building an Intl.DateTimeFormat costs about a millisecond, and every settings read checks two zones. */
const knownZones = new Set<string>();

const isTimeZone = (zone: string): boolean => {
  if (knownZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
  } catch {
    return false;
  }
  if (knownZones.size < 1000) knownZones.add(zone); // IANA has about 600 names; spellings beyond are checked each time
  return true;
};

export const timeZone = z.string().trim().min(1).refine(isTimeZone, 'must be an IANA time zone such as America/Halifax');
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CAD');
const unique = <T>(values: readonly T[]): boolean => new Set(values).size === values.length;
const hours = (max: number) => z.number().int().min(0).max(max);

/** A lesson length the school may offer, minutes. */
export const lessonMinutes = z.number().int().min(15).max(120);

const payShare = z.object({
  pay: z.enum(['full', 'none', 'percent']),
  percent: z.number().int().min(0).max(100).default(100).describe("0–100; used when pay is 'percent'"),
});

/** A retention period: whole days, 1 to 36500 (100 years). */
export const retentionDays = z
  .number({ error: 'must be a whole number of days' })
  .int('must be a whole number of days')
  .min(1, 'must be at least 1 day')
  .max(36_500, 'must be at most 36500 days');
const retentionSchema = z
  .object({
    outboxBodies: retentionDays,
    notifications: retentionDays,
    workflowStepOutputs: retentionDays,
    auditRows: retentionDays,
    rejectedEnrollmentForms: retentionDays,
    inactiveFamilies: retentionDays,
    aiCallLogs: retentionDays,
  })
  .strict();

/** The Zod schema of each known setting's value; PUT /settings/{key} validates with it. */
export const settingSchemas: { [K in SettingKey]: z.ZodType<KnownSettings[K]> } = {
  school: z.object({
    name: z.string().trim().min(1).max(200),
    timezone: timeZone,
    currency,
    email: z.email(),
    phone: z.string().trim().min(1).max(40),
  }),
  instruments: z
    .array(
      z
        .string()
        .min(1)
        .max(50)
        .regex(/^[a-z][a-z -]*$/, 'must be a lower-case name such as piano'),
    )
    .min(1, 'the school must offer at least one instrument')
    .refine(unique, 'must not repeat an instrument'),
  pricing: z.object({
    currency,
    lessonCents: z
      .record(z.string().regex(/^\d+$/, 'keys are lesson lengths in minutes'), z.number().int().min(0).max(50_000))
      .refine((prices) => Object.keys(prices).length > 0, 'must price at least one lesson length')
      .refine((prices) => Object.keys(prices).every((k) => lessonMinutes.safeParse(Number(k)).success), 'lesson lengths must be 15–120 minutes'),
    demoLessonCents: z.number().int().min(0).max(50_000),
  }),
  lessonDurations: z.array(lessonMinutes).min(1).refine(unique, 'must not repeat a length'),
  cancellationWindowHours: hours(168),
  rescheduleWindowHours: hours(168),
  bufferMinutes: hours(120),
  minimumNoticeHours: hours(720),
  reminderLeadHours: hours(168),
  timezone: timeZone,
  paymentReminderDays: z.number().int().min(0).max(30),
  lateFee: z.object({ enabled: z.boolean(), amountCents: z.number().int().min(1).max(50_000), graceDays: z.number().int().min(0).max(90) }),
  makeupCreditExpiryDays: z.number().int().min(1).max(730),
  payroll: z.object({ noShow: payShare, lateCancellation: payShare }),

  retention: retentionSchema,
};

export const settingKeys = Object.keys(settingSchemas) as SettingKey[];
export const isSettingKey = (key: string): key is SettingKey => Object.hasOwn(settingSchemas, key);

export const setting = z.object({
  key: z.string(),
  value: z.unknown(),
  /** Null for a default that was never stored. */
  updatedAt: z.string().nullable(),
  updatedBy: z.number().int().nullable(),
});
export type SettingView = z.infer<typeof setting>;

export const settingKeyParams = z.object({ key: z.string().min(1).max(100) });
export const putSettingBody = z.object({ value: z.unknown().describe('The new value; its shape depends on the key') });
