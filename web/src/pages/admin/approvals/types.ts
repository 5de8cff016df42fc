import type { paths } from '../../../api/schema';

/** One approval as the API answers it (`GET /approvals/{id}`, and each row of the inbox). */
export type Approval = paths['/api/v1/approvals/{id}']['get']['responses'][200]['content']['application/json'];
export type ApprovalStatus = Approval['status'];

export const approvalStatuses: readonly ApprovalStatus[] = ['pending', 'approved', 'rejected', 'expired'];

/**
 * What a draft editor reports as the approver types: the top-level fields of the draft they
 * changed (the approve call's `edits`), or why the edited draft cannot be sent yet.
 */
export type DraftChange = { edits: Record<string, unknown> } | { problem: string };

/** The top-level fields of `edited` whose value differs from `original`'s (compared as JSON). */
export function changedFields(original: Record<string, unknown>, edited: Record<string, unknown>): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(edited)) {
    if (JSON.stringify(value) !== JSON.stringify(original[field])) changed[field] = value;
  }
  return changed;
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The admin console path of an approval's page, from any section. */
export const approvalPageHref = (id: number): string => `~/app/approvals/${id}`;
