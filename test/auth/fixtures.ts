import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import type { Role } from '../../src/modules/auth/access.js';
import { loggerOptions } from '../../src/logger.js';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { createUser } from '../helpers/app.js';

/** A user made for a test, with a bearer header signed by the test apps' token service. */
export type TestUser = Awaited<ReturnType<typeof createUser>>;

/** A password that passes the policy (12+ characters), different for every call. */
export const strongPassword = (): string => `Pw-${randomBytes(9).toString('base64url')}-ok`;

/** A user with a real argon2id password, for sign-in tests. */
export async function userWithPassword(db: Database, role: Role, password: string, fields: { email?: string } = {}): Promise<TestUser> {
  return createUser(db, role, { ...fields, passwordHash: await hashPassword(password) });
}

/** Signs in through the API and returns the answer's JSON (expects 200). */
export async function login(app: App, email: string, password: string): Promise<{ accessToken: string; refreshToken: string; expiresIn: number; user: Record<string, unknown> }> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

export const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` });

/**
 * Captures everything a Fastify app logs: pass `logger` as `deps.logger` of createTestApp. It uses
 * the app's own options (redaction included) at level trace, writing to memory instead of stdout.
 */
export function captureLogs(): { logger: Record<string, unknown>; text(): string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const base = loggerOptions({ logLevel: 'trace', logFormat: 'json' }) as Record<string, unknown>;
  return { logger: { ...base, level: 'trace', stream }, text: () => lines.join('') };
}

/** The plain-text body of the newest e-mail queued for `to`. */
export async function lastEmailTo(db: Database, to: string): Promise<{ template: string; subject: string; body_text: string } | undefined> {
  const [row] = await db.sql.query<{ template: string; subject: string; body_text: string }>(
    `SELECT template, subject, body_text FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1`,
    [to],
  );
  return row;
}

/** The one-time token in an e-mailed link (`…?token=…`). */
export function tokenFromEmail(body: string): string {
  const match = /[?&]token=([^\s&]+)/.exec(body);
  if (!match?.[1]) throw new Error(`no token link in e-mail: ${body}`);
  return decodeURIComponent(match[1]);
}

/**
 * Two families and their teachers: parent A with child A (taught by teacher A), parent B with child
 * B (taught by teacher B), a lesson and a payment for each child, and an admin. Family A's
 * identifying data (the child's last name, the parent's e-mail) is unique to this call, so a test can
 * search any response body for it.
 */
export async function createTwoFamilies(db: Database) {
  const tag = randomBytes(4).toString('hex');
  const admin = await createUser(db, 'admin');
  const teacherA = await createUser(db, 'teacher');
  const teacherB = await createUser(db, 'teacher');
  const parentA = await createUser(db, 'parent', { email: `parent.a.${tag}@family-a.example` });
  const parentB = await createUser(db, 'parent', { email: `parent.b.${tag}@family-b.example` });
  const childALastName = `Aardvarkian${tag}`;
  const childBLastName = `Bumblewick${tag}`;

  const student = async (parentId: number, teacherId: number | null, lastName: string): Promise<number> => {
    const [row] = await db.sql.query<{ id: number }>(
      `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
       VALUES ($1, $2, 'Kid', $3, '2015-03-04', 'piano', 4500) RETURNING id`,
      [parentId, teacherId, lastName],
    );
    return row!.id;
  };
  const lesson = async (studentId: number, teacherId: number, hoursAhead: number): Promise<number> => {
    const [row] = await db.sql.query<{ id: number }>(
      `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at, notes)
       VALUES ($1, $2, date_trunc('hour', now()) + make_interval(hours => $3), 30,
               date_trunc('hour', now()) + make_interval(hours => $3) + interval '30 minutes', $4) RETURNING id`,
      [studentId, teacherId, hoursAhead, `lesson note ${studentId}`],
    );
    return row!.id;
  };
  const payment = async (parentId: number, studentId: number, lessonId: number): Promise<number> => {
    const [row] = await db.sql.query<{ id: number }>(
      `INSERT INTO payments (parent_id, student_id, lesson_id, amount_cents, status, description)
       VALUES ($1, $2, $3, 4500, 'succeeded', 'Lesson') RETURNING id`,
      [parentId, studentId, lessonId],
    );
    return row!.id;
  };

  const childA = await student(parentA.id, teacherA.teacherId, childALastName);
  const childB = await student(parentB.id, teacherB.teacherId, childBLastName);
  const lessonA = await lesson(childA, teacherA.teacherId!, 72);
  const lessonB = await lesson(childB, teacherB.teacherId!, 96);
  const paymentA = await payment(parentA.id, childA, lessonA);
  const paymentB = await payment(parentB.id, childB, lessonB);
  return {
    tag,
    admin,
    teacherA,
    teacherB,
    parentA,
    parentB,
    childA,
    childB,
    lessonA,
    lessonB,
    paymentA,
    paymentB,
    /** Strings that only family A's records contain. */
    familyAMarkers: [childALastName, parentA.email],
  };
}

export type TwoFamilies = Awaited<ReturnType<typeof createTwoFamilies>>;
