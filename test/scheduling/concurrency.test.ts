import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onRealPostgres } from '../helpers/db.js';
import { createSchool, insertStudent, lessonBody, nextMonday, type School } from './helpers.js';

describe.runIf(onRealPostgres)('concurrent booking on PostgreSQL', () => {
  let s: School;
  beforeAll(async () => {
    s = await createSchool();
  });
  afterAll(async () => {
    await s?.t.close();
  });

  it('books one slot once: of 50 simultaneous requests exactly one gets 201, 49 get 409', async () => {
    // 50 different students of the same teacher, all asking for the same slot at the same moment.
    const students = await Promise.all(Array.from({ length: 50 }, () => insertStudent(s.db, s.parent.id, s.teacher.teacherId!)));
    const scheduledAt = nextMonday(7, '16:00');
    const responses = await Promise.all(
      students.map((studentId) => s.t.app.inject({ method: 'POST', url: '/api/v1/lessons', headers: s.admin.headers, payload: { ...lessonBody(s, scheduledAt), studentId } })),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses.filter((code) => code === 201)).toHaveLength(1);
    expect(statuses.filter((code) => code === 409)).toHaveLength(49);
    const losers = responses.filter((r) => r.statusCode === 409).map((r) => r.json());
    expect(losers.every((b) => b.error.code === 'conflict' && Array.isArray(b.error.details.alternatives))).toBe(true);
    const [row] = await s.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM lessons WHERE teacher_id = $1 AND scheduled_at = $2::timestamptz`, [
      s.teacher.teacherId,
      scheduledAt,
    ]);
    expect(row!.n).toBe(1);
  });
});
