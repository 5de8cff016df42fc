import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../src/seed/index.js';
import { createTestApp, createUser, type TestApp } from '../helpers/app.js';
import { call, fieldsOf, type TestUser } from './helpers.js';

let t: TestApp;
let admin: TestUser;
let parent: TestUser;
beforeAll(async () => {
  t = await createTestApp({ env: { PUBLIC_RATE_LIMIT_MAX: '1000' } });
  await seedDatabase(t.database.db, { adminEmail: 'office@cedar.example', adminPassword: 'an-admin-password', timezone: 'America/Halifax', demo: true });
  admin = await createUser(t.database.db, 'admin');
  parent = await createUser(t.database.db, 'parent');
});
afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/public/teachers', () => {
  it('lists active teachers with public fields only, no token needed', async () => {
    const res = await call(t, null, 'GET', '/api/v1/public/teachers');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(4);
    const sarah = res.body.data.find((x: { firstName: string }) => x.firstName === 'Sarah');
    expect(sarah).toMatchObject({ lastInitial: 'M', displayName: 'Sarah M.', instruments: ['piano', 'voice'], acceptingStudents: true });
    for (const teacher of res.body.data) {
      expect(Object.keys(teacher).sort()).toEqual(['acceptingStudents', 'bio', 'displayName', 'firstName', 'id', 'instruments', 'lastInitial']);
    }
    const raw = JSON.stringify(res.body);
    expect(raw).not.toMatch(/@example\.com|\+1902|Mitchell|hourlyRate|6000/);
  });

  it('filters by instrument', async () => {
    const res = await call(t, null, 'GET', '/api/v1/public/teachers?instrument=violin');
    expect(res.body.data.map((x: { displayName: string }) => x.displayName)).toEqual(['Émilie A.']);
  });

  it('is rate limited per client', async () => {
    const limited = await createTestApp({ env: { PUBLIC_RATE_LIMIT_MAX: '2' } });
    try {
      const codes = [];
      for (let i = 0; i < 3; i += 1) codes.push((await limited.app.inject({ url: '/api/v1/public/pricing' })).statusCode);
      expect(codes).toEqual([200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('GET /api/v1/public/pricing', () => {
  it('answers the prices of the offered lesson lengths from the settings', async () => {
    const res = await call(t, null, 'GET', '/api/v1/public/pricing');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      currency: 'CAD',
      lessons: [
        { durationMinutes: 30, amountCents: 4500 },
        { durationMinutes: 45, amountCents: 6000 },
        { durationMinutes: 60, amountCents: 7500 },
      ],
      demoLessonCents: 0,
      instruments: ['piano', 'guitar', 'violin', 'voice', 'drums'],
    });
    await call(t, admin, 'PUT', '/api/v1/settings/pricing', { value: { currency: 'CAD', lessonCents: { '30': 5000, '45': 6500, '60': 8000 }, demoLessonCents: 1000 } });
    const after = await call(t, null, 'GET', '/api/v1/public/pricing');
    expect(after.body.lessons[0]).toEqual({ durationMinutes: 30, amountCents: 5000 });
    expect(after.body.demoLessonCents).toBe(1000);
  });
});

describe('GET /api/v1/audit', () => {
  it('answers the audit log newest first, filtered by entity, entityId and actor', async () => {
    const created = await call(t, admin, 'POST', '/api/v1/closures', { name: 'Audit day', startsOn: '2031-02-03', endsOn: '2031-02-03' });
    await call(t, admin, 'PATCH', `/api/v1/closures/${created.body.closure.id}`, { name: 'Audit days' });
    const res = await call(t, admin, 'GET', `/api/v1/audit?entity=closure&entityId=${created.body.closure.id}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.data.map((e: { action: string }) => e.action)).toEqual(['update', 'create']);
    expect(res.body.data[0]).toMatchObject({
      actorId: admin.id,
      actorRole: 'admin',
      entity: 'closure',
      entityId: String(created.body.closure.id),
      before: { name: 'Audit day' },
      after: { name: 'Audit days' },
    });
    expect(res.body.data[0].requestId).toEqual(expect.any(String));
    const mine = await call(t, admin, 'GET', `/api/v1/audit?actorId=${admin.id}&pageSize=1`);
    expect(mine.body).toMatchObject({ pageSize: 1, total: 3 });
    expect(mine.body.data[0].entity).toBe('closure');
  });

  it('validates its query and is admin only', async () => {
    expect(fieldsOf((await call(t, admin, 'GET', '/api/v1/audit?pageSize=500')).body)).toEqual(['querystring.pageSize']);
    expect(fieldsOf((await call(t, admin, 'GET', '/api/v1/audit?actorId=me')).body)).toEqual(['querystring.actorId']);
    expect((await call(t, parent, 'GET', '/api/v1/audit')).status).toBe(403);
    expect((await call(t, null, 'GET', '/api/v1/audit')).status).toBe(401);
  });
});

describe('the demo school through the records API', () => {
  it('a demo parent sees exactly their own children', async () => {
    const [family] = await t.database.db.sql.query<{ id: number; email: string }>(`SELECT id, email FROM users WHERE email = 'jennifer.thompson@example.com'`);
    const { bearerFor } = await import('../helpers/app.js');
    const headers = await bearerFor({ id: family!.id, role: 'parent', email: family!.email });
    const res = await t.app.inject({ url: '/api/v1/students?sort=firstName', headers });
    const body = JSON.parse(res.body);
    expect(body.data.map((s: { firstName: string }) => s.firstName)).toEqual(['Emma', 'Noah']);
    const all = await call(t, admin, 'GET', '/api/v1/students?pageSize=200');
    expect(all.body.total).toBeGreaterThan(2);
  });

  it('the OpenAPI document includes the records routes', async () => {
    const doc = JSON.parse((await t.app.inject({ url: '/openapi.json' })).body);
    for (const path of [
      '/api/v1/students',
      '/api/v1/teachers/{id}/availability',
      '/api/v1/academic-years/{id}',
      '/api/v1/settings/{key}',
      '/api/v1/public/pricing',
      '/api/v1/audit',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });
});

describe('GET /api/v1/public/school', () => {
  it("answers the school's name, zone and contact from the settings, and follows a change", async () => {
    const res = await call(t, null, 'GET', '/api/v1/public/school');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['currency', 'email', 'name', 'phone', 'timezone']);
    const school = (await call(t, admin, 'GET', '/api/v1/settings/school')).body.value;
    await call(t, admin, 'PUT', '/api/v1/settings/school', { value: { ...school, name: 'Maple Strings' } });
    expect((await call(t, null, 'GET', '/api/v1/public/school')).body.name).toBe('Maple Strings');
    await call(t, admin, 'PUT', '/api/v1/settings/school', { value: school });
  });
});
