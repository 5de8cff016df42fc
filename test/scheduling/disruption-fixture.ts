/** A school for the closure, time-off and make-up credit tests: the whole stack, mail to a real SMTP sink. */
import type { Role } from '../../src/modules/auth/access.js';
import { createUser } from '../helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { insertStudent, setHours, type TestUser } from './helpers.js';

export const SCHOOL_NAME = 'Maple & Cedar Music';
const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));

export interface DisruptedSchool {
  stack: TestStack;
  sink: SmtpSink;
  admin: TestUser;
  parent: TestUser;
  otherParent: TestUser;
  close(): Promise<void>;
  /** A piano teacher available around the clock, named `firstName` (mail greets by first name). */
  teacher(firstName: string, instruments?: string[]): Promise<TestUser>;
  /** A piano student of `parent` taught by `teacherId`. */
  student(parentId: number, teacherId: number, name: string): Promise<number>;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export async function createDisruptedSchool(): Promise<DisruptedSchool> {
  const sink = await startSmtpSink();
  const stack = await createTestStack({ env: { SMTP_URL: sink.url }, ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}) });
  const db = stack.database.db;
  await db.sql.query(`INSERT INTO settings (key, value) VALUES ('school', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
    JSON.stringify({ name: SCHOOL_NAME, timezone: 'America/Halifax', currency: 'CAD', email: 'office@maple.example', phone: '+19025550100' }),
  ]);
  const [admin, parent, otherParent] = await Promise.all(
    (['admin', 'parent', 'parent'] as Role[]).map((role) => createUser(db, role, { firstName: role === 'admin' ? 'Ada' : 'Pat' })),
  );
  return {
    stack,
    sink,
    admin: admin!,
    parent: parent!,
    otherParent: otherParent!,
    async close() {
      await stack.close();
      await sink.close();
    },
    async teacher(firstName, instruments = ['piano']) {
      const user = await createUser(db, 'teacher', { firstName });
      await db.sql.query('UPDATE teachers SET instruments = $2 WHERE id = $1', [user.teacherId, instruments]);
      await setHours(db, user.teacherId!, allWeek);
      return user;
    },
    student: (parentId, teacherId, name) => insertStudent(db, parentId, teacherId, { name }),
    sql: (text, params = []) => db.sql.query(text, params),
  };
}
