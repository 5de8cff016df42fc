import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/app.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { postImport, tableCounts } from './fixtures.js';

let s: TestStack;
let admin: Awaited<ReturnType<typeof createUser>>;
const counts = () => tableCounts((text) => s.database.db.sql.query(text));
const template = (name: string): string => readFileSync(new URL(`../../docs/import/${name}`, import.meta.url), 'utf8');

beforeAll(async () => {
  s = await createTestStack();
  admin = await createUser(s.database.db, 'admin');
}, 60_000);
afterAll(async () => {
  await s?.close();
});

async function importAndWait(query: string, csv: string) {
  const started = await postImport(s.app, admin.headers, query, csv);
  expect(started.statusCode, started.body).toBe(202);
  const { importId, runId } = started.json() as { importId: number; runId: string };
  expect((await s.engine.waitFor(runId, 120_000)).status).toBe('succeeded');
  return (await s.app.inject({ method: 'GET', url: `/api/v1/imports/${importId}`, headers: admin.headers })).json();
}

describe('teachers, weekly hours and families from the documented templates', () => {
  it('imports the teachers template, then changes nothing the second time, then updates what differs', async () => {
    const first = await importAndWait('kind=teachers&invite=true', template('teachers.csv'));
    expect(first.counts).toMatchObject({ total: 2, created: 2, updated: 0, skipped: 0, errors: 0 });
    const [anna] = await s.database.db.sql.query<{ instruments: string[]; hourly_rate_cents: number; max_students: number; password_hash: string | null }>(
      `SELECT t.instruments, t.hourly_rate_cents, t.max_students, u.password_hash FROM teachers t JOIN users u ON u.id = t.user_id WHERE u.email = 'anna.kowalski@example.com'`,
    );
    expect(anna).toEqual({ instruments: ['piano', 'voice'], hourly_rate_cents: 6500, max_students: 25, password_hash: null });
    const invitations = await s.database.db.sql.query(`SELECT 1 FROM outbox WHERE recipient IN ('anna.kowalski@example.com', 'james.chen@example.com')`);
    expect(invitations).toHaveLength(2); // ?invite=true: the set-password mail

    const before = await counts();
    const again = await importAndWait('kind=teachers', template('teachers.csv'));
    expect(again.counts).toMatchObject({ created: 0, updated: 0, skipped: 2, errors: 0 });
    expect(await counts()).toEqual(before);

    const changed = template('teachers.csv').replace('guitar,55,20', 'guitar;drums,70,20');
    const third = await importAndWait('kind=teachers', changed);
    expect(third.counts).toMatchObject({ created: 0, updated: 1, skipped: 1, errors: 0 });
    expect(third.status).toBe('completed');

    const list = await s.app.inject({ method: 'GET', url: '/api/v1/imports?pageSize=2', headers: admin.headers });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ page: 1, pageSize: 2, total: 3, data: [{ id: third.id, kind: 'teachers' }, { id: again.id }] });
  }, 240_000);

  it('imports weekly hours by teacher e-mail; a second run skips them; an overlap or unknown teacher is a row error', async () => {
    const first = await importAndWait('kind=weekly-hours', template('weekly-hours.csv'));
    expect(first.counts).toMatchObject({ total: 2, created: 2, errors: 0 });
    const hours = await s.database.db.sql.query<{ weekday: number; start_time: string; end_time: string }>(
      `SELECT a.weekday, a.start_time::text, a.end_time::text FROM teacher_availability a JOIN teachers t ON t.id = a.teacher_id JOIN users u ON u.id = t.user_id
       WHERE u.email = 'anna.kowalski@example.com' ORDER BY a.weekday`,
    );
    expect(hours).toEqual([
      { weekday: 1, start_time: '15:00:00', end_time: '19:00:00' },
      { weekday: 6, start_time: '09:00:00', end_time: '13:00:00' },
    ]);
    const again = await importAndWait('kind=weekly-hours', template('weekly-hours.csv'));
    expect(again.counts).toMatchObject({ created: 0, updated: 0, skipped: 2, errors: 0 });

    const bad = [
      'Teacher Email,Weekday,Start,End',
      'anna.kowalski@example.com,Monday,15:00,20:00', // changes the end of Monday 15:00
      'anna.kowalski@example.com,Monday,18:00,21:00', // overlaps it
      'nobody@example.com,Tuesday,10:00,12:00',
      'anna.kowalski@example.com,Funday,10:00,12:00',
      'anna.kowalski@example.com,Friday,12:00,10:00',
    ].join('\n');
    const report = await postImport(s.app, admin.headers, 'kind=weekly-hours&dryRun=true', bad);
    expect(report.statusCode).toBe(200);
    expect(report.json().rows).toEqual([
      { row: 2, outcome: 'updated', errors: [] },
      { row: 3, outcome: 'error', errors: [{ column: 'Start', message: expect.stringContaining('overlaps') }] },
      { row: 4, outcome: 'error', errors: [{ column: 'Teacher Email', message: expect.stringContaining('no teacher') }] },
      { row: 5, outcome: 'error', errors: [{ column: 'Weekday', message: expect.stringContaining('not a weekday') }] },
      { row: 6, outcome: 'error', errors: [{ column: 'End', message: expect.stringContaining('after start') }] },
    ]);
  }, 240_000);

  it('imports the families template: one family with two children, a teacher by e-mail, both date formats', async () => {
    const withTeacher = template('families.csv').replace('beginner,45.00,,', 'beginner,45.00,anna.kowalski@example.com,');
    const result = await importAndWait('kind=families', withTeacher);
    expect(result.counts).toMatchObject({ total: 2, created: 2, errors: 0 });
    const children = await s.database.db.sql.query<{ first_name: string; date_of_birth: string; teacher: string | null; lesson_rate_cents: number }>(
      `SELECT s.first_name, s.date_of_birth::text, tu.email AS teacher, s.lesson_rate_cents FROM students s JOIN users p ON p.id = s.parent_id
       LEFT JOIN teachers t ON t.id = s.teacher_id LEFT JOIN users tu ON tu.id = t.user_id WHERE p.email = 'maria.lopez@example.com' ORDER BY s.first_name`,
    );
    expect(children).toEqual([
      { first_name: 'Mateo', date_of_birth: '2012-09-21', teacher: null, lesson_rate_cents: 6000 },
      { first_name: 'Sofia', date_of_birth: '2015-03-04', teacher: 'anna.kowalski@example.com', lesson_rate_cents: 4500 },
    ]);
    const audit = await s.database.db.sql.query<{ actor_id: number }>(`SELECT actor_id FROM audit_log WHERE entity = 'student' AND request_id LIKE 'import:%'`);
    expect(audit.length).toBe(2);
    expect(audit.every((a) => Number(a.actor_id) === admin.id)).toBe(true);
  }, 240_000);
});
