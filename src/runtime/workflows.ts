import type { AppConfig } from '../config.js';
import { WorkflowRegistry } from '../engine/index.js';
import { paymentIssueWorkflow } from '../modules/approvals/payment-issue/workflow.js';
import { buildDatabaseBackupWorkflow, DATABASE_BACKUP_CRON, DATABASE_BACKUP_WORKFLOW } from '../modules/backups/workflow.js';
import { lessonScheduleWorkflow } from '../modules/lessons/workflows/workflow.js';
import { buildOutboxDispatchWorkflow, OUTBOX_DISPATCH_WORKFLOW } from '../modules/notifications/workflows/dispatch.js';
import { buildNotificationWorkflow } from '../modules/notifications/workflows/notification.js';
import { buildLessonRemindersWorkflow, LESSON_REMINDERS_WORKFLOW } from '../modules/notifications/workflows/reminders.js';
import { enrollmentWorkflow } from '../modules/enrollments/workflows/index.js';
import { WAITLIST_MOVES_CRON, WAITLIST_MOVES_WORKFLOW, waitlistMovesWorkflow } from '../modules/enrollments/workflows/waitlist-moves.js';
import { paymentSchedules, registerPaymentWorkflows } from '../modules/payments/workflows/index.js';
import { privacyErasureWorkflow } from '../modules/privacy/erasure/workflow.js';

import { buildPrivacyExportWorkflow } from '../modules/privacy/exports/workflow.js';

import { buildScheduleReviewWorkflow, SCHEDULE_REVIEW_CRON, SCHEDULE_REVIEW_WORKFLOW } from '../modules/schedule-review/workflow.js';
import type { SchoolServices } from '../modules/services.js';
import { buildRetentionWorkflow, RETENTION_CRON, RETENTION_WORKFLOW } from '../modules/privacy/retention/workflow.js';

import { buildCsvImportWorkflow } from '../modules/imports/workflow.js';

import {
  PROGRESS_REPORTS_CRON,
  PROGRESS_REPORTS_WORKFLOW,
  progressReportsWorkflow,
  SEMESTER_REPORTS_CRON,
  SEMESTER_REPORTS_WORKFLOW,
  semesterReportsWorkflow,
} from '../modules/progress-reports/batch.js';
import { progressReportWorkflow } from '../modules/progress-reports/workflow.js';

/**
 * Every business workflow of the school, registered (and validated) in one place.
 * Workflows live in their domain folders (`modules/<domain>/workflows/`) and are added here;
 * each is built from the process's services (database, gateway, transports, workflow starter).
 */
export function buildWorkflowRegistry(services: SchoolServices): WorkflowRegistry {
  const registry = new WorkflowRegistry();
  registry.register(lessonScheduleWorkflow(services));
  registry.register(buildNotificationWorkflow(services));
  registry.register(buildLessonRemindersWorkflow(services));
  registry.register(buildOutboxDispatchWorkflow(services));
  registry.register(enrollmentWorkflow({ services }));
  registry.register(waitlistMovesWorkflow(services));
  registerPaymentWorkflows(registry, services);
  registry.register(buildDatabaseBackupWorkflow(services));
  registry.register(privacyErasureWorkflow(services));
  registry.register(paymentIssueWorkflow(services));

  registry.register(buildRetentionWorkflow(services));

  registry.register(buildPrivacyExportWorkflow(services));

  registry.register(buildCsvImportWorkflow(services));

  registry.register(buildScheduleReviewWorkflow(services));

  registry.register(progressReportWorkflow(services));
  registry.register(progressReportsWorkflow(services));
  registry.register(semesterReportsWorkflow(services));
  return registry;
}

/**
 * Cron schedules of scheduled workflows: 5-field cron expressions in the school's time zone;
 * `cron: null` removes a schedule that is off in this configuration (backups without BACKUP_DIR).
 */
export function workflowSchedules(config: Pick<AppConfig, 'backups'>): ReadonlyArray<{ workflow: string; cron: string | null }> {
  return [
    { workflow: LESSON_REMINDERS_WORKFLOW, cron: '*/15 * * * *' },
    { workflow: OUTBOX_DISPATCH_WORKFLOW, cron: '* * * * *' },
    { workflow: WAITLIST_MOVES_WORKFLOW, cron: WAITLIST_MOVES_CRON },
    ...paymentSchedules,
    { workflow: SCHEDULE_REVIEW_WORKFLOW, cron: SCHEDULE_REVIEW_CRON },
    { workflow: DATABASE_BACKUP_WORKFLOW, cron: config.backups.dir ? DATABASE_BACKUP_CRON : null },
    { workflow: RETENTION_WORKFLOW, cron: RETENTION_CRON },

    { workflow: PROGRESS_REPORTS_WORKFLOW, cron: PROGRESS_REPORTS_CRON },
    { workflow: SEMESTER_REPORTS_WORKFLOW, cron: SEMESTER_REPORTS_CRON },
  ];
}
