import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.js';
import { hashPassword, passwordNeedsRehash, verifyPassword } from '../modules/auth/passwords.js';
import { DEMO_PASSWORD, seedDatabase } from './index.js';
import { upcomingWeeklyStarts } from './demo.js';
import type { SqlExecutor } from '../db/sql-client.js';

const zone = 'America/Halifax';
const adminEmail = 'Admin@CedarHeights.local';

const tables = ['users', 'teachers', 'teacher_availability', 'students', 'lessons', 'academic_years', 'semesters', 'closures', 'settings', 'consents'];

async function rowCounts(sql: SqlExecutor): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = row?.n ?? -1;
  }
  return counts;
}

async function adminRow(sql: SqlExecutor) {
  const [row] = await sql.query<{ id: number; role: string; password_hash: string; email: string }>(
    `SELECT id, role, password_hash, email FROM users WHERE lower(email) = lower($1)`,
    [adminEmail],
  );
  return row;
}

describe('seedDatabase with the demo school', () => {
  let t: TestDatabase;
  let first: Awaited<ReturnType<typeof seedDatabase>>;
  beforeAll(async () => {
    t = await createTestDatabase();
    first = await seedDatabase(t.db, { adminEmail, timezone: zone, demo: true });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('creates the admin with a generated strong password that verifies', async () => {
    expect(first.adminCreated).toBe(true);
    expect(first.demoSeeded).toBe(true);
    const password = first.generatedAdminPassword ?? '';
    expect(password.length).toBeGreaterThanOrEqual(16);
    const admin = await adminRow(t.db.sql);
    expect(admin?.role).toBe('admin');
    expect(admin?.email).toBe('admin@cedarheights.local');
    expect(admin?.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(admin!.password_hash, password)).toBe(true);
    expect(await verifyPassword(admin!.password_hash, DEMO_PASSWORD)).toBe(false);
  });

  it('creates teachers covering the five instruments, with weekly hours', async () => {
    const teachers = await t.db.sql.query<{ instruments: string[]; hours: number; role: string }>(
      `SELECT t.instruments, u.role, (SELECT count(*)::int FROM teacher_availability a WHERE a.teacher_id = t.id) AS hours
       FROM teachers t JOIN users u ON u.id = t.user_id`,
    );
    expect(teachers.length).toBeGreaterThanOrEqual(3);
    expect(new Set(teachers.flatMap((r) => r.instruments))).toEqual(new Set(['piano', 'guitar', 'violin', 'voice', 'drums']));
    for (const teacher of teachers) {
      expect(teacher.role).toBe('teacher');
      expect(teacher.hours).toBeGreaterThanOrEqual(2);
    }
    const saturday = await t.db.sql.query(`SELECT 1 FROM teacher_availability WHERE weekday = 6 AND start_time < '12:00'`);
    expect(saturday.length).toBeGreaterThan(0);
  });

  it('creates 3–4 families with phones and 1–3 children aged 6–17, each with a teacher and a rate', async () => {
    const families = await t.db.sql.query<{ phone: string | null; children: number }>(
      `SELECT u.phone, count(s.id)::int AS children FROM users u JOIN students s ON s.parent_id = u.id
       WHERE u.role = 'parent' GROUP BY u.id, u.phone`,
    );
    expect(families.length).toBeGreaterThanOrEqual(3);
    expect(families.length).toBeLessThanOrEqual(4);
    for (const family of families) {
      expect(family.phone).toMatch(/^\+1\d{10}$/);
      expect(family.children).toBeGreaterThanOrEqual(1);
      expect(family.children).toBeLessThanOrEqual(3);
    }
    const students = await t.db.sql.query<{ age: number; teacher_id: number | null; rate: number; teaches: boolean }>(
      `SELECT date_part('year', age(current_date, s.date_of_birth))::int AS age, s.teacher_id, s.lesson_rate_cents AS rate,
              s.instrument = ANY (t.instruments) AS teaches
       FROM students s JOIN teachers t ON t.id = s.teacher_id`,
    );
    const [all] = await t.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM students');
    expect(students).toHaveLength(all!.n);
    for (const student of students) {
      expect(student.age).toBeGreaterThanOrEqual(6);
      expect(student.age).toBeLessThanOrEqual(17);
      expect(student.teaches).toBe(true);
      expect(Number.isInteger(student.rate)).toBe(true);
    }
  });

  it('creates the 2026–2027 year with two semesters and closures', async () => {
    const [year] = await t.db.sql.query<{ id: number; semesters: number; closures: number }>(
      `SELECT y.id, (SELECT count(*)::int FROM semesters s WHERE s.academic_year_id = y.id) AS semesters,
              (SELECT count(*)::int FROM closures c WHERE c.academic_year_id = y.id) AS closures
       FROM academic_years y WHERE y.name = '2026-2027'`,
    );
    expect(year?.semesters).toBe(2);
    expect(year?.closures).toBeGreaterThanOrEqual(3);
    const christmas = await t.db.sql.query(`SELECT 1 FROM closures WHERE starts_on <= '2026-12-25' AND ends_on >= '2027-01-01'`);
    expect(christmas).toHaveLength(1);
  });

  it('books upcoming lessons inside the teachers’ hours (school time), outside closures', async () => {
    const lessons = await t.db.sql.query<{ id: number; upcoming: boolean }>(
      `SELECT id, scheduled_at > now() + interval '24 hours' AS upcoming FROM lessons WHERE status = 'scheduled'`,
    );
    expect(lessons.length).toBeGreaterThanOrEqual(3);
    expect(lessons.every((l) => l.upcoming)).toBe(true);
    const outsideHours = await t.db.sql.query(
      `SELECT l.id FROM lessons l WHERE NOT EXISTS (
         SELECT 1 FROM teacher_availability a
         WHERE a.teacher_id = l.teacher_id
           AND a.weekday = extract(isodow FROM l.scheduled_at AT TIME ZONE $1)
           AND (l.scheduled_at AT TIME ZONE $1)::time >= a.start_time
           AND (l.ends_at AT TIME ZONE $1)::time <= a.end_time)`,
      [zone],
    );
    expect(outsideHours).toEqual([]);
    const onClosures = await t.db.sql.query(
      `SELECT l.id FROM lessons l JOIN closures c
         ON (l.scheduled_at AT TIME ZONE $1)::date BETWEEN c.starts_on AND c.ends_on`,
      [zone],
    );
    expect(onClosures).toEqual([]);
    const wrongTeacher = await t.db.sql.query(`SELECT l.id FROM lessons l JOIN students s ON s.id = l.student_id WHERE s.teacher_id <> l.teacher_id`);
    expect(wrongTeacher).toEqual([]);
  });

  it('writes the default settings', async () => {
    const rows = await t.db.sql.query<{ key: string; value: unknown }>('SELECT key, value FROM settings');
    const settings = Object.fromEntries(rows.map((r) => [r.key, r.value]));
    expect(settings.school).toMatchObject({ name: 'Cedar Heights Music Academy', timezone: zone, currency: 'CAD' });
    expect(settings.instruments).toEqual(['piano', 'guitar', 'violin', 'voice', 'drums']);
    expect(settings.pricing).toEqual({ currency: 'CAD', lessonCents: { '30': 4500, '45': 6000, '60': 7500 }, demoLessonCents: 0 });
    expect(settings.lessonDurations).toEqual([30, 45, 60]);
    expect(settings.cancellationWindowHours).toBe(24);
    expect(settings.rescheduleWindowHours).toBe(24);
    expect(settings.minimumNoticeHours).toBe(24);
    expect(settings.reminderLeadHours).toBe(24);
    expect([0, 5]).toContain(settings.bufferMinutes);
    expect(settings.timezone).toBe(zone);
  });

  it('lets demo users sign in with the documented demo password', async () => {
    const [parent] = await t.db.sql.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE role = 'parent' LIMIT 1`);
    expect(await verifyPassword(parent!.password_hash, DEMO_PASSWORD)).toBe(true);
  });

  it('changes nothing when run again, keeping the admin password and admin-edited settings', async () => {
    const before = await rowCounts(t.db.sql);
    const adminBefore = await adminRow(t.db.sql);
    await t.db.sql.query(`UPDATE settings SET value = '48' WHERE key = 'cancellationWindowHours'`);
    await t.db.sql.query(`UPDATE settings SET value = jsonb_set(value, '{name}', '"Cedar Heights Conservatory"') WHERE key = 'school'`);

    const again = await seedDatabase(t.db, { adminEmail, timezone: zone, demo: true });
    expect(again).toEqual({ adminCreated: false, demoSeeded: false });
    expect(await rowCounts(t.db.sql)).toEqual(before);
    expect((await adminRow(t.db.sql))?.password_hash).toBe(adminBefore?.password_hash);
    const [window] = await t.db.sql.query<{ value: unknown }>(`SELECT value FROM settings WHERE key = 'cancellationWindowHours'`);
    expect(window?.value).toBe(48);
    const [school] = await t.db.sql.query<{ value: { name: string } }>(`SELECT value FROM settings WHERE key = 'school'`);
    expect(school?.value.name).toBe('Cedar Heights Conservatory');
  });

  it('does not bring deleted demo data back', async () => {
    await t.db.sql.exec('DELETE FROM lessons; DELETE FROM consents; DELETE FROM students; DELETE FROM teachers;');
    const result = await seedDatabase(t.db, { adminEmail, timezone: zone, demo: true });
    expect(result.demoSeeded).toBe(false);
    const [row] = await t.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM teachers');
    expect(row?.n).toBe(0);
  });
});

describe('seedDatabase without the demo school', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('uses the given admin password and seeds no demo data', async () => {
    const password = 'correct horse battery staple';
    const result = await seedDatabase(t.db, { adminEmail, adminPassword: password, timezone: zone, demo: false });
    expect(result).toEqual({ adminCreated: true, demoSeeded: false });
    const admin = await adminRow(t.db.sql);
    expect(await verifyPassword(admin!.password_hash, password)).toBe(true);
    const counts = await rowCounts(t.db.sql);
    expect(counts).toMatchObject({ users: 1, teachers: 0, students: 0, lessons: 0, academic_years: 0 });
    expect(counts.settings).toBeGreaterThanOrEqual(10);
  });

  it('re-inserts a deleted setting but never overwrites a changed one', async () => {
    await t.db.sql.query(`DELETE FROM settings WHERE key = 'bufferMinutes'`);
    await t.db.sql.query(`UPDATE settings SET value = '["piano","cello"]' WHERE key = 'instruments'`);
    await seedDatabase(t.db, { adminEmail, adminPassword: 'another password 123', timezone: zone, demo: false });
    const rows = await t.db.sql.query<{ key: string; value: unknown }>(`SELECT key, value FROM settings WHERE key IN ('bufferMinutes', 'instruments') ORDER BY key`);
    expect(rows).toEqual([
      { key: 'bufferMinutes', value: 0 },
      { key: 'instruments', value: ['piano', 'cello'] },
    ]);
    // The admin already existed: its password stays the first one.
    const admin = await adminRow(t.db.sql);
    expect(await verifyPassword(admin!.password_hash, 'correct horse battery staple')).toBe(true);
  });

  it('skips the demo school once the school has its own teachers', async () => {
    const [user] = await t.db.sql.query<{ id: number }>(
      `INSERT INTO users (email, first_name, last_name, role)
       VALUES ('real.teacher@example.org', 'Real', 'Teacher', 'teacher') RETURNING id`,
    );
    await t.db.sql.query(`INSERT INTO teachers (user_id, instruments, hourly_rate_cents) VALUES ($1, '{cello}', 7000)`, [user!.id]);
    const result = await seedDatabase(t.db, { adminEmail, timezone: zone, demo: true });
    expect(result.demoSeeded).toBe(false);
    const [row] = await t.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM teachers');
    expect(row?.n).toBe(1);
  });
});

describe('seedDatabase edge cases', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('creates one admin when two seeders run at once', async () => {
    const results = await Promise.all([
      seedDatabase(t.db, { adminEmail: 'race@example.com', timezone: zone, demo: false }),
      seedDatabase(t.db, { adminEmail: 'race@example.com', timezone: zone, demo: false }),
    ]);
    expect(results.filter((r) => r.adminCreated)).toHaveLength(1);
    expect(results.filter((r) => r.generatedAdminPassword !== undefined)).toHaveLength(1);
    const admins = await t.db.sql.query(`SELECT 1 FROM users WHERE email = 'race@example.com'`);
    expect(admins).toHaveLength(1);
  });

  it('leaves an existing user with the admin e-mail alone', async () => {
    await t.db.sql.query(`INSERT INTO users (email, first_name, last_name, role) VALUES ('taken@example.com', 'Already', 'Here', 'parent')`);
    const result = await seedDatabase(t.db, { adminEmail: 'TAKEN@example.com', timezone: zone, demo: false });
    expect(result.adminCreated).toBe(false);
    const [row] = await t.db.sql.query<{ role: string; password_hash: string | null }>(`SELECT role, password_hash FROM users WHERE email = 'taken@example.com'`);
    expect(row).toEqual({ role: 'parent', password_hash: null });
  });

  it('refuses an empty admin password', async () => {
    await expect(seedDatabase(t.db, { adminEmail: 'empty@example.com', adminPassword: '', timezone: zone, demo: false })).rejects.toThrow(/must not be empty/);
  });
});

describe('demo lesson times', () => {
  it('keep their local wall-clock time across a daylight-saving change and skip closures', () => {
    // DST ends in Halifax on Sunday 2026-11-01; Wednesdays 2026-10-28 and 2026-11-04 straddle it.
    const starts = upcomingWeeklyStarts({
      now: DateTime.fromISO('2026-10-25T12:00:00Z'),
      zone,
      weekday: 3,
      minuteOfDay: 16 * 60 + 30,
      count: 3,
      closures: [{ startsOn: '2026-11-11', endsOn: '2026-11-11' }],
    });
    expect(starts.map((d) => d.toISOString())).toEqual([
      '2026-10-28T19:30:00.000Z', // 16:30 ADT (UTC−3)
      '2026-11-04T20:30:00.000Z', // 16:30 AST (UTC−4)
      '2026-11-18T20:30:00.000Z', // 11-11 is a closure
    ]);
  });
});

describe('passwords', () => {
  it('hash with argon2id, verify, and never throw on a malformed hash', async () => {
    const hash = await hashPassword('s3cret passphrase');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hashPassword('s3cret passphrase')).not.toBe(hash); // salted
    expect(await verifyPassword(hash, 's3cret passphrase')).toBe(true);
    expect(await verifyPassword(hash, 'S3cret passphrase')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
    expect(await verifyPassword(null, 'x')).toBe(false);
    expect(passwordNeedsRehash(hash)).toBe(false);
    expect(passwordNeedsRehash('not-a-hash')).toBe(true);
  });
});
