/**
 * What the rest of the school asks of notifications. A notification is sent by the durable
 * `notification` workflow: it picks channels from the recipient's preferences, renders the
 * template in the school's name, and sends e-mail, SMS and in-app at once, each tracked in the
 * outbox (e-mail, SMS) or the notifications table (in-app).
 */

/**
 * Templates the school sends; each has a subject, an HTML part and a plain-text part. The data each
 * one needs is declared (Zod) next to its source in `templates/*.ts`, with an example; a request
 * whose data does not match is refused when the run is started (EventValidationError naming
 * `data.<field>`), so a missing variable fails loudly instead of rendering a blank.
 */
export const templateNames = [
  'parent_welcome',
  'teacher_new_student',
  'enrollment_waitlisted',
  'enrollment_confirm',
  'enrollment_rejected',
  'lesson_confirmation',
  'lesson_cancellation',
  'lesson_rescheduled',
  'lesson_reminder',
  'payment_receipt',
  'payment_failed',
  'password_reset',
  'set_password',
  'admin_alert',
  'direct_message',
  'message_received',
  'payment_due',
  'late_fee',
  'lesson_substitute',
  'payment_issue_reply',
  'card_update_link',

  'privacy_export_ready',

  'schedule_review',

  'progress_report',
] as const;
export type TemplateName = (typeof templateNames)[number];

export const channels = ['email', 'sms', 'in_app'] as const;
export type Channel = (typeof channels)[number];

/**
 * Template variables: flat values only (instants as ISO 8601 strings with offset, money as integer
 * cents plus `currency`). Fields a template does not declare are ignored.
 */
export type TemplateData = Record<string, string | number | boolean | null>;

/** The event of the `notification` workflow. Give `userId`, or `email`/`phone` for someone without an account. */
export interface NotificationRequest {
  /** A user of the school: addresses and channels come from the user and their preferences. */
  userId?: number;
  /** Address used when there is no user (a waitlisted family) or to override the user's. */
  email?: string;
  /** E.164 phone number, as for `email`. */
  phone?: string;
  /** Name to greet when there is no user. */
  name?: string;
  template: TemplateName;
  data: TemplateData;
  /** Only these channels (still filtered by the recipient's preferences). Default: every channel the recipient accepts. */
  channels?: Channel[];
}

/** Name of the notification workflow in the registry. */
export const NOTIFICATION_WORKFLOW = 'notification';
