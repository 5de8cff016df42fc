import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCaller, type Caller } from '../../src/modules/auth/scoped.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../helpers/db.js';
import { createTwoFamilies, type TwoFamilies } from './fixtures.js';

/**
 * Row-level security alone: these queries have no WHERE at all (the application filter "removed"),
 * and run as the caller through asCaller. Whatever comes back is what the policies let through.
 */
describe(`row-level security alone blocks cross-family reads (${onRealPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  let database: TestDatabase;
  let f: TwoFamilies;

  beforeAll(async () => {
    database = await createTestDatabase();
    f = await createTwoFamilies(database.db);
  });
  afterAll(async () => database.dispose());

  /** The database error under drizzle's "Failed query" wrapper. */
  const failure = async (work: Promise<unknown>): Promise<{ code: string; message: string }> => {
    try {
      await work;
    } catch (error) {
      const cause = ((error as { cause?: unknown }).cause ?? error) as { code?: string; message?: string };
      return { code: String(cause.code), message: String(cause.message) };
    }
    throw new Error('expected the statement to fail');
  };

  const callerOf = (user: { id: number; role: Caller['role'] }): Caller => ({ userId: user.id, role: user.role });

  /** Ids of every row of `table` that `user` can see with a bare SELECT. */
  const visible = async (user: { id: number; role: Caller['role'] }, table: 'students' | 'lessons' | 'payments' | 'users' | 'outbox' | 'audit_log') => {
    const result = await asCaller(database.db, callerOf(user), (tx) => tx.execute(sql`SELECT * FROM ${sql.identifier(table)}`));
    return (result as unknown as { rows: Array<{ id: number }> }).rows.map((row) => Number(row.id)).sort((a, b) => a - b);
  };

  it('the control: without a caller (the owner) every row is there', async () => {
    const [row] = await database.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM students');
    expect(row!.n).toBe(2);
    expect(await database.db.sql.query('SELECT id FROM lessons')).toHaveLength(2);
    expect(await database.db.sql.query('SELECT id FROM payments')).toHaveLength(2);
  });

  it('asCaller really runs as cedar_app with the caller in request.jwt.claims', async () => {
    const result = await asCaller(database.db, callerOf(f.parentA), (tx) => tx.execute(sql`SELECT current_user AS role, app.uid() AS uid, app.role() AS app_role`));
    expect((result as unknown as { rows: unknown[] }).rows[0]).toEqual({ role: 'cedar_app', uid: f.parentA.id, app_role: 'parent' });
  });

  it('a parent sees only their own children, their lessons and their payments', async () => {
    expect(await visible(f.parentA, 'students')).toEqual([f.childA]);
    expect(await visible(f.parentA, 'lessons')).toEqual([f.lessonA]);
    expect(await visible(f.parentA, 'payments')).toEqual([f.paymentA]);
    expect(await visible(f.parentB, 'students')).toEqual([f.childB]);
    expect(await visible(f.parentB, 'lessons')).toEqual([f.lessonB]);
    expect(await visible(f.parentB, 'payments')).toEqual([f.paymentB]);
  });

  it("a parent sees no other parent's account, nor the outbox or the audit log", async () => {
    const users = await visible(f.parentA, 'users');
    expect(users).toContain(f.parentA.id);
    expect(users).not.toContain(f.parentB.id);
    expect(users).not.toContain(f.admin.id);
    await database.db.sql.query(`INSERT INTO outbox (channel, recipient, template) VALUES ('email', $1, 'x')`, [f.parentA.email]);
    await database.db.sql.query(`INSERT INTO audit_log (action, entity) VALUES ('create', 'student')`);
    expect(await visible(f.parentA, 'outbox')).toEqual([]);
    expect(await visible(f.parentA, 'audit_log')).toEqual([]);
    expect(await visible(f.admin, 'outbox')).toHaveLength(1);
  });

  it('a teacher sees only assigned students and their own lessons, no payments', async () => {
    expect(await visible(f.teacherA, 'students')).toEqual([f.childA]);
    expect(await visible(f.teacherA, 'lessons')).toEqual([f.lessonA]);
    expect(await visible(f.teacherA, 'payments')).toEqual([]);
    expect(await visible(f.teacherB, 'students')).toEqual([f.childB]);
    expect(await visible(f.teacherB, 'lessons')).toEqual([f.lessonB]);
    // A teacher sees the parents of their students, not the others.
    const users = await visible(f.teacherA, 'users');
    expect(users).toContain(f.parentA.id);
    expect(users).not.toContain(f.parentB.id);
  });

  it('an admin sees everything', async () => {
    expect(await visible(f.admin, 'students')).toEqual([f.childA, f.childB].sort((a, b) => a - b));
    expect(await visible(f.admin, 'lessons')).toEqual([f.lessonA, f.lessonB].sort((a, b) => a - b));
    expect(await visible(f.admin, 'payments')).toEqual([f.paymentA, f.paymentB].sort((a, b) => a - b));
  });

  it("a parent's UPDATE of another family's lesson changes 0 rows, and a bare UPDATE only touches their own", async () => {
    const targeted = await asCaller(database.db, callerOf(f.parentA), (tx) => tx.execute(sql`UPDATE lessons SET notes = 'changed by A' WHERE id = ${f.lessonB} RETURNING id`));
    expect((targeted as unknown as { rows: unknown[] }).rows).toHaveLength(0);
    const bare = await asCaller(database.db, callerOf(f.parentA), (tx) => tx.execute(sql`UPDATE lessons SET notes = 'changed by A' RETURNING id`));
    expect((bare as unknown as { rows: Array<{ id: number }> }).rows.map((r) => r.id)).toEqual([f.lessonA]);
    const [b] = await database.db.sql.query<{ notes: string }>('SELECT notes FROM lessons WHERE id = $1', [f.lessonB]);
    expect(b!.notes).toBe(`lesson note ${f.childB}`);
  });

  it('a parent can neither delete students nor write payments', async () => {
    const deleted = await asCaller(database.db, callerOf(f.parentB), (tx) => tx.execute(sql`DELETE FROM students RETURNING id`));
    expect((deleted as unknown as { rows: unknown[] }).rows).toHaveLength(0);
    const insert = await failure(
      asCaller(database.db, callerOf(f.parentB), (tx) => tx.execute(sql`INSERT INTO payments (parent_id, amount_cents, status) VALUES (${f.parentA.id}, 100, 'succeeded')`)),
    );
    expect(insert.code).toBe('42501');
    expect(insert.message).toMatch(/row-level security/);
    const updated = await asCaller(database.db, callerOf(f.parentB), (tx) => tx.execute(sql`UPDATE payments SET status = 'refunded' RETURNING id`));
    expect((updated as unknown as { rows: unknown[] }).rows).toHaveLength(0);
    expect(await database.db.sql.query('SELECT id FROM students')).toHaveLength(2);
  });

  it('refresh and reset token tables are out of reach of request queries altogether', async () => {
    for (const table of ['refresh_tokens', 'password_reset_tokens']) {
      const denied = await failure(asCaller(database.db, callerOf(f.admin), (tx) => tx.execute(sql`SELECT * FROM ${sql.identifier(table)}`)));
      expect(denied).toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied/) });
    }
  });
});
