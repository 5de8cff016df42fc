/**
 * Removes the demo school: exactly the rows the demo seed recorded in its manifest (demo_records),
 * plus what exists only because of them (their sessions, notifications, mail, conversations,
 * preferences, calendar links, time off, reminders, make-up credits, progress records), in one transaction.
 *
 * Nothing else is removed or changed. A row of the school that is not demo yet points at a demo
 * row (a real student taught by a demo teacher, a lesson booked for a demo student, a payment of a
 * demo family, a semester added to the demo year) blocks the removal: it answers `conflict` listing
 * those rows and removes nothing, so the admin can move them first (e.g. give the student a real
 * teacher). Pointers that only say who did something (audit actor, who cancelled a lesson, who
 * changed a setting) are cleared by their foreign keys (ON DELETE SET NULL).
 *
 * The `demoSeededAt` setting stays, so a restart never seeds the demo again. A second removal finds
 * an empty manifest and removes nothing.
 */
import type { SqlClient, SqlExecutor } from '../../db/sql-client.js';
import { conflict } from '../../http/errors.js';
import { type AuditActor, recordAudit } from '../audit/record.js';
import { type DemoTable, demoTables, readManifest } from './manifest.js';

/** Serialises removal with seeding (same key as src/seed/index.ts). */
const SEED_LOCK_KEY = 727_364_002;

/**
 * Foreign keys (table.column) whose rows go with the demo row they point at: they exist only
 * because of that person, lesson or teacher.
 */
const followers = new Set([
  'refresh_tokens.user_id',
  'password_reset_tokens.user_id',
  'notifications.user_id',
  'notification_preferences.user_id',
  'outbox.user_id',
  'calendar_feeds.teacher_id',
  'calendar_feeds.parent_id',
  'lesson_reminders.lesson_id',
  'teacher_time_off.teacher_id',
  'teacher_availability.teacher_id',
  'consents.user_id',
  'consents.student_id',
  'makeup_credits.student_id',
  'student_goals.student_id',
  'student_pieces.student_id',
  'student_assessments.student_id',
  'conversations.parent_id',
  'conversations.teacher_user_id',
  'conversation_reads.user_id',
]);

/** Foreign keys (ON DELETE SET NULL) that only say who did something or what it was about: cleared instead of blocking. */
const clearedPointers = new Set([
  'audit_log.actor_id',
  'consents.actor_id',
  'settings.updated_by',
  'lessons.cancelled_by',
  'enrollments.submitted_by',
  'calendar_feeds.created_by',
  'conversations.started_by',
  'conversations.student_id',
  'conversation_messages.author_id',
  'student_goals.created_by',
  'student_pieces.created_by',
  'student_assessments.created_by',
]);

/** A row of the school that points at a demo row. */
export interface DemoBlocker {
  table: string;
  /** The row's id (null for a table without an `id` column). */
  id: number | null;
  column: string;
  references: { table: DemoTable; id: number };
}

export interface DemoRemoval {
  /** Rows removed per table (demo rows and their followers); empty when there was nothing to remove. */
  removed: Record<string, number>;
}

/** At most this many blockers are listed per foreign key. */
const BLOCKERS_PER_KEY = 50;

interface ForeignKey {
  child: string;
  column: string;
  parent: DemoTable;
}

/** Single-column foreign keys of the public schema that reference a demo table. */
async function keysIntoDemoTables(tx: SqlExecutor): Promise<ForeignKey[]> {
  return tx.query<ForeignKey>(
    `SELECT cr.relname AS child, a.attname AS column, pr.relname AS parent
     FROM pg_constraint c
     JOIN pg_class cr ON cr.oid = c.conrelid JOIN pg_class pr ON pr.oid = c.confrelid
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
     WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND pr.relnamespace = 'public'::regnamespace AND pr.relname = ANY($1::text[])
     ORDER BY 1, 2`,
    [[...demoTables]],
  );
}

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

/** Rows of `key.child` outside the demo that point at demo rows. */
async function blockersOf(tx: SqlExecutor, key: ForeignKey, manifest: Map<DemoTable, number[]>): Promise<DemoBlocker[]> {
  const childDemoIds = (demoTables as readonly string[]).includes(key.child) ? (manifest.get(key.child as DemoTable) ?? []) : [];
  const rows = await tx.query<{ id: string | null; ref: number }>(
    `SELECT to_jsonb(c) ->> 'id' AS id, c.${quote(key.column)} AS ref FROM ${quote(key.child)} c
     WHERE c.${quote(key.column)} = ANY($1::int[]) AND NOT coalesce((to_jsonb(c) ->> 'id')::bigint = ANY($2::bigint[]), false)
     ORDER BY 1 LIMIT ${BLOCKERS_PER_KEY}`,
    [manifest.get(key.parent) ?? [], childDemoIds],
  );
  return rows.map((r) => ({ table: key.child, id: r.id === null ? null : Number(r.id), column: key.column, references: { table: key.parent, id: r.ref } }));
}

const add = (removed: Record<string, number>, table: string, count: number): void => {
  if (count > 0) removed[table] = (removed[table] ?? 0) + count;
};

async function deleteWhere(tx: SqlExecutor, table: string, column: string, ids: number[]): Promise<number> {
  const rows = await tx.query(`DELETE FROM ${quote(table)} WHERE ${quote(column)} = ANY($1::int[]) RETURNING 1`, [ids]);
  return rows.length;
}

/**
 * Removes the demo (see the module comment) on the owner connection, with an audit row by `actor`.
 * Throws `conflict` (409) with `details.blockers` when rows of the school point at demo rows.
 */
export async function removeDemo(sql: SqlClient, actor: AuditActor): Promise<DemoRemoval> {
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    const manifest = await readManifest(tx);
    if (manifest.size === 0) return { removed: {} };

    const keys = await keysIntoDemoTables(tx);
    const blockers: DemoBlocker[] = [];
    for (const key of keys) {
      const name = `${key.child}.${key.column}`;
      if (followers.has(name) || clearedPointers.has(name)) continue;
      blockers.push(...(await blockersOf(tx, key, manifest)));
    }
    if (blockers.length > 0) {
      throw conflict(`The demo cannot be removed: ${blockers.length} record(s) of the school point at demo records; move or remove them first`, { blockers });
    }

    const removed: Record<string, number> = {};
    for (const key of keys) {
      if (!followers.has(`${key.child}.${key.column}`)) continue;
      add(removed, key.child, await deleteWhere(tx, key.child, key.column, manifest.get(key.parent) ?? []));
    }
    for (const table of demoTables) add(removed, table, await deleteWhere(tx, table, 'id', manifest.get(table) ?? []));
    await tx.query('DELETE FROM demo_records');
    await recordAudit(tx, actor, { action: 'delete', entity: 'demo', entityId: 'demo', after: { removed } });
    return { removed };
  });
}
