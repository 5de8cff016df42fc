/** Every template by name (TemplateName → source). Adding a template: a source here and its name in types.ts. */
import type { TemplateName } from '../types.js';
import type { TemplateSource } from './define.js';
import { lateFee, paymentDue } from './billing.js';
import { enrollmentConfirm, enrollmentRejected, enrollmentWaitlisted } from './enrollment.js';
import { lessonRescheduled } from './lesson-changes.js';
import { messageReceived } from './messages.js';
import { lessonCancellation, lessonConfirmation, lessonReminder } from './lessons.js';
import { paymentFailed, paymentReceipt } from './payments.js';
import { cardUpdateLink, paymentIssueReply } from './payment-issues.js';
import { adminAlert, directMessage, parentWelcome, passwordReset, setPassword, teacherNewStudent } from './people.js';
import { privacyExportReady } from './privacy.js';

import { scheduleReview } from './schedule-review.js';
import { progressReport } from './progress-report.js';
import { lessonSubstitute } from './substitute.js';

export const templateSources: Readonly<Record<TemplateName, TemplateSource>> = {
  parent_welcome: parentWelcome,
  teacher_new_student: teacherNewStudent,
  enrollment_waitlisted: enrollmentWaitlisted,
  enrollment_confirm: enrollmentConfirm,
  enrollment_rejected: enrollmentRejected,
  lesson_confirmation: lessonConfirmation,
  lesson_cancellation: lessonCancellation,
  lesson_rescheduled: lessonRescheduled,
  lesson_reminder: lessonReminder,
  payment_receipt: paymentReceipt,
  payment_failed: paymentFailed,
  password_reset: passwordReset,
  set_password: setPassword,
  admin_alert: adminAlert,
  direct_message: directMessage,
  message_received: messageReceived,
  payment_due: paymentDue,
  late_fee: lateFee,
  lesson_substitute: lessonSubstitute,
  payment_issue_reply: paymentIssueReply,
  card_update_link: cardUpdateLink,

  privacy_export_ready: privacyExportReady,

  schedule_review: scheduleReview,

  progress_report: progressReport,
};
