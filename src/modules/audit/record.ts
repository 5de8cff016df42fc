import type { SqlExecutor } from '../../db/sql-client.js';

/** Who did something: a signed-in user, or the system (workflows, seed). */
export interface AuditActor {
  userId: number | null;
  role: string;
  requestId?: string | undefined;
}

export interface AuditEntry {
  action: 'create' | 'update' | 'delete' | (string & {});
  /** Entity kind, e.g. `student`, `lesson`, `setting`, `payment`, `user`. */
  entity: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
}

const SECRET_FIELDS = new Set(['password_hash', 'passwordHash', 'token_hash', 'tokenHash', 'feed_token', 'feedToken']);

/** Drops secrets (password and token hashes) from a snapshot before it is stored. */
function scrub(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(scrub);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !SECRET_FIELDS.has(key))
      .map(([k, v]) => [k, scrub(v)]),
  );
}

/**
 * Writes one audit_log row: who, when (now()), what, before and after. Call it with the same
 * executor (transaction) as the change, so the change and its audit row commit together.
 */
export async function recordAudit(sql: SqlExecutor, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await sql.query(
    `INSERT INTO audit_log (actor_id, actor_role, action, entity, entity_id, before, after, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      actor.userId,
      actor.role,
      entry.action,
      entry.entity,
      String(entry.entityId),
      JSON.stringify(scrub(entry.before)),
      JSON.stringify(scrub(entry.after)),
      actor.requestId ?? null,
    ],
  );
}

/** Writes several audit_log rows of one actor in one statement (one round trip), in the given order. */
export async function recordAudits(sql: SqlExecutor, actor: AuditActor, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await sql.query(
    `INSERT INTO audit_log (actor_id, actor_role, action, entity, entity_id, before, after, request_id)
     SELECT $1, $2, e.action, e.entity, e.entity_id, e.before::jsonb, e.after::jsonb, $3
       FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS e(action, entity, entity_id, before, after, n)
      ORDER BY e.n`,
    [
      actor.userId,
      actor.role,
      actor.requestId ?? null,
      entries.map((e) => e.action),
      entries.map((e) => e.entity),
      entries.map((e) => String(e.entityId)),
      entries.map((e) => JSON.stringify(scrub(e.before))),
      entries.map((e) => JSON.stringify(scrub(e.after))),
    ],
  );
}
