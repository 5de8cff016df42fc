/**
 * The `progress-report` workflow: one student's report for one period (started by the batch runs
 * of batch.ts, once per student and period):
 *
 *   compile → draft (AI node, rules drafter fallback) → record → approval (waits)
 *     → decision ─┬─ approved → send (template progress_report, through the notification workflow)
 *                 └─ rejected / expired → close
 *
 * Nothing reaches the family before an admin approves (possibly with edits to the subject and the
 * message). An approval nobody decides within 14 days expires and becomes a follow-up task.
 */
import { z } from 'zod';
import { defineAiNode, type AiTaskResult } from '../../ai/index.js';
import { defineNode, defineRouter, defineWorkflow, PermanentError, type TaskContext } from '../../engine/index.js';
import { awaitApproval, type ApprovalOutcome } from '../approvals/await-approval.js';
import { sendNotification } from '../notifications/send.js';
import type { SchoolServices } from '../services.js';
import { schoolSettings } from '../settings/reader.js';
import { compileReport } from './compile.js';
import { insertReport, settleReport } from './store.js';
import { progressReportApproval, progressReportTask, type ProgressReportDraft } from './task.js';
import { reportCadences, reportPeriod, type ProgressReportInput } from './types.js';

export const PROGRESS_REPORT_WORKFLOW = 'progress-report';

export const progressReportEvent = z.object({
  studentId: z.number().int().positive(),
  period: reportPeriod,
  cadence: z.enum(reportCadences),
});
export type ProgressReportEvent = z.infer<typeof progressReportEvent>;
type Ctx = TaskContext<ProgressReportEvent>;

/** The run of a student and period: one, however often it is asked for. */
export const progressReportKey = (e: Pick<ProgressReportEvent, 'studentId' | 'period'>): string => `progress-report:${e.studentId}:${e.period.from}:${e.period.to}`;

const SERVICE_RETRY = { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 5_000 };

const needed = <T>(ctx: Ctx, id: string): T => {
  const output = ctx.output<T>(id);
  if (output === undefined) throw new PermanentError(`${id} must run first`);
  return output;
};

export function progressReportWorkflow(services: SchoolServices) {
  const compile = defineNode<ProgressReportEvent, ProgressReportInput>({
    id: 'compile',
    description: 'Attendance, lesson notes shared with the family, goals, pieces, assessments, overdue payments; the flags for the office',
    retry: SERVICE_RETRY,
    process: async (ctx) => {
      const { timezone } = await schoolSettings(services.db, services.config).get();
      return compileReport(services.db.sql, ctx.event.studentId, ctx.event.period, timezone);
    },
  });

  const draft = defineAiNode<ProgressReportEvent, ProgressReportInput, ProgressReportDraft>(services.ai, {
    id: 'draft',
    task: progressReportTask,
    input: (ctx) => needed<ProgressReportInput>(ctx, 'compile'),
  });

  const record = defineNode<ProgressReportEvent, { reportId: number }>({
    id: 'record',
    description: 'Keeps the report (figures, flags, draft, source) in progress_reports, once per student and period',
    retry: SERVICE_RETRY,
    process: async (ctx) => {
      const input = needed<ProgressReportInput>(ctx, 'compile');
      const drafted = needed<AiTaskResult<ProgressReportDraft>>(ctx, 'draft');
      const reportId = await ctx.transaction(({ sql }) =>
        insertReport(sql, {
          studentId: input.student.id,
          parentId: input.parent.id,
          from: input.period.from,
          to: input.period.to,
          cadence: ctx.event.cadence,
          figures: { summary: input.summary, office: input.office },
          flags: input.flags,
          draft: drafted.output,
          source: drafted.source,
          rulesReason: drafted.rulesReason,
          shared: drafted.shared,
          runId: ctx.runId,
        }),
      );
      return { reportId };
    },
  });

  const approval = defineNode<ProgressReportEvent, ApprovalOutcome<ProgressReportDraft>>({
    id: 'approval',
    description: 'The report waits for an admin (approve, edit the text, reject); 14 days, then a follow-up task',
    retry: SERVICE_RETRY,
    process: async (ctx) => {
      const input = needed<ProgressReportInput>(ctx, 'compile');
      const drafted = needed<AiTaskResult<ProgressReportDraft>>(ctx, 'draft');
      const attention = input.flags.length > 0 ? ` (needs attention: ${input.flags.map((f) => f.reason).join('; ')})` : '';
      return awaitApproval(ctx as TaskContext<unknown>, {
        kind: progressReportApproval,
        title: `Progress report of ${input.student.firstName} ${input.student.lastName}, ${input.period.label}${attention}`.slice(0, 200),
        draft: drafted.output,
        shared: drafted.shared,
        source: drafted.source,
        links: { userId: input.parent.id, studentId: input.student.id },
      });
    },
  });

  const decision = defineRouter<ProgressReportEvent>({
    id: 'decision',
    description: 'approved → send; rejected or expired → close',
    route: (ctx) => (needed<ApprovalOutcome<ProgressReportDraft>>(ctx, 'approval').decision === 'approved' ? 'send' : 'close'),
  });

  const send = defineNode<ProgressReportEvent, { notificationRunId: string }>({
    id: 'send',
    description: 'Send the approved report to the parent (progress_report, through the notification workflow and their preferences)',
    retry: SERVICE_RETRY,
    process: async (ctx) => {
      const input = needed<ProgressReportInput>(ctx, 'compile');
      const outcome = needed<ApprovalOutcome<ProgressReportDraft>>(ctx, 'approval');
      if (outcome.decision !== 'approved') throw new PermanentError('the report was not approved');
      const { reportId } = needed<{ reportId: number }>(ctx, 'record');
      const { runId } = await sendNotification(
        services.workflows,
        {
          userId: input.parent.id,
          template: 'progress_report',
          data: { studentFirstName: input.student.firstName, subject: outcome.draft.subject, message: outcome.draft.message },
        },
        ctx.idempotencyKey,
      );
      await ctx.transaction(({ sql }) => settleReport(sql, reportId, { status: 'sent', approvalId: outcome.approvalId, sentText: outcome.draft.message }));
      return { notificationRunId: runId };
    },
  });

  const close = defineNode<ProgressReportEvent, { decision: string; taskId: number | null }>({
    id: 'close',
    description: 'Nothing is sent (rejected; or expired, with a follow-up task)',
    retry: SERVICE_RETRY,
    process: async (ctx) => {
      const outcome = needed<ApprovalOutcome<ProgressReportDraft>>(ctx, 'approval');
      if (outcome.decision === 'approved') throw new PermanentError('an approved report is sent, not closed');
      const { reportId } = needed<{ reportId: number }>(ctx, 'record');
      await ctx.transaction(({ sql }) => settleReport(sql, reportId, { status: outcome.decision, approvalId: outcome.approvalId }));
      return { decision: outcome.decision, taskId: outcome.decision === 'expired' ? outcome.taskId : null };
    },
  });

  return defineWorkflow({
    name: PROGRESS_REPORT_WORKFLOW,
    description: 'One student’s progress report: compile the period, draft with AI or rules, wait for approval, send to the parent',
    event: progressReportEvent,
    start: 'compile',
    nodes: [
      { node: compile, connections: ['draft'] },
      { node: draft, connections: ['record'] },
      { node: record, connections: ['approval'] },
      { node: approval, connections: ['decision'] },
      { node: decision, connections: ['send', 'close'] },
      { node: send },
      { node: close },
    ],
  });
}
