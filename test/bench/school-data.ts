import type { SqlClient } from '../../src/db/sql-client.js';

/**
 * A realistic school, bulk-inserted with set-based SQL (generate_series): 30 teachers (one main
 * instrument each, every tenth also voice) with weekday hours 15:00–20:00 and some Saturdays;
 * 300 families with 500 children; for each child a weekly 30-minute lesson at a fixed local time
 * for a school year of 38 weeks (12 behind, 26 ahead; past ones completed), skipping a winter break
 * — about 18,000 lessons. Local times are turned into instants by PostgreSQL's AT TIME ZONE, so
 * they keep their wall-clock time across DST like the application's own expansion.
 */
export interface SchoolShape {
  teachers: number;
  parents: number;
  students: number;
  weeks: number;
  zone: string;
  /** Monday (local date) of the first week of lessons. */
  firstMonday: string;
}

const instruments = ['piano', 'guitar', 'violin', 'voice', 'drums'];

export async function generateSchool(sql: SqlClient, shape: SchoolShape): Promise<{ lessons: number }> {
  await sql.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO users (email, first_name, last_name, role)
       SELECT 'teacher' || g || '@bench.example', 'Teacher', 'Number' || g, 'teacher' FROM generate_series(1, $1::int) g`,
      [shape.teachers],
    );
    await tx.query(
      `INSERT INTO teachers (user_id, instruments, hourly_rate_cents, max_students)
       SELECT u.id,
              CASE WHEN n % 10 = 0 THEN ARRAY[($1::text[])[n % 5 + 1], 'voice'] ELSE ARRAY[($1::text[])[n % 5 + 1]] END,
              5000 + (n % 7) * 500, 30
       FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM users WHERE role = 'teacher') u`,
      [instruments],
    );
    await tx.query(`INSERT INTO teacher_availability (teacher_id, weekday, start_time, end_time)
                    SELECT t.id, d, '15:00', '20:00' FROM teachers t, generate_series(1, 5) d`);
    await tx.query(`INSERT INTO teacher_availability (teacher_id, weekday, start_time, end_time)
                    SELECT t.id, 6, '09:00', '13:00' FROM teachers t WHERE t.id % 2 = 1`);
    await tx.query(
      `INSERT INTO users (email, first_name, last_name, role)
       SELECT 'parent' || g || '@bench.example', 'Parent', 'Family' || g, 'parent' FROM generate_series(1, $1::int) g`,
      [shape.parents],
    );
    await tx.query(
      `WITH p AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM users WHERE role = 'parent'),
            t AS (SELECT id, instruments[1] AS instrument, row_number() OVER (ORDER BY id) - 1 AS n FROM teachers)
       INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents, enrollment_date)
       SELECT p.id, t.id, 'Child' || g, 'Family' || (g % $2::int + 1), DATE '2011-01-01' + (g * 7) % 3000, t.instrument, 4500, DATE '2025-08-15'
       FROM generate_series(0, $1::int - 1) g JOIN p ON p.n = g % $2::int JOIN t ON t.n = g % $3::int`,
      [shape.students, shape.parents, shape.teachers],
    );
    await tx.query(`INSERT INTO closures (name, starts_on, ends_on) VALUES ('Winter break', $1::date + 7 * 16, $1::date + 7 * 16 + 9)`, [shape.firstMonday]);
    // The k-th child of a teacher: weekday k mod 5 (Mon–Fri), 15:00 + 30 min × (k div 5).
    await tx.query(
      `WITH s AS (SELECT id, teacher_id, gen_random_uuid() AS series,
                         row_number() OVER (PARTITION BY teacher_id ORDER BY id) - 1 AS k FROM students),
            occ AS (SELECT s.id, s.teacher_id, s.series, $1::date + w * 7 + (s.k % 5)::int AS day, s.k
                    FROM s CROSS JOIN generate_series(0, $2::int - 1) w)
       INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at, status, lesson_type, series_id)
       SELECT occ.id, occ.teacher_id, x.at, 30, x.at + interval '30 minutes',
              CASE WHEN x.at < now() THEN 'completed' ELSE 'scheduled' END, 'regular', occ.series
       FROM occ
       CROSS JOIN LATERAL (SELECT ((occ.day + time '15:00') + (occ.k / 5) * interval '30 minutes') AT TIME ZONE $3 AS at) x
       WHERE NOT EXISTS (SELECT 1 FROM closures c WHERE occ.day BETWEEN c.starts_on AND c.ends_on)`,
      [shape.firstMonday, shape.weeks, shape.zone],
    );
  });
  await sql.exec('ANALYZE');
  const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM lessons');
  return { lessons: row!.n };
}
