import type { z } from 'zod';
import type { TxHandle } from '../../db/orm-sql.js';
import { AppError, type FieldIssue } from '../../http/errors.js';
import type { AuditActor } from '../audit/record.js';
import { issuePasswordLink } from '../auth/service.js';
import type { Caller } from '../auth/scoped.js';
import type { KnownSettings } from '../settings/types.js';
import { RowProblem, type RowIssue } from './values.js';

/** What a row needs: the open transaction, who imports, the school's settings. */
export interface RowContext {
  tx: TxHandle;
  /** The admin who started the import: audit rows name them (requestId `import:<id>`). */
  actor: AuditActor;
  admin: Caller;
  settings: KnownSettings;
  /** Today in the school's zone, YYYY-MM-DD (new students' enrollment date). */
  today: string;
  /** New accounts get the set-password e-mail. */
  invite: boolean;
  publicAppUrl: string;
  /** Set when a row queued mail (deliver it once the transaction commits). */
  mailQueued: boolean;
}

/** What one applied row did. */
export type RowOutcome = 'created' | 'updated' | 'skipped';

/** The row's outcome from its parts: anything created → created; else anything updated → updated. */
export const combine = (...parts: RowOutcome[]): RowOutcome => (parts.includes('created') ? 'created' : parts.includes('updated') ? 'updated' : 'skipped');

/** Domain field path (`body.user.email`, `instruments.0`) → import field, through `map`; `fallback` when nothing matches. */
function importFieldOf(path: string, map: Readonly<Record<string, string>>, fallback: string): string {
  const parts = path
    .replace(/^body\./, '')
    .split('.')
    .filter((part) => !/^\d+$/.test(part));
  for (let n = parts.length; n > 0; n -= 1) {
    const field = map[parts.slice(0, n).join('.')];
    if (field) return field;
  }
  return fallback;
}

/** Validates `input` with an API schema; its issues become the row's, named by import field. */
export function validateWith<S extends z.ZodType>(schema: S, input: unknown, map: Readonly<Record<string, string>>, fallback: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new RowProblem(result.error.issues.map((issue) => ({ field: importFieldOf(issue.path.join('.'), map, fallback), message: issue.message })));
}

/** Runs a domain call; its refusals (400, 404, 409) become the row's issues, named by import field. */
export async function asRowIssues<T>(map: Readonly<Record<string, string>>, fallback: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AppError) || !['validation_failed', 'conflict', 'not_found', 'forbidden'].includes(error.code)) throw error;
    const details = Array.isArray(error.details) ? (error.details as FieldIssue[]).filter((d) => typeof d?.field === 'string') : [];
    const issues: RowIssue[] = details.map((d) => ({ field: importFieldOf(d.field, map, fallback), message: error.code === 'validation_failed' ? d.message : error.message }));
    throw new RowProblem(issues.length > 0 ? issues : [{ field: fallback, message: error.message }]);
  }
}

/** A set-password e-mail for a new account, when the import invites. */
export async function inviteIfAsked(ctx: RowContext, user: { id: number; email: string; firstName: string }): Promise<void> {
  if (!ctx.invite) return;
  await issuePasswordLink(ctx.tx.sql, user, 'set_password', { publicAppUrl: ctx.publicAppUrl, schoolName: ctx.settings.school.name });
  ctx.mailQueued = true;
}

/** The account with this e-mail (case-insensitive), if any. */
export async function userByEmail(
  ctx: RowContext,
  email: string,
): Promise<{ id: number; role: string; is_active: boolean; first_name: string; last_name: string; phone: string | null } | undefined> {
  const [row] = await ctx.tx.sql.query<{ id: number; role: string; is_active: boolean; first_name: string; last_name: string; phone: string | null }>(
    'SELECT id, role, is_active, first_name, last_name, phone FROM users WHERE lower(email) = $1',
    [email],
  );
  return row ? { ...row, id: Number(row.id) } : undefined;
}
