import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { hashPassword } from '../modules/auth/passwords.js';
import type { SqlExecutor } from '../db/sql-client.js';
import { DEMO_LESSONS_PER_STUDENT, DEMO_PASSWORD, demoAcademicYear, demoFamilies, demoTeachers, type DemoTeacher } from './demo-data.js';
import { recordDemoRow } from '../modules/demo/manifest.js';
import { defaultSettings } from '../modules/settings/defaults.js';

type Closure = { startsOn: string; endsOn: string };

/** Minutes since midnight of an 'HH:MM' time. */
const minutesOf = (time: string): number => {
  const [h = 0, m = 0] = time.split(':').map(Number);
  return h * 60 + m;
};

/**
 * The next `count` dates (school-local, at least two days from `now`, skipping closures) falling on
 * `weekday`, each at `minuteOfDay` local time, as UTC instants. Local wall-clock times are kept
 * across daylight-saving changes because each date is resolved in the zone separately.
 */
export function upcomingWeeklyStarts(options: { now: DateTime; zone: string; weekday: number; minuteOfDay: number; count: number; closures: readonly Closure[] }): Date[] {
  const starts: Date[] = [];
  let day = options.now.setZone(options.zone).startOf('day').plus({ days: 2 });
  for (let guard = 0; starts.length < options.count && guard < 366; guard += 1, day = day.plus({ days: 1 })) {
    if (day.weekday !== options.weekday) continue;
    const iso = day.toISODate();
    if (options.closures.some((c) => iso !== null && c.startsOn <= iso && iso <= c.endsOn)) continue;
    const local = day.set({ hour: Math.floor(options.minuteOfDay / 60), minute: options.minuteOfDay % 60 });
    starts.push(local.toJSDate());
  }
  return starts;
}

/**
 * Inserts the demo school (teachers with weekly hours, the academic year, families with a few
 * upcoming lessons). The caller has already decided that no demo data exists; all of it runs on `tx`.
 * Every row inserted is recorded in the demo manifest (demo_records), so the demo can be removed
 * exactly (src/modules/demo/removal.ts).
 */
export async function insertDemoSchool(tx: SqlExecutor, options: { timezone: string; now?: DateTime }): Promise<void> {
  // One hash for every demo account: they share the documented DEMO_PASSWORD anyway.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const teachers = await insertTeachers(tx, passwordHash);
  await insertAcademicYear(tx);
  const closures = await tx.query<Closure>(`SELECT starts_on::text AS "startsOn", ends_on::text AS "endsOn" FROM closures`);
  await insertFamilies(tx, { passwordHash, teachers, closures, zone: options.timezone, now: options.now ?? DateTime.utc() });
}

type Person = { firstName: string; lastName: string; email: string; phone: string };
type SeededTeacher = { id: number; teacher: DemoTeacher };

async function insertUser(tx: SqlExecutor, person: Person, role: string, passwordHash: string): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO users (email, password_hash, first_name, last_name, phone, role)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [person.email, passwordHash, person.firstName, person.lastName, person.phone, role],
  );
  if (!row) throw new Error(`demo seed: could not insert user ${person.email}`);
  await recordDemoRow(tx, 'users', row.id);
  return row.id;
}

/** Teachers and their weekly hours, by DemoTeacher.key. */
async function insertTeachers(tx: SqlExecutor, passwordHash: string): Promise<Map<string, SeededTeacher>> {
  const seeded = new Map<string, SeededTeacher>();
  for (const teacher of demoTeachers) {
    const userId = await insertUser(tx, teacher, 'teacher', passwordHash);
    const [row] = await tx.query<{ id: number }>(`INSERT INTO teachers (user_id, instruments, hourly_rate_cents, bio) VALUES ($1, $2::text[], $3, $4) RETURNING id`, [
      userId,
      teacher.instruments,
      teacher.hourlyRateCents,
      teacher.bio,
    ]);
    if (!row) throw new Error(`demo seed: could not insert teacher ${teacher.email}`);
    await recordDemoRow(tx, 'teachers', row.id);
    seeded.set(teacher.key, { id: row.id, teacher });
    for (const slot of teacher.hours) {
      const [hours] = await tx.query<{ id: number }>(
        'INSERT INTO teacher_availability (teacher_id, weekday, start_time, end_time) VALUES ($1, $2, $3::time, $4::time) RETURNING id',
        [row.id, slot.weekday, slot.start, slot.end],
      );
      if (hours) await recordDemoRow(tx, 'teacher_availability', hours.id);
    }
  }
  return seeded;
}

/** The academic year with its semesters and closures (kept if an admin already made them). */
async function insertAcademicYear(tx: SqlExecutor): Promise<void> {
  const year = demoAcademicYear;
  const [insertedYear] = await tx.query<{ id: number }>(
    `INSERT INTO academic_years (name, starts_on, ends_on) VALUES ($1, $2::date, $3::date) ON CONFLICT (name) DO NOTHING RETURNING id`,
    [year.name, year.startsOn, year.endsOn],
  );
  if (insertedYear) await recordDemoRow(tx, 'academic_years', insertedYear.id);
  const [yearRow] = await tx.query<{ id: number }>('SELECT id FROM academic_years WHERE name = $1', [year.name]);
  if (!yearRow) throw new Error('demo seed: could not insert the academic year');
  for (const semester of year.semesters) {
    const [inserted] = await tx.query<{ id: number }>(
      `INSERT INTO semesters (academic_year_id, name, starts_on, ends_on) VALUES ($1, $2, $3::date, $4::date)
       ON CONFLICT (academic_year_id, name) DO NOTHING RETURNING id`,
      [yearRow.id, semester.name, semester.startsOn, semester.endsOn],
    );
    if (inserted) await recordDemoRow(tx, 'semesters', inserted.id);
  }
  for (const closure of year.closures) {
    const [inserted] = await tx.query<{ id: number }>(
      `INSERT INTO closures (name, starts_on, ends_on, academic_year_id) VALUES ($1, $2::date, $3::date, $4)
       ON CONFLICT (starts_on, name) DO NOTHING RETURNING id`,
      [closure.name, closure.startsOn, closure.endsOn, yearRow.id],
    );
    if (inserted) await recordDemoRow(tx, 'closures', inserted.id);
  }
}

/**
 * Parents (with their consents), their children, and each child's next weekly lessons. A teacher's
 * k-th student takes the teacher's (k mod n)-th weekly window, right after earlier students there.
 */
async function insertFamilies(
  tx: SqlExecutor,
  ctx: { passwordHash: string; teachers: Map<string, SeededTeacher>; closures: Closure[]; zone: string; now: DateTime },
): Promise<void> {
  const today = ctx.now.setZone(ctx.zone).startOf('day');
  const prices = defaultSettings({ timezone: ctx.zone }).pricing.lessonCents;
  const studentsPerTeacher = new Map<string, number>();
  const bookedMinutes = new Map<string, number>(); // "teacher:window" → minutes already taken
  for (const [familyIndex, family] of demoFamilies.entries()) {
    const parentId = await insertUser(tx, family, 'parent', ctx.passwordHash);
    // The demo families agreed to the terms and to SMS (so the demo shows SMS reminders).
    for (const kind of ['data_processing', 'sms']) {
      const [consent] = await tx.query<{ id: number }>(`INSERT INTO consents (user_id, kind, granted, version, source) VALUES ($1, $2, true, '2026-09', 'seed') RETURNING id`, [
        parentId,
        kind,
      ]);
      if (consent) await recordDemoRow(tx, 'consents', consent.id);
    }
    for (const [childIndex, child] of family.children.entries()) {
      const assigned = ctx.teachers.get(child.teacher);
      const rateCents = prices[String(child.durationMinutes)];
      if (!assigned || rateCents === undefined) throw new Error(`demo seed: bad child ${child.firstName}`);
      const [student] = await tx.query<{ id: number }>(
        `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument,
           skill_level, lesson_rate_cents, enrollment_date, notes)
         VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9::date, $10) RETURNING id`,
        [
          parentId,
          assigned.id,
          child.firstName,
          family.lastName,
          today.minus({ years: child.age, days: 60 + 23 * familyIndex + 7 * childIndex }).toISODate(),
          child.instrument,
          child.skillLevel,
          rateCents,
          today.minus({ days: 30 + 9 * familyIndex }).toISODate(),
          child.notes ?? null,
        ],
      );
      if (!student) throw new Error(`demo seed: could not insert student ${child.firstName}`);
      await recordDemoRow(tx, 'students', student.id);

      const k = studentsPerTeacher.get(child.teacher) ?? 0;
      studentsPerTeacher.set(child.teacher, k + 1);
      const windowIndex = k % assigned.teacher.hours.length;
      const window = assigned.teacher.hours[windowIndex];
      const slotKey = `${child.teacher}:${windowIndex}`;
      const offset = bookedMinutes.get(slotKey) ?? 0;
      bookedMinutes.set(slotKey, offset + child.durationMinutes);
      const minuteOfDay = window ? minutesOf(window.start) + offset : -1;
      if (!window || minuteOfDay + child.durationMinutes > minutesOf(window.end)) {
        throw new Error(`demo seed: ${child.teacher}'s hours cannot hold ${child.firstName}'s lesson`);
      }
      const seriesId = randomUUID();
      const starts = upcomingWeeklyStarts({
        now: ctx.now,
        zone: ctx.zone,
        weekday: window.weekday,
        minuteOfDay,
        count: DEMO_LESSONS_PER_STUDENT,
        closures: ctx.closures,
      });
      for (const startsAt of starts) {
        const [lesson] = await tx.query<{ id: number }>(
          `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at, lesson_type, series_id)
           VALUES ($1, $2, $3::timestamptz, $4::int, $3::timestamptz + make_interval(mins => $4::int), 'regular', $5) RETURNING id`,
          [student.id, assigned.id, startsAt.toISOString(), child.durationMinutes, seriesId],
        );
        if (lesson) await recordDemoRow(tx, 'lessons', lesson.id);
      }
    }
  }
}
