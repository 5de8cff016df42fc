/** Value of the `school` setting. */
export interface SchoolSetting {
  name: string;
  /** IANA zone, e.g. America/Halifax (kept equal to the `timezone` setting). */
  timezone: string;
  /** ISO 4217, e.g. CAD. */
  currency: string;
  email: string;
  phone: string;
}

/**
 * Value of the `pricing` setting: the price of one lesson by its length in minutes (JSON object
 * keys are strings), in cents of `currency`; a demo (trial) lesson costs `demoLessonCents`.
 * Example: `{ currency: 'CAD', lessonCents: { '30': 4500, '45': 6000, '60': 7500 }, demoLessonCents: 0 }`.
 */
export interface PricingSetting {
  currency: string;
  lessonCents: Record<string, number>;
  demoLessonCents: number;
}

/**
 * Value of the `lateFee` setting: when `enabled`, a failed payment or an unpaid subscription invoice
 * still owed `graceDays` days after it was due is charged one late fee of `amountCents` (once per
 * debt). Default off.
 */
export interface LateFeeSetting {
  enabled: boolean;
  /** Cents of the school's currency, 1–50000. */
  amountCents: number;
  /** Whole days after the due date, 0–90. */
  graceDays: number;
}

/** How much of a lesson's pay a teacher gets in a case: all, nothing, or `percent` of it. */
export interface PayShare {
  pay: 'full' | 'none' | 'percent';
  /** 0–100; used only when `pay` is 'percent'. */
  percent: number;
}

/**
 * Value of the `payroll` setting: what a teacher is paid for a lesson the student missed without
 * cancelling (`noShow`: attendance absent or excused) and for one the family cancelled inside the
 * cancellation window (`lateCancellation`). Lessons cancelled by the school (closures, time off)
 * are never paid. Default: both paid in full.
 */
export interface PayrollSetting {
  noShow: PayShare;
  lateCancellation: PayShare;
}

/**
 * Value of the `retention` setting: how long each class of data is kept, in whole days (1–36500),
 * counted back from the purge (daily, and POST /privacy/retention/run). Financial records
 * (payments, invoices, ledger, refunds) are not a class here: they are never purged by retention.
 */
export interface RetentionSetting {
  /** Outbox e-mail and SMS rows that are done (sent, kept, failed): subject and bodies blanked, row kept. */
  outboxBodies: number;
  /** In-app notifications: deleted. */
  notifications: number;
  /** Node outputs and transaction results of workflow runs finished (final) before the cutoff: cleared. */
  workflowStepOutputs: number;
  /** Audit log rows (reads included): deleted. */
  auditRows: number;
  /** Enrollment forms of rejected enrollments (by the time of the decision): deleted. */
  rejectedEnrollmentForms: number;
  /** Families (parent accounts) without a lesson, payment or sign-in since the cutoff: anonymised (see README). */
  inactiveFamilies: number;
  /** AI call records (prompts' outcomes, costs, results): deleted. */
  aiCallLogs: number;
}

/**
 * The known setting keys and the shape of their values (validated by `settingSchemas`, with
 * defaults in `defaultSettings`). Other keys in the table (such as the demo marker) are not settings.
 */
export interface KnownSettings {
  school: SchoolSetting;
  /** Instruments the school offers (lower case). */
  instruments: string[];
  pricing: PricingSetting;
  /** Lesson lengths offered, minutes. */
  lessonDurations: number[];
  /** A parent may cancel up to this many hours before a lesson. */
  cancellationWindowHours: number;
  /** A lesson may be rescheduled up to this many hours before it starts. */
  rescheduleWindowHours: number;
  /** Gap kept free after each lesson, minutes. */
  bufferMinutes: number;
  /** Earliest a new lesson may start, hours from now. */
  minimumNoticeHours: number;
  /** When lesson reminders go out, hours before the lesson. */
  reminderLeadHours: number;
  /** IANA zone of the school (same as school.timezone). */
  timezone: string;
  /** Days before a subscription renewal the family is reminded of the payment due (0 = no reminder). */
  paymentReminderDays: number;
  /** The late-fee policy (off by default). */
  lateFee: LateFeeSetting;
  /** A make-up credit can be used until this many days after it was granted (local days, inclusive). */
  makeupCreditExpiryDays: number;
  /** Teacher pay for no-shows and late cancellations (payroll runs). */
  payroll: PayrollSetting;

  /** Retention periods per data class, days. */
  retention: RetentionSetting;
}
export type SettingKey = keyof KnownSettings;
