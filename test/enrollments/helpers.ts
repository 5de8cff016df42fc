import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/client.js';
import { WorkflowRegistry } from '../../src/engine/index.js';
import { enrollmentWorkflow, ENROLLMENT_WORKFLOW, type EnrollmentFaults } from '../../src/modules/enrollments/workflows/index.js';
import type { PaymentGateway } from '../../src/modules/payments/gateway/types.js';
import { buildWorkflowRegistry } from '../../src/runtime/workflows.js';
import { createUser } from '../helpers/app.js';
import type { TestDatabase } from '../helpers/db.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';

/**
 * The whole school as createTestStack builds it (real registry, engine with an in-process worker,
 * app), except that the enrollment workflow may carry a fault seam (`faults`) to force a failure.
 */
export async function enrollmentStack(
  options: {
    env?: Record<string, string>;
    faults?: EnrollmentFaults;
    database?: TestDatabase;
    startWorker?: boolean;
    /** Replaces the payment gateway (a stand-in for an unreachable one). */
    gateway?: PaymentGateway;
    /** Workflows left out of the registry (to make their callers fail). */
    without?: string[];
  } = {},
): Promise<TestStack> {
  return createTestStack({
    ...(options.env ? { env: options.env } : {}),
    ...(options.database ? { database: options.database } : {}),
    ...(options.startWorker !== undefined ? { startWorker: options.startWorker } : {}),
    ...(options.gateway ? { services: { gateway: options.gateway } } : {}),
    registry: (services) => {
      const school = buildWorkflowRegistry(services);
      const registry = new WorkflowRegistry();
      for (const { name } of school.list()) {
        if (options.without?.includes(name)) continue;
        if (name === ENROLLMENT_WORKFLOW) registry.register(enrollmentWorkflow({ services, faults: options.faults ?? {} }));
        else registry.register(school.get(name));
      }
      return registry;
    },
  });
}

export type TestTeacher = Awaited<ReturnType<typeof createUser>> & { teacherId: number };

/**
 * A teacher of `instruments` with weekly hours (ISO weekday → 'HH:MM-HH:MM'; default Monday to
 * Saturday 09:00–20:00) and `maxStudents`.
 */
export async function createTeacher(
  db: Database,
  options: { instruments?: string[]; hours?: Record<number, string>; maxStudents?: number; firstName?: string } = {},
): Promise<TestTeacher> {
  const user = await createUser(db, 'teacher', { firstName: options.firstName ?? 'Clara' });
  const teacherId = user.teacherId!;
  await db.sql.query('UPDATE teachers SET instruments = $2, max_students = $3 WHERE id = $1', [teacherId, options.instruments ?? ['piano'], options.maxStudents ?? 30]);
  const hours = options.hours ?? { 1: '09:00-20:00', 2: '09:00-20:00', 3: '09:00-20:00', 4: '09:00-20:00', 5: '09:00-20:00', 6: '09:00-20:00' };
  for (const [weekday, span] of Object.entries(hours)) {
    const [start, end] = span.split('-');
    await db.sql.query('INSERT INTO teacher_availability (teacher_id, weekday, start_time, end_time) VALUES ($1, $2, $3, $4)', [teacherId, Number(weekday), start, end]);
  }
  return { ...user, teacherId };
}

let formCounter = 0;
const runTag = randomBytes(3).toString('hex');

/** A date of birth `years` years ago (minus a month), 'YYYY-MM-DD'. */
export function bornYearsAgo(years: number): string {
  const date = new Date();
  date.setUTCFullYear(date.getUTCFullYear() - years);
  date.setUTCMonth(date.getUTCMonth() - 1);
  return date.toISOString().slice(0, 10);
}

/** A valid enrollment form for a new family (unique names and e-mail), with `overrides`. */
export function enrollmentForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  formCounter += 1;
  return {
    studentFirstName: 'Emma',
    studentLastName: `Wilson${runTag}${formCounter}`,
    studentDateOfBirth: bornYearsAgo(9),
    parentFirstName: 'Jane',
    parentLastName: `Wilson${runTag}${formCounter}`,
    parentEmail: `jane.${runTag}.${formCounter}@family.example`,
    parentPhone: '(902) 555-0142',
    instrument: 'piano',
    lessonDuration: 30,
    paymentToken: 'pm_card_visa',
    agreedToTerms: true,
    ...overrides,
  };
}

/** Row counts of everything an enrollment can create. */
export async function counts(db: Database): Promise<Record<'enrollments' | 'students' | 'parents' | 'lessons' | 'runs', number>> {
  const [row] = await db.sql.query<Record<'enrollments' | 'students' | 'parents' | 'lessons' | 'runs', number>>(
    `SELECT (SELECT count(*)::int FROM enrollments) AS enrollments, (SELECT count(*)::int FROM students) AS students,
            (SELECT count(*)::int FROM users WHERE role = 'parent') AS parents, (SELECT count(*)::int FROM lessons) AS lessons,
            (SELECT count(*)::int FROM workflow_runs) AS runs`,
  );
  return row!;
}

/** Polls `check` until it returns true (every 25 ms, up to `timeoutMs`). */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
