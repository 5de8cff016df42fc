/**
 * asCallerWithin: row-level security as the caller inside a transaction that is already open
 * (txOpener's, as the workflow engine's ctx.transaction): the role and claims hold for `work`
 * only; a statement refused inside it leaves the transaction usable; a transaction already
 * running as another role is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { txOpener } from '../../src/db/transactions.js';
import { asCallerWithin } from '../../src/modules/auth/scoped.js';
import { insertStudent } from '../scheduling/helpers.js';
import { createUser } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let database: TestDatabase;
let parent: { id: number }, otherParent: { id: number };
let child: number, otherChild: number;

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  [parent, otherParent] = await Promise.all([createUser(db, 'parent'), createUser(db, 'parent')]);
  child = await insertStudent(db, parent.id, null);
  otherChild = await insertStudent(db, otherParent.id, null, { name: 'Noah' });
});
afterAll(async () => {
  await database?.dispose();
});

const studentIds = async (sql: { query<R>(text: string): Promise<R[]> }) => (await sql.query<{ id: number }>('SELECT id FROM students ORDER BY id')).map((r) => r.id);

describe('asCallerWithin', () => {
  it('applies the caller’s row-level security to its work only, and keeps its writes', async () => {
    const open = txOpener(database.db);
    const seen = await open(async (tx) => {
      const inside = await asCallerWithin(tx, { userId: parent.id, role: 'parent' }, () => studentIds(tx.sql));
      // A parent may not change students: the policies leave the UPDATE no row. An admin may.
      await asCallerWithin(tx, { userId: parent.id, role: 'parent' }, () => tx.sql.query(`UPDATE students SET notes = 'parent' WHERE id = $1`, [otherChild]));
      await asCallerWithin(tx, { userId: 0, role: 'admin' }, () => tx.sql.query(`UPDATE students SET notes = 'seen' WHERE id = $1`, [child]));
      const [who] = await tx.sql.query<{ role: string; claims: string }>(`SELECT current_setting('role') AS role, current_setting('request.jwt.claims', true) AS claims`);
      return { inside, after: await studentIds(tx.sql), who };
    });
    expect(seen.inside).toEqual([child]);
    expect(seen.after).toEqual(expect.arrayContaining([child, otherChild]));
    expect(seen.who).toEqual({ role: 'none', claims: '' });
    // Each caller's update reached only the rows its policies allow, and it was committed.
    const notes = await database.db.sql.query<{ id: number; notes: string | null }>('SELECT id, notes FROM students WHERE id = ANY($1::int[]) ORDER BY id', [[child, otherChild]]);
    expect(notes).toEqual([
      { id: child, notes: 'seen' },
      { id: otherChild, notes: null },
    ]);
  });

  it('rolls back only its savepoint when a statement fails, and the transaction goes on', async () => {
    const open = txOpener(database.db);
    const after = await open(async (tx) => {
      const failed = asCallerWithin(tx, { userId: 0, role: 'admin' }, async () => {
        await tx.sql.query(`UPDATE students SET notes = 'half' WHERE id = $1`, [child]);
        await tx.sql.query('SELECT 1 / 0');
      });
      await expect(failed).rejects.toMatchObject({ code: '22012' });
      return tx.sql.query<{ notes: string | null; role: string }>(`SELECT notes, current_setting('role') AS role FROM students WHERE id = $1`, [child]);
    });
    expect(after).toEqual([{ notes: 'seen', role: 'none' }]);
  });

  it('refuses a transaction that already runs as another role', async () => {
    const open = txOpener(database.db);
    const run = open(async (tx) => {
      await tx.sql.exec(`SELECT set_config('role', 'cedar_app', true)`);
      await asCallerWithin(tx, { userId: parent.id, role: 'parent' }, async () => undefined);
    });
    await expect(run).rejects.toThrow(/already runs as role cedar_app/);
  });
});
