/**
 * Read logging: staff reads of a family's full record (a student, a lesson with its notes, a
 * parent's account) are audit rows `action: read`, listed by GET /audit?action=read&entity=…&
 * entityId=…, also when the answer came from the read cache; a parent reading their own is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createTwoFamilies, type TwoFamilies } from '../auth/fixtures.js';

describe('read logging', () => {
  let t: TestApp;
  let f: TwoFamilies;

  beforeAll(async () => {
    t = await createTestApp();
    f = await createTwoFamilies(t.database.db);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });
  /** The read entries about one record, as the owner queries them. */
  async function readsOf(entity: string, id: number) {
    await t.app.readLogSettled();
    const res = await get(`/api/v1/audit?action=read&entity=${entity}&entityId=${id}`, f.admin.headers);
    expect(res.statusCode).toBe(200);
    return res.json() as { total: number; data: Array<{ actorId: number; actorRole: string; action: string; entity: string; entityId: string; requestId: string }> };
  }

  it("a teacher reading a student's record makes a read entry; GET /audit?action=read lists it", async () => {
    const res = await get(`/api/v1/students/${f.childA}`, f.teacherA.headers);
    expect(res.statusCode).toBe(200);
    const reads = await readsOf('student', f.childA);
    expect(reads.total).toBe(1);
    expect(reads.data[0]).toMatchObject({
      actorId: f.teacherA.id,
      actorRole: 'teacher',
      action: 'read',
      entity: 'student',
      entityId: String(f.childA),
      requestId: res.headers['x-request-id'],
    });
  });

  it('a read served from the read cache is logged too', async () => {
    const before = (await readsOf('student', f.childA)).total;
    const first = await get(`/api/v1/students/${f.childA}`, f.admin.headers);
    const second = await get(`/api/v1/students/${f.childA}`, f.admin.headers);
    expect(second.headers['x-read-cache']).toBe('hit');
    expect(second.json()).toEqual(first.json());
    const reads = await readsOf('student', f.childA);
    expect(reads.total).toBe(before + 2);
    expect(reads.data.slice(0, 2).map((r) => r.actorId)).toEqual([f.admin.id, f.admin.id]);
  });

  it("lessons (with their notes) and a parent's account read by staff are logged; the family's own reads and refusals are not", async () => {
    expect((await get(`/api/v1/lessons/${f.lessonA}`, f.teacherA.headers)).statusCode).toBe(200);
    expect((await get(`/api/v1/users/${f.parentA.id}`, f.admin.headers)).statusCode).toBe(200);
    expect((await readsOf('lesson', f.lessonA)).data.map((r) => r.actorId)).toEqual([f.teacherA.id]);
    expect((await readsOf('user', f.parentA.id)).data.map((r) => r.actorId)).toEqual([f.admin.id]);

    // The parent reads their own child, lesson and account; another teacher is refused.
    expect((await get(`/api/v1/students/${f.childA}`, f.parentA.headers)).statusCode).toBe(200);
    expect((await get(`/api/v1/lessons/${f.lessonA}`, f.parentA.headers)).statusCode).toBe(200);
    expect((await get(`/api/v1/users/${f.parentA.id}`, f.parentA.headers)).statusCode).toBe(200);
    expect((await get(`/api/v1/students/${f.childA}`, f.teacherB.headers)).statusCode).toBe(404);
    expect((await get(`/api/v1/users/${f.admin.id}`, f.admin.headers)).statusCode).toBe(200);
    expect((await readsOf('student', f.childA)).data.every((r) => r.actorRole !== 'parent' && r.actorId !== f.teacherB.id)).toBe(true);
    expect((await readsOf('lesson', f.lessonA)).total).toBe(1);
    expect((await readsOf('user', f.parentA.id)).total).toBe(1);
    expect((await readsOf('user', f.admin.id)).total).toBe(0);
  });
});
