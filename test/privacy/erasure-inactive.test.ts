/**
 * anonymiseInactiveFamilies (for the retention purge): families with no lesson, payment or
 * sign-in since the cutoff and nothing owed are closed and anonymised; others are left alone;
 * a dry run changes nothing; a second run finds no one again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymiseInactiveFamilies } from '../../src/modules/privacy/erasure/inactive.js';
import { createUser } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
});

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => database.db.sql.query<T>(text, params);

describe('anonymiseInactiveFamilies', () => {
  it('erases the families inactive since the cutoff that owe nothing, and only them', async () => {
    const teacher = await createUser(database.db, 'teacher');
    const family = async (name: string, lessonDaysAgo: number) => {
      const parent = await createUser(database.db, 'parent', { firstName: name });
      await sql(`UPDATE users SET created_at = now() - interval '3 years', last_login_at = now() - interval '800 days' WHERE id = $1`, [parent.id]);
      const [student] = await sql<{ id: number }>(
        `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents, enrollment_date)
         VALUES ($1, $2, $3, 'Family', '2012-01-02', 'piano', 4500, '2020-01-01') RETURNING id`,
        [parent.id, teacher.teacherId, `${name}Kid`],
      );
      await sql(
        `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at, status, notes)
         VALUES ($1, $2, now() - make_interval(days => $3), 30, now() - make_interval(days => $3) + interval '30 minutes', $4, $5)`,
        [student!.id, teacher.teacherId, lessonDaysAgo, lessonDaysAgo > 0 ? 'completed' : 'scheduled', `${name}Kid practised`],
      );
      return parent;
    };
    const gone = await family('Wilhelmina', 900);
    const active = await family('Bartholomew', -7); // a lesson next week
    const owing = await family('Cornelius', 901);
    await sql(`INSERT INTO payments (parent_id, amount_cents, status, created_at) VALUES ($1, 4500, 'failed', now() - interval '900 days')`, [owing.id]);
    const cutoff = new Date(Date.now() - 730 * 86_400_000);

    expect(await anonymiseInactiveFamilies(database.db.sql, cutoff, true)).toEqual({ count: 1 });
    expect(await sql(`SELECT 1 FROM users WHERE first_name = 'Wilhelmina'`)).toHaveLength(1);

    expect(await anonymiseInactiveFamilies(database.db.sql, cutoff, false)).toEqual({ count: 1 });
    const users = await sql<{ id: number; first_name: string; is_active: boolean }>('SELECT id, first_name, is_active FROM users WHERE id = ANY($1::int[]) ORDER BY id', [
      [gone.id, active.id, owing.id],
    ]);
    expect(users).toEqual([
      { id: gone.id, first_name: 'Erased', is_active: false },
      { id: active.id, first_name: 'Bartholomew', is_active: true },
      { id: owing.id, first_name: 'Cornelius', is_active: true },
    ]);
    expect(await sql(`SELECT 1 FROM lessons WHERE notes LIKE 'Wilhelmina%' UNION ALL SELECT 1 FROM students WHERE first_name LIKE 'Wilhelmina%'`)).toHaveLength(0);
    const [request] = await sql<{ status: string }>('SELECT status FROM erasure_requests WHERE user_id = $1', [gone.id]);
    expect(request).toEqual({ status: 'completed' });

    expect(await anonymiseInactiveFamilies(database.db.sql, cutoff, false)).toEqual({ count: 0 });
  });
});
