import { z } from 'zod';
import { idNumber } from '../../records/common.js';

export const erasureStatuses = ['requested', 'approved', 'rejected', 'completed', 'failed'] as const;
export type ErasureStatus = (typeof erasureStatuses)[number];

const text = (what: string) => z.string().trim().min(1).max(1000).describe(what);

/** POST /privacy/erasures. `overrideReason` (admins only): erase although the family owes money. */
export const erasureBody = z.object({
  userId: idNumber.describe("The parent whose family's personal data is erased"),
  reason: text('Why the family asks to be erased (kept with the request)'),
  overrideReason: text('Admins: why the family is erased although it owes money (recorded and audited)').optional(),
});
export type ErasureBody = z.infer<typeof erasureBody>;

export const approveBody = z.object({ overrideReason: text('Why the family is erased although it owes money (recorded and audited)').optional() }).default({});
export const rejectBody = z.object({ reason: text('Why the request is refused') });

export const erasureListQuery = z.object({
  status: z.enum(erasureStatuses).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const erasureView = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  requestedBy: z.number().int().nullable(),
  reason: z.string(),
  /** requested (waits for an admin) → approved (the workflow runs) → completed | failed; or rejected. */
  status: z.enum(erasureStatuses),
  overrideReason: z.string().nullable(),
  /** What the family owed (cents) when the request was approved; above 0 only with overrideReason. */
  balanceCents: z.number().int(),
  decidedBy: z.number().int().nullable(),
  decidedAt: z.string().nullable(),
  rejectionReason: z.string().nullable(),
  runId: z.string().nullable(),
  statusUrl: z.string().nullable(),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ErasureView = z.infer<typeof erasureView>;

export const erasureList = z.object({ data: z.array(erasureView), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });
