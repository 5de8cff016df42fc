/**
 * The `book` node of `lesson_schedule` books in ctx.transaction: the lessons, their audit rows and
 * the node's recorded result commit together. A worker whose checkpoint is lost after that commit
 * (it dies or fails before writing it) leaves the run to another claim, whose `book` gets the
 * recorded lessons and books nothing. A refusal inside the transaction (an exclusion constraint
 * firing after the conflict check) leaves nothing of the booking behind.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowEngine } from '../../src/engine/index.js';
import { createUser } from '../helpers/app.js';
import { createTestEngine } from '../helpers/engine.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { insertStudent, nextMonday, setHours, zone, type TestUser } from './helpers.js';

const WAIT_MS = 30_000;
/** Notes that make the trigger below book the slot for `blocker_student` first, in the same statement. */
const TAKE_SLOT_FIRST = 'take-slot-first';

/**
 * Test-only triggers. `lose_book_checkpoint`: the first claim's checkpoint of node `book` fails
 * (as when the worker dies between the node's commit and its checkpoint). `take_slot_first`: a
 * lesson noted TAKE_SLOT_FIRST finds its slot taken by another student's lesson inserted just
 * before it, so the exclusion constraint refuses it after every check passed.
 */
const triggersSql = `
  CREATE TABLE blocker_student (id integer NOT NULL);
  CREATE FUNCTION lose_book_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.node_id = 'book' AND NEW.status = 'succeeded' AND (SELECT attempt FROM workflow_runs WHERE id = NEW.run_id) = 1 THEN
      RAISE EXCEPTION 'the checkpoint of node book is lost';
    END IF;
    RETURN NEW;
  END;
  $$;
  CREATE TRIGGER lose_book_checkpoint BEFORE INSERT ON workflow_steps FOR EACH ROW EXECUTE FUNCTION lose_book_checkpoint();
  CREATE FUNCTION take_slot_first() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
  BEGIN
    IF NEW.notes = '${TAKE_SLOT_FIRST}' THEN
      INSERT INTO lessons (student_id, teacher_id, scheduled_at, ends_at, duration_minutes, lesson_type)
      SELECT id, NEW.teacher_id, NEW.scheduled_at, NEW.ends_at, NEW.duration_minutes, 'regular' FROM blocker_student;
    END IF;
    RETURN NEW;
  END;
  $$;
  CREATE TRIGGER take_slot_first BEFORE INSERT ON lessons FOR EACH ROW EXECUTE FUNCTION take_slot_first();
`;

let s: TestStack;
let engine: WorkflowEngine;
let admin: TestUser, parent: TestUser, teacher: TestUser;
let childId: number;

beforeAll(async () => {
  // The stack's engine only starts runs; this one, with a short lease, works them and takes over
  // a run whose worker gave it up.
  s = await createTestStack({ startWorker: false });
  engine = await createTestEngine(s.database, s.engine.registry, { leaseMs: 1_000 });
  await engine.startWorker({ concurrency: 2 });
  const db = s.database.db;
  [admin, parent, teacher] = (await Promise.all((['admin', 'parent', 'teacher'] as const).map((role) => createUser(db, role)))) as [TestUser, TestUser, TestUser];
  await setHours(
    db,
    teacher.teacherId!,
    [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  );
  childId = await insertStudent(db, parent.id, teacher.teacherId);
  const otherParent = await createUser(db, 'parent');
  const blocker = await insertStudent(db, otherParent.id, teacher.teacherId, { name: 'Noah' });
  await db.sql.exec(triggersSql);
  await db.sql.query('INSERT INTO blocker_student (id) VALUES ($1)', [blocker]);
}, 60_000);
afterAll(async () => {
  await engine?.stop({ timeoutMs: 5_000 });
  await s?.close();
});

const sql = <T>(text: string, params: unknown[] = []) => s.database.db.sql.query<T>(text, params);
const lessonBody = (scheduledAt: string, extra: Record<string, unknown> = {}) => ({ studentId: childId, teacherId: teacher.teacherId, scheduledAt, durationMinutes: 30, ...extra });

/** Starts a lesson_schedule run for `caller` on the worker engine and waits for it to end. */
async function runSchedule(caller: TestUser, lesson: Record<string, unknown>) {
  const { run } = await engine.store.create({ workflow: 'lesson_schedule', event: { caller: { userId: caller.id, role: caller.role }, lesson } });
  await engine.queue.enqueue(run.id);
  return engine.waitFor(run.id, WAIT_MS);
}

const postLesson = (payload: Record<string, unknown>) => s.app.inject({ method: 'POST', url: '/api/v1/lessons', headers: admin.headers, payload });
const stepsOf = (runId: string) =>
  sql<{ node_id: string; status: string; output: unknown }>(`SELECT node_id, status, output FROM workflow_steps WHERE run_id = $1 AND kind = 'process' ORDER BY id`, [runId]);
const recordedOf = (runId: string) => sql<{ result: unknown }>(`SELECT result FROM workflow_transactions WHERE run_id = $1 AND node_id = 'book'`, [runId]);

describe('the book node, run again after its transaction committed and its checkpoint was lost', () => {
  it.each([
    ['one lesson', nextMonday(3, '09:00'), {}, 1],
    ['a weekly series', nextMonday(3, '10:00'), { recurrence: { frequency: 'weekly', count: 3 } }, 3],
  ] as const)('books %s once: the second claim gets the recorded result', { timeout: 60_000 }, async (_name, at, extra, lessons) => {
    const done = await runSchedule(admin, lessonBody(at, extra));
    expect(done.status).toBe('succeeded');
    expect(done.attempt).toBe(2); // the first claim lost book's checkpoint: book ran again in the second

    // The lessons this run created (their audit rows carry its request id), once each.
    const created = await sql<{ id: number }>(
      `SELECT l.id FROM lessons l JOIN audit_log a ON a.entity = 'lesson' AND a.action = 'create' AND a.entity_id = l.id::text
       WHERE a.request_id = $1 ORDER BY l.scheduled_at`,
      [`${done.id}:book`],
    );
    expect(created).toHaveLength(lessons);
    expect(await sql(`SELECT 1 FROM lessons WHERE student_id = $1 AND scheduled_at = $2::timestamptz`, [childId, at])).toHaveLength(1);

    // One recorded result, and the node's output (written by the second claim) is that result.
    const recorded = await recordedOf(done.id);
    expect(recorded).toHaveLength(1);
    const book = (await stepsOf(done.id)).filter((step) => step.node_id === 'book');
    expect(book.map((step) => step.status)).toEqual(['succeeded']);
    const { value } = recorded[0]!.result as { value: { lesson?: { id: number }; lessons?: { id: number }[] } };
    expect(book[0]!.output).toEqual({ status: 'booked', result: value });
    expect((value.lessons ?? [value.lesson!]).map((l) => l.id)).toEqual(created.map((l) => l.id));

    const confirms = await sql(`SELECT 1 FROM workflow_runs WHERE workflow_name = 'notification' AND idempotency_key LIKE $1`, [`notify:${done.id}:%`]);
    expect(confirms).toHaveLength(2);
  });
});

describe('a refusal inside the book transaction', () => {
  it('stops the run with the 409, records it, and leaves no lesson or audit row of the booking', { timeout: 60_000 }, async () => {
    const at = nextMonday(3, '11:00');
    const lessonAudits = () => sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'lesson' AND action <> 'read'`);
    const [before] = await lessonAudits();
    // Booked by the office: the trigger seam rides on the notes, which parents may not set.
    const done = await runSchedule(admin, lessonBody(at, { notes: TAKE_SLOT_FIRST }));
    expect(done.status).toBe('stopped');
    expect(done.stopReason).toMatch(/cannot be booked/);
    expect(done.attempt).toBe(2); // the second claim got the recorded refusal
    const steps = await stepsOf(done.id);
    expect(steps.map((step) => [step.node_id, step.status])).toEqual([
      ['check_availability', 'succeeded'],
      ['detect_conflicts', 'succeeded'],
      ['router', 'succeeded'],
      ['book', 'succeeded'],
    ]);
    const book = steps[3]!.output as { status: string; error: { code: string; details: { conflicts: { kind: string }[]; alternatives: unknown[] } } };
    expect(book).toMatchObject({ status: 'refused', error: { code: 'conflict' } });
    expect(book.error.details.conflicts).toEqual([{ kind: 'teacher_overlap', reason: expect.any(String) }]);
    expect(book.error.details.alternatives.length).toBeGreaterThan(0);
    expect(await recordedOf(done.id)).toEqual([{ result: { refused: book.error } }]);

    // The savepoint took the blocker and the refused lesson with it; the transaction committed only the record.
    expect(await sql(`SELECT 1 FROM lessons WHERE scheduled_at = $1::timestamptz`, [at])).toEqual([]);
    expect(await lessonAudits()).toEqual([before]);
  });

  it('answers POST /lessons with 409 and writes nothing when the constraint refuses the insert', async () => {
    const at = DateTime.fromISO(nextMonday(3, '12:00'), { zone }).toISO()!;
    const res = await postLesson(lessonBody(at, { notes: TAKE_SLOT_FIRST }));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.details.conflicts).toEqual([{ kind: 'teacher_overlap', reason: expect.any(String) }]);
    expect(await sql(`SELECT 1 FROM lessons WHERE scheduled_at = $1::timestamptz`, [at])).toEqual([]);
    // The connection is usable afterwards, as the caller and as the owner.
    expect((await postLesson(lessonBody(at))).statusCode).toBe(201);
  });
});
