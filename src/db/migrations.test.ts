import { eq, is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.js';
import { migrate } from './migrate.js';
import * as schema from './schema/index.js';

const expectedTables = [
  'academic_years',
  'ai_calls',
  'approvals',
  'audit_log',
  'billing_customers',
  'calendar_feeds',
  'closures',
  'consents',
  'conversation_messages',
  'conversation_reads',
  'conversations',
  'demo_records',
  'enrollments',
  'erasure_requests',
  'family_flags',
  'imports',
  'invoices',
  'late_fees',
  'ledger_entries',
  'lesson_reminders',
  'lesson_subscriptions',
  'lessons',
  'makeup_credits',
  'notification_preferences',
  'notifications',
  'outbox',
  'password_reset_tokens',
  'payment_attempts',
  'payments',
  'payroll_adjustments',
  'payroll_lines',
  'payroll_runs',
  'privacy_exports',
  'progress_reports',
  'refresh_tokens',
  'saved_payment_methods',
  'schedule_reviews',
  'semesters',
  'settings',
  'sim_gateway_events',
  'sim_gateway_idempotency',
  'sim_gateway_objects',
  'student_assessments',
  'student_goals',
  'student_pieces',
  'students',
  'subscription_period_lessons',
  'subscription_periods',
  'tasks',
  'teacher_availability',
  'teacher_pay_rates',
  'teacher_time_off',
  'teachers',
  'users',
  'webhook_events',
  'workflow_runs',
  'workflow_signals',
  'workflow_steps',
  'workflow_transactions',
  'workflow_waits',
];

/**
 * Tables without a Drizzle definition: the payments module reads and writes them with SQL only
 * (its allowed values are checked against the database in src/modules/payments/values.test.ts),
 * and so do the AI layer (ai_calls, src/ai/calls.ts), payroll (src/modules/payroll/), approvals
 * (approvals, tasks: src/modules/approvals/), privacy exports (src/modules/privacy/exports/store.ts)
 * and the schedule reviews (src/modules/schedule-review/store.ts).
 */
const sqlOnlyTables = [
  'ai_calls',
  'approvals',
  'billing_customers',
  'conversation_messages',
  'conversation_reads',
  'conversations',
  'demo_records',
  'erasure_requests',
  'family_flags',
  'imports',
  'invoices',
  'late_fees',
  'ledger_entries',
  'lesson_subscriptions',
  'payment_attempts',
  'payments',
  'payroll_adjustments',
  'payroll_lines',
  'payroll_runs',
  'privacy_exports',
  'progress_reports',
  'saved_payment_methods',
  'schedule_reviews',
  'sim_gateway_events',
  'sim_gateway_idempotency',
  'sim_gateway_objects',
  'student_assessments',
  'student_goals',
  'student_pieces',
  'subscription_period_lessons',
  'subscription_periods',
  'teacher_pay_rates',
  'tasks',
  'webhook_events',
];
const drizzleTables = Object.values(schema as Record<string, unknown>).filter((value): value is PgTable => is(value, PgTable));

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.dispose();
});

describe('migrations', () => {
  it('create every table and the btree_gist extension', async () => {
    const tables = await t.db.sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('schema_migrations', 'workflow_schema_migrations')
       ORDER BY table_name`,
    );
    expect(tables.map((r) => r.table_name)).toEqual(expectedTables);
    const ext = await t.db.sql.query(`SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'`);
    expect(ext).toHaveLength(1);
  });

  it('announce changes of every table but the unwatched ones (read caches rely on it)', async () => {
    const unwatched = [
      'ai_calls',
      'approvals',
      'audit_log',
      'billing_customers',
      'calendar_feeds',
      'consents',
      'conversation_messages',
      'conversation_reads',
      'conversations',
      'demo_records',
      'enrollments',
      'erasure_requests',
      'family_flags',
      'imports',
      'invoices',
      'late_fees',
      'ledger_entries',
      'lesson_reminders',
      'lesson_subscriptions',
      'notification_preferences',
      'notifications',
      'outbox',
      'password_reset_tokens',
      'payment_attempts',
      'payments',
      'payroll_adjustments',
      'payroll_lines',
      'payroll_runs',
      'privacy_exports',
      'progress_reports',
      'refresh_tokens',
      'saved_payment_methods',
      'schedule_reviews',
      'sim_gateway_events',
      'sim_gateway_idempotency',
      'sim_gateway_objects',
      'student_assessments',
      'student_goals',
      'student_pieces',
      'subscription_period_lessons',
      'subscription_periods',
      'teacher_pay_rates',
      'tasks',
      'webhook_events',
      'workflow_runs',
      'workflow_signals',
      'workflow_steps',
      'workflow_transactions',
      'workflow_waits',
    ];
    const watched = await t.db.sql.query<{ table_name: string }>(
      `SELECT c.relname AS table_name FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_proc p ON p.oid = g.tgfoid
       WHERE p.proname = 'notify_data_changed' AND c.relnamespace = 'public'::regnamespace
       GROUP BY 1 HAVING count(*) = 2 ORDER BY 1`,
    );
    expect(watched.map((r) => r.table_name)).toEqual(expectedTables.filter((table) => !unwatched.includes(table)));
  });

  it('apply nothing when run again', async () => {
    const result = await migrate(t.db.sql);
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toBeGreaterThanOrEqual(1);
    const versions = await t.db.sql.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((v) => v.version)).toContain('0001_init');
  });

  it("give requests (cedar_app) the engine's runs, steps and run view, none of its other tables", async () => {
    const rows = await t.db.sql.query<{ relation: string; readable: boolean }>(
      `SELECT relation, has_table_privilege('cedar_app', relation, 'SELECT') AS readable
       FROM unnest(ARRAY['workflow_runs', 'workflow_steps', 'workflow_run_states', 'workflow_signals', 'workflow_waits',
                         'workflow_transactions', 'workflow_schema_migrations']) AS relation ORDER BY relation`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.relation, r.readable]))).toEqual({
      workflow_run_states: true,
      workflow_runs: true,
      workflow_schema_migrations: false,
      workflow_signals: false,
      workflow_steps: true,
      workflow_transactions: false,
      workflow_waits: false,
    });
    const [view] = await t.db.sql.query<{ writable: boolean }>(`SELECT has_table_privilege('cedar_app', 'workflow_run_states', 'INSERT') AS writable`);
    expect(view?.writable).toBe(false);
  });

  it('keep updated_at current on update', async () => {
    const [row] = await t.db.sql.query<{ id: number }>(
      `INSERT INTO users (email, first_name, last_name, role, updated_at)
       VALUES ('stamp@example.com', 'A', 'B', 'parent', now() - interval '1 day') RETURNING id`,
    );
    const [after] = await t.db.sql.query<{ fresh: boolean }>(`UPDATE users SET phone = '+19025550000' WHERE id = $1 RETURNING updated_at > now() - interval '1 minute' AS fresh`, [
      row?.id,
    ]);
    expect(after?.fresh).toBe(true);
  });
});

/** The Drizzle schema must describe the database the SQL migration makes. */
describe('drizzle schema mirrors the SQL', () => {
  const normaliseType = (type: string): string =>
    type
      .replace(/^char\((\d+)\)$/, 'character($1)')
      .replace(/^time$/, 'time without time zone')
      .replace(/^timestamp$/, 'timestamp without time zone');

  it('has one table per SQL table but the SQL-only ones', () => {
    expect(sqlOnlyTables.every((table) => expectedTables.includes(table))).toBe(true);
    expect(drizzleTables.map((table) => getTableConfig(table).name).sort()).toEqual(expectedTables.filter((table) => !sqlOnlyTables.includes(table)));
  });

  it('has the same columns, types, nullability, defaults and primary keys', async () => {
    const rows = await t.db.sql.query<{
      table_name: string;
      column_name: string;
      type: string;
      not_null: boolean;
      has_default: boolean;
      is_pk: boolean;
    }>(
      `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
              a.attnotnull AS not_null, (a.atthasdef OR a.attidentity <> '') AS has_default,
              EXISTS (SELECT 1 FROM pg_constraint p WHERE p.conrelid = c.oid AND p.contype = 'p'
                      AND a.attnum = ANY (p.conkey)) AS is_pk
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
         AND c.relname NOT IN ('schema_migrations', 'workflow_schema_migrations') AND c.relname <> ALL ($1::text[])`,
      [sqlOnlyTables],
    );
    const line = (column: string, type: string, notNull: boolean, hasDefault: boolean, pk: boolean) =>
      `${column} ${type}${notNull ? ' not null' : ''}${hasDefault ? ' default' : ''}${pk ? ' pk' : ''}`;
    const fromDb = rows.map((r) => line(`${r.table_name}.${r.column_name}`, r.type, r.not_null, r.has_default, r.is_pk)).sort();
    const fromDrizzle = drizzleTables
      .flatMap((table) => {
        const config = getTableConfig(table);
        return config.columns.map((col) => {
          const hasDefault = col.hasDefault || col.generatedIdentity !== undefined;
          const type = normaliseType(col.getSQLType());
          return line(`${config.name}.${col.name}`, type, col.notNull || col.primary, hasDefault, col.primary);
        });
      })
      .sort();
    expect(fromDrizzle).toEqual(fromDb);
  });

  it('has the same foreign keys and ON DELETE actions', async () => {
    const rows = await t.db.sql.query<{ fk: string }>(
      `SELECT c.relname || '.' || a.attname || ' -> ' || fc.relname || '.' || fa.attname || ' ' ||
              CASE p.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
                                 WHEN 'n' THEN 'set null' ELSE 'set default' END AS fk
       FROM pg_constraint p
       JOIN pg_class c ON c.oid = p.conrelid JOIN pg_class fc ON fc.oid = p.confrelid
       JOIN pg_attribute a ON a.attrelid = p.conrelid AND a.attnum = p.conkey[1]
       JOIN pg_attribute fa ON fa.attrelid = p.confrelid AND fa.attnum = p.confkey[1]
       WHERE p.contype = 'f' AND c.relname <> ALL ($1::text[])`,
      [sqlOnlyTables],
    );
    const fromDrizzle = drizzleTables.flatMap((table) => {
      const config = getTableConfig(table);
      return config.foreignKeys.map((fk) => {
        const ref = fk.reference();
        const foreign = getTableConfig(ref.foreignTable).name;
        return `${config.name}.${ref.columns[0]?.name} -> ${foreign}.${ref.foreignColumns[0]?.name} ${fk.onDelete ?? 'no action'}`;
      });
    });
    expect(fromDrizzle.sort()).toEqual(rows.map((r) => r.fk).sort());
  });

  it('names the same unique constraints and indexes (exclusion constraints live only in SQL)', async () => {
    const rows = await t.db.sql.query<{ name: string }>(
      `SELECT i.indexname AS name FROM pg_indexes i
       WHERE i.schemaname = 'public' AND i.tablename NOT IN ('schema_migrations', 'workflow_schema_migrations') AND i.indexname NOT LIKE '%_pkey'
         AND i.tablename <> ALL ($1::text[])`,
      [sqlOnlyTables],
    );
    const sqlOnly = ['lessons_no_student_overlap', 'lessons_no_substitute_overlap', 'lessons_no_teacher_overlap'];
    const fromDrizzle = drizzleTables.flatMap((table) => {
      const config = getTableConfig(table);
      return [
        ...config.indexes.map((index) => index.config.name ?? '(unnamed)'),
        ...config.uniqueConstraints.map((unique) => unique.getName() ?? '(unnamed)'),
        ...config.columns.filter((col) => col.isUnique).map((col) => col.uniqueName ?? '(unnamed)'),
      ];
    });
    expect([...fromDrizzle, ...sqlOnly].sort()).toEqual(rows.map((r) => r.name).sort());
  });
});

describe('the ORM over the schema', () => {
  it('round-trips rows: instants as Date, calendar dates as YYYY-MM-DD, relations', async () => {
    const orm = t.db.orm;
    const [teacherUser] = await orm.insert(schema.users).values({ email: 'orm.teacher@example.com', firstName: 'Orm', lastName: 'Teacher', role: 'teacher' }).returning();
    const [teacher] = await orm
      .insert(schema.teachers)
      .values({ userId: teacherUser!.id, instruments: ['piano', 'voice'], hourlyRateCents: 6000 })
      .returning();
    const [parent] = await orm.insert(schema.users).values({ email: 'orm.parent@example.com', firstName: 'Orm', lastName: 'Parent', role: 'parent' }).returning();
    const [student] = await orm
      .insert(schema.students)
      .values({
        parentId: parent!.id,
        teacherId: teacher!.id,
        firstName: 'Orm',
        lastName: 'Student',
        dateOfBirth: '2015-05-05',
        instrument: 'piano',
        lessonRateCents: 4500,
      })
      .returning();
    expect(student).toMatchObject({ skillLevel: 'beginner', isActive: true, dateOfBirth: '2015-05-05' });
    expect(student!.enrollmentDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const at = new Date('2030-05-01T20:00:00Z');
    const [lesson] = await orm
      .insert(schema.lessons)
      .values({
        studentId: student!.id,
        teacherId: teacher!.id,
        scheduledAt: at,
        durationMinutes: 45,
        endsAt: new Date(at.getTime() + 45 * 60_000),
      })
      .returning();
    expect(lesson).toMatchObject({ status: 'scheduled', lessonType: 'regular', paymentStatus: 'pending' });

    const found = await orm.query.lessons.findFirst({
      where: eq(schema.lessons.id, lesson!.id),
      with: { student: { with: { parent: true } }, teacher: { with: { user: true } } },
    });
    expect(found?.scheduledAt).toEqual(at);
    expect(found?.endsAt.toISOString()).toBe('2030-05-01T20:45:00.000Z');
    expect(found?.createdAt).toBeInstanceOf(Date);
    expect(found?.student.dateOfBirth).toBe('2015-05-05');
    expect(found?.student.parent.email).toBe('orm.parent@example.com');
    expect(found?.teacher.instruments).toEqual(['piano', 'voice']);
    expect(found?.teacher.user.role).toBe('teacher');

    const [run] = await orm
      .insert(schema.workflowRuns)
      .values({ workflowName: 'enrollment', event: { studentId: student!.id }, idempotencyKey: 'orm-1' })
      .returning();
    expect(run).toMatchObject({ status: 'queued', attempt: 0, metadata: {}, event: { studentId: student!.id } });
    const [step] = await orm.insert(schema.workflowSteps).values({ runId: run!.id, nodeId: 'validate' }).returning();
    expect(typeof step!.id).toBe('number');
  });
});
