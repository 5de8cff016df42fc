import { z } from 'zod';
import { idNumber } from '../../records/common.js';
import { exportStatuses } from './store.js';

/** POST /privacy/exports: whose data (a parent: their own id only). */
export const exportBody = z.object({
  userId: z.number().int().min(1).max(2_147_483_647).describe('The user whose data (and whose family’s data) is exported'),
});

export const exportAccepted = z.object({
  exportId: z.number().int(),
  runId: z.string(),
  /** GET it for the status and, once ready, the download URL. */
  statusUrl: z.string(),
});

export const exportView = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  requestedBy: z.number().int().nullable(),
  /** pending (being made), ready (downloadable until expiresAt), failed, expired (archive deleted). */
  status: z.enum(exportStatuses),
  runId: z.string().nullable(),
  /** Rows per file of the zip (`lessons.json`: 12). */
  files: z.record(z.string(), z.number().int()),
  /** Size of the zip in bytes, once made. */
  bytes: z.number().int().nullable(),
  sha256: z.string().nullable(),
  /** Why it failed, for the family (the office finds the cause in the run). */
  error: z.string().nullable(),
  /** Where the zip is downloaded (with the caller's token), while it is ready. */
  downloadUrl: z.string().nullable(),
  createdAt: z.string(),
  readyAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export type ExportView = z.infer<typeof exportView>;

export const exportIdParams = z.object({ id: idNumber });

export const downloadQuery = z.object({
  token: z.string().min(1).max(200).optional().describe('The signed link of the "export ready" e-mail: no sign-in needed'),
});

export const exportListQuery = z.object({
  userId: idNumber.optional().describe('Admins: the exports of this user only'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const exportList = z.object({ data: z.array(exportView), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });
