import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../../test/helpers/db.js';
import type { SqlExecutor } from './sql-client.js';

/** The SQLSTATE and constraint name of a failed statement (PGlite and node-postgres both expose them). */
async function pgError(work: Promise<unknown>): Promise<{ code: string | undefined; constraint: string | undefined }> {
  try {
    await work;
  } catch (error) {
    const e = error as { code?: string; constraint?: string };
    return { code: e.code, constraint: e.constraint };
  }
  throw new Error('expected the statement to fail');
}

let seq = 0;
const unique = (label: string) => `${label}-${process.pid}-${++seq}`;

async function createParent(sql: SqlExecutor): Promise<number> {
  const [row] = await sql.query<{ id: number }>(`INSERT INTO users (email, first_name, last_name, role) VALUES ($1, 'Pat', 'Parent', 'parent') RETURNING id`, [
    `${unique('parent')}@example.com`,
  ]);
  return row!.id;
}

async function createTeacher(sql: SqlExecutor): Promise<number> {
  const [user] = await sql.query<{ id: number }>(`INSERT INTO users (email, first_name, last_name, role) VALUES ($1, 'Tess', 'Teacher', 'teacher') RETURNING id`, [
    `${unique('teacher')}@example.com`,
  ]);
  const [row] = await sql.query<{ id: number }>(`INSERT INTO teachers (user_id, instruments, hourly_rate_cents) VALUES ($1, '{piano}', 6000) RETURNING id`, [user!.id]);
  return row!.id;
}

async function createStudent(sql: SqlExecutor, parentId?: number): Promise<number> {
  const parent = parentId ?? (await createParent(sql));
  const [row] = await sql.query<{ id: number }>(
    `INSERT INTO students (parent_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
     VALUES ($1, 'Sam', 'Student', '2015-03-01', 'piano', 4500) RETURNING id`,
    [parent],
  );
  return row!.id;
}

/** Inserts a lesson; ends_at is derived from scheduled_at + duration like the application does. */
function insertLesson(sql: SqlExecutor, lesson: { teacherId: number; studentId: number; at: string; minutes?: number; status?: string }) {
  return sql.query<{ id: number }>(
    `INSERT INTO lessons (teacher_id, student_id, scheduled_at, duration_minutes, ends_at, status)
     VALUES ($1, $2, $3::timestamptz, $4::int, $3::timestamptz + make_interval(mins => $4::int), $5) RETURNING id`,
    [lesson.teacherId, lesson.studentId, lesson.at, lesson.minutes ?? 30, lesson.status ?? 'scheduled'],
  );
}

describe('the database refuses double bookings', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('rejects two overlapping lessons for one teacher (23P01, lessons_no_teacher_overlap)', async () => {
    const sql = t.db.sql;
    const teacherId = await createTeacher(sql);
    await insertLesson(sql, { teacherId, studentId: await createStudent(sql), at: '2030-01-07T20:00:00Z' });
    const error = await pgError(insertLesson(sql, { teacherId, studentId: await createStudent(sql), at: '2030-01-07T20:15:00Z' }));
    expect(error).toEqual({ code: '23P01', constraint: 'lessons_no_teacher_overlap' });
    // A lesson that contains another is an overlap too.
    const containing = await pgError(insertLesson(sql, { teacherId, studentId: await createStudent(sql), at: '2030-01-07T19:30:00Z', minutes: 120 }));
    expect(containing.code).toBe('23P01');
  });

  it('rejects two overlapping lessons for one student (23P01, lessons_no_student_overlap)', async () => {
    const sql = t.db.sql;
    const studentId = await createStudent(sql);
    await insertLesson(sql, { teacherId: await createTeacher(sql), studentId, at: '2030-01-08T20:00:00Z', minutes: 60 });
    const error = await pgError(insertLesson(sql, { teacherId: await createTeacher(sql), studentId, at: '2030-01-08T20:59:00Z' }));
    expect(error).toEqual({ code: '23P01', constraint: 'lessons_no_student_overlap' });
  });

  it('accepts back-to-back lessons', async () => {
    const sql = t.db.sql;
    const teacherId = await createTeacher(sql);
    const studentId = await createStudent(sql);
    await insertLesson(sql, { teacherId, studentId, at: '2030-01-09T20:00:00Z' });
    await insertLesson(sql, { teacherId, studentId, at: '2030-01-09T20:30:00Z' });
    await insertLesson(sql, { teacherId, studentId, at: '2030-01-09T19:30:00Z' });
    const rows = await sql.query('SELECT 1 FROM lessons WHERE teacher_id = $1', [teacherId]);
    expect(rows).toHaveLength(3);
  });

  it('lets cancelled and rescheduled lessons be overlapped, and refuses to revive an overlapped one', async () => {
    const sql = t.db.sql;
    const teacherId = await createTeacher(sql);
    const studentId = await createStudent(sql);
    const [cancelled] = await insertLesson(sql, { teacherId, studentId, at: '2030-01-10T20:00:00Z' });
    await sql.query(`UPDATE lessons SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [cancelled!.id]);
    await insertLesson(sql, { teacherId, studentId, at: '2030-01-10T19:45:00Z', status: 'rescheduled' });
    await insertLesson(sql, { teacherId, studentId, at: '2030-01-10T20:10:00Z' });
    const revived = await pgError(sql.query(`UPDATE lessons SET status = 'scheduled' WHERE id = $1`, [cancelled!.id]));
    expect(revived.code).toBe('23P01');
    // A completed lesson still occupies its time.
    await sql.query(`UPDATE lessons SET status = 'completed' WHERE teacher_id = $1 AND status = 'scheduled'`, [teacherId]);
    const overCompleted = await pgError(insertLesson(sql, { teacherId, studentId: await createStudent(sql), at: '2030-01-10T20:20:00Z' }));
    expect(overCompleted.code).toBe('23P01');
  });

  it('rejects an ends_at that does not match scheduled_at + duration', async () => {
    const error = await pgError(
      t.db.sql.query(
        `INSERT INTO lessons (teacher_id, student_id, scheduled_at, duration_minutes, ends_at)
         VALUES ($1, $2, '2030-01-11T20:00:00Z', 30, '2030-01-11T20:45:00Z')`,
        [await createTeacher(t.db.sql), await createStudent(t.db.sql)],
      ),
    );
    expect(error).toEqual({ code: '23514', constraint: 'lessons_ends_at_check' });
  });
});

describe('CHECK and UNIQUE constraints', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('rejects a teacher rate out of 3000–20000 cents, max_students out of 1–50, no instruments', async () => {
    const sql = t.db.sql;
    const [user] = await sql.query<{ id: number }>(`INSERT INTO users (email, first_name, last_name, role) VALUES ('t1@example.com', 'T', 'One', 'teacher') RETURNING id`);
    const insert = (rate: number, max = 30, instruments = '{piano}') =>
      sql.query('INSERT INTO teachers (user_id, instruments, hourly_rate_cents, max_students) VALUES ($1, $2, $3, $4)', [user!.id, instruments, rate, max]);
    expect(await pgError(insert(2999))).toEqual({ code: '23514', constraint: 'teachers_hourly_rate_cents_check' });
    expect(await pgError(insert(20001))).toEqual({ code: '23514', constraint: 'teachers_hourly_rate_cents_check' });
    expect((await pgError(insert(5000, 51))).constraint).toBe('teachers_max_students_check');
    expect((await pgError(insert(5000, 0))).constraint).toBe('teachers_max_students_check');
    expect((await pgError(insert(5000, 30, '{}'))).constraint).toBe('teachers_instruments_check');
    expect((await pgError(insert(5000, 30, '{""}'))).constraint).toBe('teachers_instruments_check');
    await insert(3000);
  });

  it('rejects a student lesson rate out of range and an empty instrument', async () => {
    const sql = t.db.sql;
    const parentId = await createParent(sql);
    const insert = (rate: number, instrument = 'cello') =>
      sql.query(
        `INSERT INTO students (parent_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
         VALUES ($1, 'A', 'B', '2016-01-01', $2, $3)`,
        [parentId, instrument, rate],
      );
    expect(await pgError(insert(2999))).toEqual({ code: '23514', constraint: 'students_lesson_rate_cents_check' });
    expect(await pgError(insert(20001))).toEqual({ code: '23514', constraint: 'students_lesson_rate_cents_check' });
    expect((await pgError(insert(4500, ' '))).constraint).toBe('students_instrument_check');
    await insert(20000, 'cello'); // instruments are not a fixed list
  });

  it('rejects a lesson duration outside 15–120 minutes', async () => {
    const sql = t.db.sql;
    const teacherId = await createTeacher(sql);
    const studentId = await createStudent(sql);
    for (const minutes of [14, 121, 0]) {
      const error = await pgError(insertLesson(sql, { teacherId, studentId, at: '2030-02-01T20:00:00Z', minutes }));
      expect(error).toEqual({ code: '23514', constraint: 'lessons_duration_minutes_check' });
    }
    await insertLesson(sql, { teacherId, studentId, at: '2030-02-01T20:00:00Z', minutes: 120 });
    await insertLesson(sql, { teacherId, studentId, at: '2030-02-01T22:00:00Z', minutes: 15 });
  });

  it('rejects a zero or negative payment, a bad currency and an over-refund', async () => {
    const sql = t.db.sql;
    const parentId = await createParent(sql);
    const insert = (amount: number, currency = 'CAD', refunded = 0) =>
      sql.query(`INSERT INTO payments (parent_id, amount_cents, currency, method, refunded_cents) VALUES ($1, $2, $3, 'card', $4)`, [parentId, amount, currency, refunded]);
    expect(await pgError(insert(0))).toEqual({ code: '23514', constraint: 'payments_amount_cents_check' });
    expect(await pgError(insert(-4500))).toEqual({ code: '23514', constraint: 'payments_amount_cents_check' });
    expect((await pgError(insert(4500, 'cad'))).constraint).toBe('payments_currency_check');
    expect((await pgError(insert(4500, 'CAD', 4501))).constraint).toBe('payments_refunded_cents_check');
    expect((await pgError(insert(4500, 'CAD', -1))).constraint).toBe('payments_refunded_cents_check');
    await insert(4500, 'CAD', 4500);
  });

  it('rejects a bad role and a duplicate e-mail in another case', async () => {
    const sql = t.db.sql;
    const insert = (email: string, role: string) => sql.query(`INSERT INTO users (email, first_name, last_name, role) VALUES ($1, 'A', 'B', $2)`, [email, role]);
    expect(await pgError(insert('student@example.com', 'student'))).toEqual({
      code: '23514',
      constraint: 'users_role_check',
    });
    await insert('Case@Example.com', 'parent');
    expect(await pgError(insert('case@example.COM', 'parent'))).toEqual({
      code: '23505',
      constraint: 'users_email_lower_key',
    });
  });

  it('rejects bad teacher hours, a backwards time off and an inverted closure', async () => {
    const sql = t.db.sql;
    const teacherId = await createTeacher(sql);
    const hours = (weekday: number, start: string, end: string) =>
      sql.query('INSERT INTO teacher_availability (teacher_id, weekday, start_time, end_time) VALUES ($1, $2, $3, $4)', [teacherId, weekday, start, end]);
    expect((await pgError(hours(0, '15:00', '18:00'))).constraint).toBe('teacher_availability_weekday_check');
    expect((await pgError(hours(8, '15:00', '18:00'))).constraint).toBe('teacher_availability_weekday_check');
    expect((await pgError(hours(1, '18:00', '18:00'))).constraint).toBe('teacher_availability_time_check');
    await hours(7, '10:00', '12:00');
    expect((await pgError(hours(7, '10:00', '13:00'))).code).toBe('23505');
    const timeOff = await pgError(sql.query(`INSERT INTO teacher_time_off (teacher_id, starts_at, ends_at) VALUES ($1, '2030-01-02', '2030-01-01')`, [teacherId]));
    expect(timeOff.constraint).toBe('teacher_time_off_range_check');
    const closure = await pgError(sql.query(`INSERT INTO closures (name, starts_on, ends_on) VALUES ('Oops', '2030-01-02', '2030-01-01')`));
    expect(closure.constraint).toBe('closures_range_check');
  });

  it('keeps workflow idempotency keys unique per workflow and cascades steps with their run', async () => {
    const sql = t.db.sql;
    const insertRun = (name: string, key: string | null) =>
      sql.query<{ id: string }>(`INSERT INTO workflow_runs (workflow_name, idempotency_key) VALUES ($1, $2) RETURNING id`, [name, key]);
    const [run] = await insertRun('enrollment', 'key-1');
    await insertRun('payment', 'key-1');
    await insertRun('enrollment', null);
    await insertRun('enrollment', null);
    expect(await pgError(insertRun('enrollment', 'key-1'))).toEqual({
      code: '23505',
      constraint: 'workflow_runs_idempotency_key',
    });
    await sql.query(`INSERT INTO workflow_steps (run_id, node_id, kind, attempt) VALUES ($1, 'validate', 'process', 1)`, [run!.id]);
    expect((await pgError(sql.query(`INSERT INTO workflow_steps (run_id, node_id, kind, attempt) VALUES ($1, 'validate', 'process', 1)`, [run!.id]))).constraint).toBe(
      'workflow_steps_attempt_key',
    );
    expect((await pgError(sql.query(`UPDATE workflow_runs SET status = 'done' WHERE id = $1`, [run!.id]))).constraint).toBe('workflow_runs_status_check');
    await sql.query('DELETE FROM workflow_runs WHERE id = $1', [run!.id]);
    expect(await sql.query('SELECT 1 FROM workflow_steps WHERE run_id = $1', [run!.id])).toHaveLength(0);
  });

  it('keeps a parent with payments from being deleted, and a teacher with lessons', async () => {
    const sql = t.db.sql;
    const parentId = await createParent(sql);
    await sql.query(`INSERT INTO payments (parent_id, amount_cents, method) VALUES ($1, 4500, 'cash')`, [parentId]);
    expect((await pgError(sql.query('DELETE FROM users WHERE id = $1', [parentId]))).code).toBe('23503');
    const teacherId = await createTeacher(sql);
    await insertLesson(sql, { teacherId, studentId: await createStudent(sql), at: '2030-03-01T20:00:00Z' });
    expect((await pgError(sql.query('DELETE FROM teachers WHERE id = $1', [teacherId]))).code).toBe('23503');
  });
});

describe.runIf(onRealPostgres)('double booking under concurrency (real PostgreSQL)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ poolSize: 20 });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  /** Runs the inserts in parallel transactions that stay open a moment, so they truly overlap. */
  async function race(inserts: Array<(tx: SqlExecutor) => Promise<unknown>>) {
    const results = await Promise.allSettled(
      inserts.map((insert) =>
        t.db.sql.transaction(async (tx) => {
          await insert(tx);
          await tx.query('SELECT pg_sleep(0.05)');
        }),
      ),
    );
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    return {
      succeeded: results.length - failures.length,
      failures: failures.map((f) => f.reason as { code?: string; constraint?: string }),
    };
  }

  it('lets exactly one of 20 parallel overlapping lessons for one teacher in', async () => {
    const sql = t.db.sql;
    const teacherId = await createTeacher(sql);
    const students = await Promise.all(Array.from({ length: 20 }, () => createStudent(sql)));
    const { succeeded, failures } = await race(
      // Starts a minute apart, each 30 minutes long: every pair overlaps.
      students.map((studentId, i) => (tx) => {
        const at = `2030-04-01T20:${String(i).padStart(2, '0')}:00Z`;
        return insertLesson(tx, { teacherId, studentId, at });
      }),
    );
    expect(succeeded).toBe(1);
    expect(failures).toHaveLength(19);
    for (const failure of failures) {
      expect({ code: failure.code, constraint: failure.constraint }).toEqual({
        code: '23P01',
        constraint: 'lessons_no_teacher_overlap',
      });
    }
    const rows = await sql.query('SELECT 1 FROM lessons WHERE teacher_id = $1', [teacherId]);
    expect(rows).toHaveLength(1);
  });

  it('lets exactly one of 20 parallel overlapping lessons for one student in', async () => {
    const sql = t.db.sql;
    const studentId = await createStudent(sql);
    const teachers = await Promise.all(Array.from({ length: 20 }, () => createTeacher(sql)));
    const { succeeded, failures } = await race(teachers.map((teacherId) => (tx) => insertLesson(tx, { teacherId, studentId, at: '2030-04-02T20:00:00Z' })));
    expect(succeeded).toBe(1);
    expect(failures.map((f) => `${f.code} ${f.constraint}`)).toEqual(Array.from({ length: 19 }, () => '23P01 lessons_no_student_overlap'));
  });
});
