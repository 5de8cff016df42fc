/** Schemas of the approvals, tasks and payment-issue routes. */
import { z } from 'zod';
import { boundedDate } from '../../http/date-schemas.js';
import { pageOf, pageQuery } from '../../http/pagination.js';
import { idNumber } from '../records/common.js';
import { approvalStatuses } from './store.js';
import { taskStatuses } from './tasks.js';

export const approvalListQuery = pageQuery.extend({
  status: z.enum(approvalStatuses).optional().describe('pending | approved | rejected | expired'),
  kind: z.string().min(1).max(80).optional().describe('e.g. payment_issue.reply'),
});

export const approvalView = z.object({
  id: z.number().int(),
  kind: z.string(),
  status: z.enum(approvalStatuses),
  title: z.string(),
  draft: z.unknown().describe('The proposal as drafted (its kind’s schema)'),
  shared: z.unknown().describe('The inputs exactly as sent to the AI provider (redacted), or as the rules drafter saw them'),
  source: z.string().describe('ai:<provider>/<model> or rules'),
  runId: z.string().describe('The waiting workflow run'),
  nodeId: z.string(),
  signal: z.string(),
  parentId: z.number().int().nullable(),
  studentId: z.number().int().nullable(),
  paymentId: z.number().int().nullable(),
  expiresAt: z.string().describe('ISO 8601: expires then (a follow-up task is created) unless decided'),
  decidedBy: z.number().int().nullable(),
  decidedAt: z.string().nullable(),
  edits: z.record(z.string(), z.unknown()).nullable().describe('Fields of the draft the approver replaced'),
  reason: z.string().nullable().describe('Why it was rejected'),
  outcome: z.string().nullable().describe('What approving did, for kinds applied by the approve request (e.g. schedule-suggestion); else null'),
  createdAt: z.string(),
});
export const approvalPage = pageOf(approvalView);

export const approveBody = z
  .strictObject({
    edits: z.record(z.string(), z.unknown()).optional().describe('Fields of the draft to replace (e.g. {"reply": "…"}); the edited draft must pass the kind’s schema'),
  })
  .nullish()
  .transform((body) => body ?? {});
export const rejectBody = z.strictObject({ reason: z.string().trim().min(1).max(2000).describe('Why (kept with the approval)') });

export const taskLinks = {
  userId: idNumber.nullable().optional().describe('The family’s parent (or any user) it is about'),
  studentId: idNumber.nullable().optional(),
  paymentId: idNumber.nullable().optional(),
  runId: z.uuid().nullable().optional(),
  approvalId: idNumber.nullable().optional(),
};
const title = z.string().trim().min(1).max(200);
const details = z.string().max(5000);

export const newTaskBody = z.strictObject({
  title,
  details: details.optional(),
  dueOn: boundedDate.nullable().optional().describe('Local date YYYY-MM-DD (school zone)'),
  ...taskLinks,
});
export const taskPatchBody = z
  .strictObject({
    title: title.optional(),
    details: details.optional(),
    dueOn: boundedDate.nullable().optional(),
    status: z.enum(taskStatuses).optional().describe('open | done | cancelled'),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one of title, details, dueOn, status' });

export const taskListQuery = pageQuery.extend({
  status: z.enum(taskStatuses).optional(),
  userId: idNumber.optional(),
  paymentId: idNumber.optional(),
  approvalId: idNumber.optional(),
});

export const taskView = z.object({
  id: z.number().int(),
  title: z.string(),
  details: z.string(),
  dueOn: z.string().nullable(),
  status: z.enum(taskStatuses),
  userId: z.number().int().nullable(),
  studentId: z.number().int().nullable(),
  paymentId: z.number().int().nullable(),
  runId: z.string().nullable(),
  approvalId: z.number().int().nullable(),
  createdBy: z.number().int().nullable().describe('null: created by a workflow'),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
});
export const taskPage = pageOf(taskView);

export const paymentIssueBody = z
  .strictObject({ paymentId: idNumber.optional(), messageId: idNumber.optional() })
  .refine((b) => b.paymentId !== undefined || b.messageId !== undefined, { message: 'give paymentId or messageId', path: ['paymentId'] });
export const runAccepted = z.object({ runId: z.string() });
