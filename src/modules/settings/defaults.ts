import type { KnownSettings } from './types.js';

/** The school's contact address when neither a stored `school` setting nor an admin e-mail gives one. */
export const FALLBACK_SCHOOL_EMAIL = 'office@example.com';

/**
 * The settings every school starts with, and the value of any key that is not stored (or whose
 * stored value is invalid). The seed inserts each key that is missing and never overwrites a value
 * an admin changed. `timezone` is SCHOOL_TIMEZONE; `email` the school's contact address (the seed
 * gives the admin's). Shapes are documented on KnownSettings (types.ts).
 */
export function defaultSettings(options: { timezone: string; email?: string }): KnownSettings {
  return {
    school: {
      name: 'Cedar Heights Music Academy',
      timezone: options.timezone,
      currency: 'CAD',
      email: options.email ?? FALLBACK_SCHOOL_EMAIL,
      phone: '+19025550100',
    },
    instruments: ['piano', 'guitar', 'violin', 'voice', 'drums'],
    // Price of one lesson by length in minutes, in cents; the demo (trial) lesson is free.
    pricing: { currency: 'CAD', lessonCents: { '30': 4500, '45': 6000, '60': 7500 }, demoLessonCents: 0 },
    lessonDurations: [30, 45, 60],
    cancellationWindowHours: 24,
    rescheduleWindowHours: 24,
    bufferMinutes: 0,
    minimumNoticeHours: 24,
    reminderLeadHours: 24,
    timezone: options.timezone,
    paymentReminderDays: 3,
    lateFee: { enabled: false, amountCents: 1500, graceDays: 7 },
    makeupCreditExpiryDays: 90,
    payroll: { noShow: { pay: 'full', percent: 100 }, lateCancellation: { pay: 'full', percent: 100 } },

    // Days each class of data is kept; audit rows and inactive families 7 years (beyond the 6 years
    // tax records are kept; those are never purged here).
    retention: {
      outboxBodies: 90,
      notifications: 365,
      workflowStepOutputs: 90,
      auditRows: 2555,
      rejectedEnrollmentForms: 365,
      inactiveFamilies: 2555,
      aiCallLogs: 365,
    },
  };
}

/** Marker written when the demo school is seeded, so deleting demo data does not bring it back. */
export const DEMO_MARKER_KEY = 'demoSeededAt';
