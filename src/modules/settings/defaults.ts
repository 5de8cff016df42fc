import type { KnownSettings } from '../../db/schema/settings.js';

/**
 * The settings every school starts with. The seed inserts each key that is missing and never
 * overwrites a value an admin changed. Shapes are documented on KnownSettings (schema/settings.ts).
 */
export function defaultSettings(options: { timezone: string; email: string }): KnownSettings {
  return {
    school: {
      name: 'Cedar Heights Music Academy',
      timezone: options.timezone,
      currency: 'CAD',
      email: options.email,
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
  };
}

/** Marker written when the demo school is seeded, so deleting demo data does not bring it back. */
export const DEMO_MARKER_KEY = 'demoSeededAt';
