/**
 * Approving many drafts at once (POST /api/v1/approvals/approve {ids}, admins): each id is decided
 * as by its own approve route (no edits), one after the other, so one that is not pending or no
 * longer applies (409), or unknown (404), does not stop the others; the answer says what happened to each, in the order given.
 */
import { z } from 'zod';
import { AppError, statusOf } from '../../http/errors.js';
import type { AuditActor } from '../audit/record.js';
import type { Caller } from '../auth/scoped.js';
import type { SchoolServices } from '../services.js';
import { decide } from './decide.js';
import { approvalStatuses } from './store.js';

/** Most approvals one request may decide. */
export const MAX_BULK_APPROVALS = 200;

export const bulkApproveBody = z.strictObject({
  ids: z
    .array(z.number().int().min(1).max(2_147_483_647))
    .min(1)
    .max(MAX_BULK_APPROVALS)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id')
    .describe(`Approvals to approve as drafted (1–${MAX_BULK_APPROVALS})`),
});

export const bulkApproveResult = z.object({
  data: z.array(
    z.object({
      id: z.number().int(),
      status: z.enum(approvalStatuses).nullable().describe('approved; null when it was not (see error)'),
      error: z
        .object({ code: z.string(), message: z.string() })
        .nullable()
        .describe('conflict: not pending (decided already), or its change no longer applies; not_found: no such approval'),
    }),
  ),
  approved: z.number().int().describe('How many were approved by this request'),
});
export type BulkApproveResult = z.infer<typeof bulkApproveResult>;

export async function approveMany(services: Pick<SchoolServices, 'db' | 'config' | 'workflows'>, caller: Caller, actor: AuditActor, ids: number[]): Promise<BulkApproveResult> {
  const data: BulkApproveResult['data'] = [];
  for (const id of ids) {
    try {
      const row = await decide(services, caller, actor, id, { status: 'approved' });
      data.push({ id, status: row.status, error: null });
    } catch (error) {
      if (!(error instanceof AppError) || statusOf(error.code) >= 500) throw error;
      data.push({ id, status: null, error: { code: error.code, message: error.message } });
    }
  }
  return { data, approved: data.filter((d) => d.error === null).length };
}
