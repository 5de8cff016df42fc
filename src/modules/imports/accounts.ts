/**
 * Accounts made or matched by an import. A new account has no password: it gets the set-password
 * e-mail only when the import invites (`?invite=true`); otherwise the person uses "forgot
 * password" (or the admin invites later). An existing account keeps its e-mail and role; the
 * import updates its names and phone when the file says otherwise.
 */
import { recordAudit } from '../audit/record.js';
import { inviteIfAsked, type RowContext, type RowOutcome } from './row-context.js';

export interface AccountFields {
  email: string;
  firstName: string;
  lastName: string;
  /** Undefined: not in the file (kept as is). */
  phone?: string | undefined;
}

interface AccountRow {
  id: number;
  first_name: string;
  last_name: string;
  phone: string | null;
}

/** The account as its audit rows show it. */
export const accountView = (id: number, role: string, fields: { email: string; firstName: string; lastName: string; phone: string | null }) => ({ id, role, ...fields });

/** Creates a parent account (no password), with its audit row and, when asked, the invitation. */
export async function createParentAccount(ctx: RowContext, fields: AccountFields): Promise<number> {
  const [created] = await ctx.tx.sql.query<{ id: number }>(`INSERT INTO users (email, first_name, last_name, phone, role) VALUES ($1, $2, $3, $4, 'parent') RETURNING id`, [
    fields.email,
    fields.firstName,
    fields.lastName,
    fields.phone ?? null,
  ]);
  const id = Number(created!.id);
  const after = accountView(id, 'parent', { email: fields.email, firstName: fields.firstName, lastName: fields.lastName, phone: fields.phone ?? null });
  await recordAudit(ctx.tx.sql, ctx.actor, { action: 'create', entity: 'user', entityId: id, before: null, after });
  await inviteIfAsked(ctx, { id, email: fields.email, firstName: fields.firstName });
  return id;
}

/** Brings an existing account's names and phone in line with the file: updated, or skipped when equal. */
export async function syncAccount(ctx: RowContext, role: string, existing: AccountRow, fields: AccountFields): Promise<RowOutcome> {
  const phone = fields.phone === undefined ? existing.phone : fields.phone;
  if (existing.first_name === fields.firstName && existing.last_name === fields.lastName && existing.phone === phone) return 'skipped';
  await ctx.tx.sql.query('UPDATE users SET first_name = $2, last_name = $3, phone = $4 WHERE id = $1', [existing.id, fields.firstName, fields.lastName, phone]);
  const before = accountView(existing.id, role, { email: fields.email, firstName: existing.first_name, lastName: existing.last_name, phone: existing.phone });
  const after = accountView(existing.id, role, { email: fields.email, firstName: fields.firstName, lastName: fields.lastName, phone });
  await recordAudit(ctx.tx.sql, ctx.actor, { action: 'update', entity: 'user', entityId: existing.id, before, after });
  return 'updated';
}
