import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/app.js';
import { auditRows, call, createWorld, fieldsOf, yearsAgo, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w?.t.close();
});

const profile = { instruments: ['violin', 'piano'], hourlyRateCents: 6500, maxStudents: 12, bio: 'Orchestral violinist' };

describe('POST /api/v1/teachers', () => {
  it('creates the account and the profile in one go, audited', async () => {
    const res = await call(w.t, w.admin, 'POST', '/api/v1/teachers', { user: { email: 'Maria.Lopez@Example.com', firstName: 'Maria', lastName: 'Lopez' }, ...profile });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      firstName: 'Maria',
      lastName: 'Lopez',
      email: 'maria.lopez@example.com',
      instruments: ['violin', 'piano'],
      hourlyRateCents: 6500,
      maxStudents: 12,
      studentCount: 0,
      isAvailable: true,
      acceptingStudents: true,
      weeklyHours: [],
      upcomingTimeOff: [],
    });
    const [user] = await w.t.database.db.sql.query<{ role: string; password_hash: string | null }>('SELECT role, password_hash FROM users WHERE id = $1', [res.body.userId]);
    expect(user).toEqual({ role: 'teacher', password_hash: null });
    expect((await auditRows(w.t, 'teacher', res.body.id))[0]).toMatchObject({ action: 'create', actor_id: w.admin.id });
    expect((await auditRows(w.t, 'user', res.body.userId))[0]!.after).toMatchObject({ email: 'maria.lopez@example.com' });
    const again = await call(w.t, w.admin, 'POST', '/api/v1/teachers', { user: { email: 'maria.lopez@example.com', firstName: 'M', lastName: 'L' }, ...profile });
    expect(again.status).toBe(409);
    expect(fieldsOf(again.body)).toEqual(['body.user.email']);
  });

  it('attaches a profile to an existing teacher account', async () => {
    const [row] = await w.t.database.db.sql.query<{ id: number }>(
      `INSERT INTO users (email, first_name, last_name, role) VALUES ('bare.teacher@example.com', 'Bare', 'Teacher', 'teacher') RETURNING id`,
    );
    const res = await call(w.t, w.admin, 'POST', '/api/v1/teachers', { userId: row!.id, ...profile });
    expect(res.status).toBe(201);
    expect(res.body.userId).toBe(row!.id);
    expect((await call(w.t, w.admin, 'POST', '/api/v1/teachers', { userId: row!.id, ...profile })).status).toBe(409);
  });

  it.each([
    [{ userId: 1, user: { email: 'x@example.com', firstName: 'x', lastName: 'y' } }, 'body.userId'],
    [{}, 'body.userId'],
    [{ user: { email: 'new1@example.com', firstName: 'N', lastName: 'T' }, instruments: ['banjo'] }, 'body.instruments.0'],
    [{ user: { email: 'new2@example.com', firstName: 'N', lastName: 'T' }, instruments: [] }, 'body.instruments'],
    [{ user: { email: 'new3@example.com', firstName: 'N', lastName: 'T' }, hourlyRateCents: 2000 }, 'body.hourlyRateCents'],
    [{ user: { email: 'new4@example.com', firstName: 'N', lastName: 'T' }, maxStudents: 51 }, 'body.maxStudents'],
    [{ user: { email: 'bad', firstName: 'N', lastName: 'T' } }, 'body.user.email'],
  ])('refuses %j naming %s', async (extra, field) => {
    const res = await call(w.t, w.admin, 'POST', '/api/v1/teachers', { ...profile, ...extra });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toContain(field);
  });

  it('refuses a user who is not a teacher', async () => {
    const res = await call(w.t, w.admin, 'POST', '/api/v1/teachers', { userId: w.parent.id, ...profile });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].message).toMatch(/role parent/);
  });

  it('is admin only', async () => {
    expect((await call(w.t, w.teacher, 'POST', '/api/v1/teachers', { userId: w.teacher.id, ...profile })).status).toBe(403);
    expect((await call(w.t, w.parent, 'POST', '/api/v1/teachers', { userId: w.teacher.id, ...profile })).status).toBe(403);
  });
});

describe('GET /api/v1/teachers', () => {
  it('shows parents public-safe fields only and admins everything', async () => {
    const asParent = await call(w.t, w.parent, 'GET', `/api/v1/teachers?q=${encodeURIComponent('maria')}`);
    expect(asParent.status).toBe(200);
    const item = asParent.body.data[0];
    expect(Object.keys(item).sort()).toEqual(['acceptingStudents', 'bio', 'firstName', 'id', 'instruments', 'isAvailable', 'lastName']);
    const asAdmin = await call(w.t, w.admin, 'GET', '/api/v1/teachers?q=maria');
    expect(asAdmin.body.data[0]).toMatchObject({ email: 'maria.lopez@example.com', hourlyRateCents: 6500, maxStudents: 12, studentCount: 0 });
  });

  it('filters by instrument and by available (accepting students, below capacity)', async () => {
    const violin = await call(w.t, w.teacher, 'GET', '/api/v1/teachers?instrument=Violin');
    expect(violin.body.data.every((t: { instruments: string[] }) => t.instruments.includes('violin'))).toBe(true);
    expect(violin.body.total).toBe(2);
    await w.t.database.db.sql.query('UPDATE teachers SET max_students = 1 WHERE id = $1', [w.otherTeacher.teacherId]);
    await call(w.t, w.admin, 'POST', '/api/v1/students', {
      parentId: w.parent.id,
      teacherId: w.otherTeacher.teacherId,
      firstName: 'Full',
      lastName: 'House',
      dateOfBirth: yearsAgo(10),
      instrument: 'piano',
      lessonRateCents: 4500,
    });
    // The parent cannot see the other teacher's student, yet the count behind `available` is the real one.
    const available = await call(w.t, w.parent, 'GET', '/api/v1/teachers?available=true&pageSize=200');
    const ids = available.body.data.map((t: { id: number }) => t.id);
    expect(ids).toContain(w.teacher.teacherId);
    expect(ids).not.toContain(w.otherTeacher.teacherId);
    const full = await call(w.t, w.parent, 'GET', '/api/v1/teachers?available=false');
    expect(full.body.data.map((t: { id: number }) => t.id)).toEqual([w.otherTeacher.teacherId]);
  });

  it('hides deactivated teachers from non-admins; admins may ask for them', async () => {
    const created = await createUser(w.t.database.db, 'teacher', { firstName: 'Retired' });
    await w.t.database.db.sql.query('UPDATE users SET is_active = false WHERE id = $1', [created.id]);
    expect((await call(w.t, w.parent, 'GET', '/api/v1/teachers?q=retired&active=all')).body.total).toBe(0);
    expect((await call(w.t, w.admin, 'GET', '/api/v1/teachers?q=retired')).body.total).toBe(0);
    expect((await call(w.t, w.admin, 'GET', '/api/v1/teachers?q=retired&active=false')).body.data[0]).toMatchObject({ isActive: false });
  });

  it('needs a token', async () => {
    expect((await call(w.t, null, 'GET', '/api/v1/teachers')).status).toBe(401);
  });
});

describe('GET and PATCH /api/v1/teachers/{id}', () => {
  it('admin and the teacher themself read the profile; others get 403', async () => {
    expect((await call(w.t, w.admin, 'GET', `/api/v1/teachers/${w.teacher.teacherId}`)).body).toMatchObject({ id: w.teacher.teacherId, timezone: 'America/Halifax' });
    expect((await call(w.t, w.teacher, 'GET', `/api/v1/teachers/${w.teacher.teacherId}`)).status).toBe(200);
    expect((await call(w.t, w.teacher, 'GET', `/api/v1/teachers/${w.otherTeacher.teacherId}`)).status).toBe(403);
    expect((await call(w.t, w.parent, 'GET', `/api/v1/teachers/${w.teacher.teacherId}`)).status).toBe(403);
    expect((await call(w.t, w.admin, 'GET', '/api/v1/teachers/999999')).status).toBe(404);
    expect(fieldsOf((await call(w.t, w.admin, 'GET', '/api/v1/teachers/nope')).body)).toEqual(['params.id']);
  });

  it('a teacher may change their own bio, and nothing else', async () => {
    const ok = await call(w.t, w.teacher, 'PATCH', `/api/v1/teachers/${w.teacher.teacherId}`, { bio: 'Jazz piano' });
    expect(ok.status).toBe(200);
    expect(ok.body.bio).toBe('Jazz piano');
    const rate = await call(w.t, w.teacher, 'PATCH', `/api/v1/teachers/${w.teacher.teacherId}`, { hourlyRateCents: 20000 });
    expect(rate.status).toBe(403);
    expect(rate.body.error.message).toMatch(/hourlyRateCents/);
    expect((await call(w.t, w.teacher, 'PATCH', `/api/v1/teachers/${w.otherTeacher.teacherId}`, { bio: 'hacked' })).status).toBe(403);
    expect((await call(w.t, w.parent, 'PATCH', `/api/v1/teachers/${w.teacher.teacherId}`, { bio: 'hacked' })).status).toBe(403);
  });

  it('admin changes rate, capacity and instruments, audited; conflicting changes answer 409', async () => {
    const id = w.teacher.teacherId!;
    const res = await call(w.t, w.admin, 'PATCH', `/api/v1/teachers/${id}`, { hourlyRateCents: 7000, instruments: ['piano', 'voice'], maxStudents: 5 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ hourlyRateCents: 7000, instruments: ['piano', 'voice'], maxStudents: 5 });
    const audit = await auditRows(w.t, 'teacher', id);
    expect(audit.at(-1)!.before.hourlyRateCents).toBe(6000);
    expect(audit.at(-1)!.after.hourlyRateCents).toBe(7000);

    expect(fieldsOf((await call(w.t, w.admin, 'PATCH', `/api/v1/teachers/${id}`, { instruments: ['piano', 'tuba'] })).body)).toEqual(['body.instruments.1']);
    expect(fieldsOf((await call(w.t, w.admin, 'PATCH', `/api/v1/teachers/${id}`, { hourlyRateCents: 20001 })).body)).toEqual(['body.hourlyRateCents']);
    await call(w.t, w.admin, 'POST', '/api/v1/students', {
      parentId: w.parent.id,
      teacherId: id,
      firstName: 'Pia',
      lastName: 'No',
      dateOfBirth: yearsAgo(8),
      instrument: 'piano',
      lessonRateCents: 4500,
    });
    const drop = await call(w.t, w.admin, 'PATCH', `/api/v1/teachers/${id}`, { instruments: ['voice'] });
    expect(drop.status).toBe(409);
    expect(drop.body.error.message).toMatch(/piano/);
    expect((await call(w.t, w.admin, 'PATCH', `/api/v1/teachers/${id}`, { maxStudents: 0 })).status).toBe(400);
  });
});
