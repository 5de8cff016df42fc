/**
 * Kinds of approval: what a draft of that kind looks like (its own Zod schema, against which an
 * approver's edits are validated) and how long it may wait before it expires and becomes a
 * follow-up task. A workflow defines its kinds once, at module level; `known-kinds.ts` imports
 * every module that defines one, so the routes know them all in every process.
 */
import type { ZodType } from 'zod';
import type { AuditActor } from '../audit/record.js';
import type { SchoolServices } from '../services.js';

/** What an `apply` step may use. */
export type ApprovalApplyServices = Pick<SchoolServices, 'db' | 'config' | 'workflows'>;

export interface ApprovalKind<Draft> {
  /** Stable name, stored with each approval (`payment_issue.reply`): lower-case letters, digits, `.`, `_`, `-`. */
  readonly kind: string;
  /** What approving it does, for the office (shown in the API docs and the README). */
  readonly description: string;
  /** The draft's own schema: the draft as proposed and the draft after edits must both pass it. */
  readonly schema: ZodType<Draft>;
  /** How long an approval of this kind waits before it expires, in ms (default of `awaitApproval`). */
  readonly timeoutMs: number;
  /**
   * Optional: applies the approved draft (with the approver's edits) inside the approve request,
   * through the domain's own rules, as the approver; returns what it did (kept as the approval's
   * `outcome`, at most 2000 characters). A refusal of the domain is an AppError (a 409 for a
   * conflict): the approve request answers it and the approval stays pending. Without `apply`, the
   * waiting run acts on the decision after it.
   */
  readonly apply?: (services: ApprovalApplyServices, draft: Draft, by: { actor: AuditActor; approvalId: number }) => Promise<string>;
}

const kinds = new Map<string, ApprovalKind<unknown>>();

/** Defines (and registers) a kind; a second definition of the same name is a programming error. */
export function defineApprovalKind<Draft>(kind: ApprovalKind<Draft>): ApprovalKind<Draft> {
  if (!/^[a-z][a-z0-9_.-]{0,79}$/.test(kind.kind)) throw new Error(`approval kind "${kind.kind}" must be 1–80 lower-case letters, digits, ".", "_" or "-"`);
  if (!Number.isInteger(kind.timeoutMs) || kind.timeoutMs < 1) throw new Error(`approval kind "${kind.kind}": timeoutMs must be a positive integer`);
  const existing = kinds.get(kind.kind);
  if (existing && existing !== kind) throw new Error(`approval kind "${kind.kind}" is defined twice`);
  const frozen = Object.freeze(kind);
  kinds.set(kind.kind, frozen as ApprovalKind<unknown>);
  return frozen;
}

/** The kind of that name, if some module defined it. */
export const approvalKindOf = (name: string): ApprovalKind<unknown> | undefined => kinds.get(name);

/** Every kind defined so far, by name. */
export const approvalKindNames = (): string[] => [...kinds.keys()].sort();
