/**
 * The school the fuzzer talks to: the whole stack (app, engine with a worker, services) on a given
 * database, two families with lessons and payments (test/auth/fixtures.ts), a record of every other
 * kind a path can name, and the valid path values that point at them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/client.js';
import { settingKeys } from '../../src/modules/settings/schemas.js';
import { createTwoFamilies, type TwoFamilies } from '../auth/fixtures.js';
import type { TestDatabase } from '../helpers/db.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import type { Operation } from './operations.js';
import type { Caller, FuzzFixtures } from './requests.js';
import { FUZZ_WEBHOOK_SECRET } from './webhook.js';

export interface FuzzWorld extends FuzzFixtures {
  stack: TestStack;
  families: TwoFamilies;
  /** Undoes what a fuzzed mutation may have done to the callers (deactivated, demoted, signed out). */
  restoreCallers(): Promise<void>;
  close(): Promise<void>;
}

async function insertId(db: Database, text: string, params: unknown[] = []): Promise<string> {
  const [row] = await db.sql.query<{ id: unknown }>(text, params);
  return String(row!.id);
}

/** One record of each kind a path parameter names, besides the families' own. */
async function createRecords(db: Database, f: TwoFamilies): Promise<Record<string, string>> {
  // Both teachers work every day from 08:00 to 21:00 (school time), so conforming bookings can succeed.
  await db.sql.query(
    `INSERT INTO teacher_availability (teacher_id, weekday, start_time, end_time)
     SELECT t.id, d, '08:00', '21:00' FROM unnest($1::int[]) AS t(id), generate_series(1, 7) AS d`,
    [[f.teacherA.teacherId, f.teacherB.teacherId]],
  );
  const year = await insertId(db, `INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('Fuzz year', '2030-09-01', '2031-06-30') RETURNING id`);
  return {
    year,
    semester: await insertId(db, `INSERT INTO semesters (academic_year_id, name, starts_on, ends_on) VALUES ($1, 'Fuzz fall', '2030-09-01', '2030-12-20') RETURNING id`, [
      Number(year),
    ]),
    closure: await insertId(db, `INSERT INTO closures (name, starts_on, ends_on) VALUES ('Fuzz break', '2030-12-21', '2031-01-04') RETURNING id`),
    notification: await insertId(db, `INSERT INTO notifications (user_id, kind, title, body) VALUES ($1, 'info', 'Fuzz', 'Fuzz') RETURNING id`, [f.parentA.id]),
    feed: await insertId(db, `INSERT INTO calendar_feeds (owner_kind, parent_id, token_hash, created_by) VALUES ('parent', $1, $2, $1) RETURNING id`, [
      f.parentA.id,
      randomBytes(32).toString('hex'),
    ]),
    enrollment: await insertId(
      db,
      `INSERT INTO enrollments (status, source, submission, parent_email, student_first_name, student_last_name, student_date_of_birth, instrument, parent_id, student_id)
       VALUES ('completed', 'public', '{}'::jsonb, $1, 'Kid', 'Fuzz', '2015-03-04', 'piano', $2, $3) RETURNING id`,
      [f.parentA.email, f.parentA.id, f.childA],
    ),
    run: await insertId(db, `INSERT INTO workflow_runs (id, workflow_name, status) VALUES ($1, 'fuzz', 'failed') RETURNING id`, [randomUUID()]),
    goal: await insertId(db, `INSERT INTO student_goals (student_id, title, set_on) VALUES ($1, 'Fuzz goal', '2030-01-06') RETURNING id`, [f.childA]),
    piece: await insertId(db, `INSERT INTO student_pieces (student_id, title, started_on) VALUES ($1, 'Fuzz piece', '2030-01-06') RETURNING id`, [f.childA]),
    assessment: await insertId(db, `INSERT INTO student_assessments (student_id, exam_body, level, assessed_on) VALUES ($1, 'RCM', 'Grade 1', '2030-01-06') RETURNING id`, [
      f.childA,
    ]),
    timeOff: await insertId(
      db,
      `INSERT INTO teacher_time_off (teacher_id, starts_at, ends_at, reason) VALUES ($1, now() + interval '30 days', now() + interval '31 days', 'Fuzz') RETURNING id`,
      [f.teacherA.teacherId],
    ),
  };
}

/** Builds the world on `database` (which `close()` disposes). */
export async function createFuzzWorld(database: TestDatabase): Promise<FuzzWorld> {
  const stack = await createTestStack({ database, env: { STRIPE_WEBHOOK_SECRET: FUZZ_WEBHOOK_SECRET } });
  const db = database.db;
  const f = await createTwoFamilies(db);
  const r = await createRecords(db, f);
  const ids = (...values: Array<number | string | null>): string[] => values.filter((v) => v !== null).map(String);
  const workflowNames = stack.engine.registry.list().map((w) => w.name);

  /** Existing records by the resource a `{id}` follows (the path before it, after /api/v1/). */
  const byResource: Record<string, string[]> = {
    users: ids(f.parentA.id, f.admin.id, f.teacherA.id),
    students: ids(f.childA, f.childB),
    lessons: ids(f.lessonA, f.lessonB),
    payments: ids(f.paymentA, f.paymentB),
    teachers: ids(f.teacherA.teacherId, f.teacherB.teacherId),
    'academic-years': [r.year!],
    semesters: [r.semester!],
    closures: [r.closure!],
    notifications: [r.notification!],
    'calendar/feeds': [r.feed!],
    enrollments: [r.enrollment!],
    'workflows/runs': [r.run!],
  };
  /** Path parameters other than `{id}`, by name. */
  const byName: Record<string, string[]> = {
    timeOffId: [r.timeOff!],
    goalId: [r.goal!],
    pieceId: [r.piece!],
    assessmentId: [r.assessment!],
    parentId: ids(f.parentA.id, f.parentB.id),
    studentId: ids(f.childA),
    teacherId: ids(f.teacherA.teacherId),
    lessonId: ids(f.lessonA),
    runId: [r.run!],
    key: [...settingKeys],
    name: workflowNames,
  };
  /** Body fields and query parameters, by name: real records and inputs the school accepts. */
  const hintsByName: Record<string, readonly unknown[]> = {
    studentId: [f.childA, f.childB],
    teacherId: [f.teacherA.teacherId, f.teacherB.teacherId],
    preferredTeacherId: [f.teacherA.teacherId],
    parentId: [f.parentA.id, f.parentB.id],
    ownerId: [f.parentA.id, f.teacherA.teacherId],
    userId: [f.parentA.id, f.teacherA.id],
    to: ['school', { userId: f.parentA.id }, { teacherId: f.teacherA.teacherId }],
    actorId: [f.admin.id],
    lessonId: [f.lessonA, f.lessonB],
    paymentId: [f.paymentA],
    entityId: [String(f.childA), String(f.lessonA)],
    academicYearId: [Number(r.year)],
    instrument: ['piano', 'guitar'],
    instruments: [['piano'], ['piano', 'violin']],
    paymentMethodId: ['pm_card_visa', 'pm_card_mastercard'],
    paymentMethod: ['pm_card_visa'],
    paymentToken: ['pm_card_visa'],
    currency: ['CAD'],
    timezone: ['America/Halifax', 'Pacific/Chatham'],
    durationMinutes: [30, 45, 60],
    lessonDuration: [30, 45, 60],
    agreedToTerms: [true],
    dateOfBirth: ['2015-03-04', '2010-06-30'],
    studentDateOfBirth: ['2015-03-04', '2010-06-30'],
    phone: ['+19025550123'],
    parentPhone: ['+19025550123'],
    email: [`fuzz.new.${f.tag}@example.com`, f.parentA.email],
    parentEmail: [`fuzz.family.${f.tag}@example.com`, f.parentA.email],
  };
  const hints = (name: string): readonly unknown[] => hintsByName[name] ?? [];
  const callersUsers = { parent: f.parentA, admin: f.admin };

  return {
    stack,
    families: f,
    hints,
    pathValues(op: Operation, param: string): string[] {
      if (param !== 'id') return byName[param] ?? hints(param).map(String);
      const before = op.path
        .slice(0, op.path.indexOf('{id}'))
        .replace(/^\/api\/v1\//, '')
        .replace(/\/$/, '');
      return byResource[before] ?? [];
    },
    headersOf: (caller: Exclude<Caller, 'anonymous'>) => callersUsers[caller].headers,
    async restoreCallers() {
      for (const user of [f.parentA, f.admin]) {
        await db.sql.query(
          'UPDATE users SET is_active = true, tokens_valid_after = NULL, role = $2 WHERE id = $1 AND (NOT is_active OR tokens_valid_after IS NOT NULL OR role <> $2)',
          [user.id, user.role],
        );
      }
    },
    close: () => stack.close(),
  };
}
