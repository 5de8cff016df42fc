import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ_CACHE_HEADER } from '../../src/http/read-cache.js';
import { createTestApp, createUser } from '../helpers/app.js';
import { onRealPostgres } from '../helpers/db.js';
import { call, createWorld, yearsAgo, type TestUser, type World } from './helpers.js';

/**
 * The read cache (src/http/read-cache.ts) must never answer with data older than a change
 * committed before the request: not after an API write, not after a write by another connection
 * (another process), and not across callers.
 */
let w: World;
let studentId: number;
/** Runs SQL as another process would: its own connection on PostgreSQL, the shared instance on PGlite. */
let otherProcess: { query(text: string, params?: unknown[]): Promise<unknown>; close(): Promise<void> };

beforeAll(async () => {
  w = await createWorld();
  if (onRealPostgres) {
    const client = new pg.Client({ connectionString: w.t.database.url });
    await client.connect();
    otherProcess = { query: (text, params) => client.query(text, params), close: () => client.end() };
  } else {
    const sql = w.t.database.db.sql;
    otherProcess = { query: (text, params) => sql.query(text, params), close: async () => undefined };
  }
  const created = await call(w.t, w.admin, 'POST', '/api/v1/students', {
    parentId: w.parent.id,
    teacherId: w.teacher.teacherId,
    firstName: 'Maya',
    lastName: 'Cached',
    dateOfBirth: yearsAgo(10),
    instrument: 'piano',
    lessonRateCents: 4500,
  });
  expect(created.status).toBe(201);
  studentId = created.body.id;
});
afterAll(async () => {
  await otherProcess?.close();
  await w?.t.close();
});

async function read(user: TestUser, url: string) {
  const response = await w.t.app.inject({ method: 'GET', url, headers: user.headers });
  return { status: response.statusCode, cache: response.headers[READ_CACHE_HEADER], body: JSON.parse(response.body) as Record<string, any> };
}

describe('read cache', () => {
  it('answers a repeated read from memory, with the same body and type', async () => {
    const url = `/api/v1/students/${studentId}`;
    const first = await read(w.admin, url);
    const second = await w.t.app.inject({ method: 'GET', url, headers: w.admin.headers });
    expect(first.status).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.headers[READ_CACHE_HEADER]).toBe('hit');
    expect(second.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(second.body)).toEqual(first.body);
  });

  it('shows an API write at the next read', async () => {
    const url = `/api/v1/students/${studentId}`;
    await read(w.admin, url);
    const patched = await call(w.t, w.admin, 'PATCH', url, { notes: 'moved to Thursdays' });
    expect(patched.status).toBe(200);
    const after = await read(w.admin, url);
    expect(after.cache).toBe('miss');
    expect(after.body.notes).toBe('moved to Thursdays');
  });

  it('shows a change committed by another process at the very next read, every time', async () => {
    const url = `/api/v1/students/${studentId}`;
    for (let round = 0; round < 25; round += 1) {
      await read(w.admin, url); // cached
      await otherProcess.query('UPDATE students SET first_name = $1 WHERE id = $2', [`Maya${round}`, studentId]);
      const after = await read(w.admin, url);
      expect(after.body.firstName).toBe(`Maya${round}`);
    }
  });

  it('shows a settings change at the next read of an answer built from settings (public pricing)', async () => {
    const pricing = () => w.t.app.inject({ method: 'GET', url: '/api/v1/public/pricing' });
    const before = await pricing();
    expect(before.statusCode).toBe(200);
    expect((await pricing()).headers[READ_CACHE_HEADER]).toBe('hit');
    await otherProcess.query(
      `INSERT INTO settings (key, value) VALUES ('pricing', $1::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [JSON.stringify({ currency: 'CAD', lessonCents: { '30': 4321, '45': 6000, '60': 7500 }, demoLessonCents: 0 })],
    );
    const after = await pricing();
    expect(after.headers[READ_CACHE_HEADER]).toBe('miss');
    expect(after.body).toContain('4321');
  });

  it('sends a hit byte for byte as the miss, multi-byte characters, length and headers included', async () => {
    const url = `/api/v1/students/${studentId}`;
    expect((await call(w.t, w.admin, 'PATCH', url, { notes: 'Zoë 🎹 jeudi, 李' })).status).toBe(200);
    const miss = await w.t.app.inject({ method: 'GET', url, headers: w.admin.headers });
    const hit = await w.t.app.inject({ method: 'GET', url, headers: w.admin.headers });
    expect([miss.headers[READ_CACHE_HEADER], hit.headers[READ_CACHE_HEADER]]).toEqual(['miss', 'hit']);
    expect(hit.rawPayload.equals(miss.rawPayload)).toBe(true);
    expect(JSON.parse(hit.body).notes).toBe('Zoë 🎹 jeudi, 李');
    for (const answer of [miss, hit]) {
      expect(answer.headers['content-length']).toBe(String(answer.rawPayload.length));
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    }
  });

  it('keeps the cache-control of a public answer on its hits (public timeslots)', async () => {
    const hours = await call(
      w.t,
      w.admin,
      'PUT',
      `/api/v1/teachers/${w.teacher.teacherId}/availability`,
      [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
    );
    expect(hours.status).toBe(200);
    const url = `/api/v1/public/timeslots?teacherId=${w.teacher.teacherId}&duration=30`;
    const miss = await w.t.app.inject({ method: 'GET', url });
    const hit = await w.t.app.inject({ method: 'GET', url });
    expect([miss.statusCode, hit.statusCode]).toEqual([200, 200]);
    expect(hit.headers[READ_CACHE_HEADER]).toBe('hit');
    expect(JSON.parse(miss.body).data.length).toBeGreaterThan(0);
    expect(hit.rawPayload.equals(miss.rawPayload)).toBe(true);
    expect(hit.headers['cache-control']).toBe('public, max-age=10');
    expect(hit.headers['content-type']).toBe(miss.headers['content-type']);
  });

  it('reads once for many identical requests arriving together (single flight)', async () => {
    const url = '/api/v1/teachers?pageSize=50';
    const answers = await Promise.all(Array.from({ length: 12 }, () => w.t.app.inject({ method: 'GET', url, headers: w.admin.headers })));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(200));
    expect(answers.filter((a) => a.headers[READ_CACHE_HEADER] === 'miss')).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
  });

  it('keeps answers per caller: row-level security still decides', async () => {
    const url = `/api/v1/students/${studentId}`;
    expect((await read(w.parent, url)).status).toBe(200);
    expect((await read(w.parent, url)).cache).toBe('hit');
    expect((await read(w.otherParent, url)).status).toBe(404);
    const own = await read(w.parent, '/api/v1/students?pageSize=50');
    const others = await read(w.otherParent, '/api/v1/students?pageSize=50');
    expect(own.body.data.map((s: { id: number }) => s.id)).toContain(studentId);
    expect(others.body.data).toEqual([]);
  });

  it('refuses a caller deactivated elsewhere although their answer is cached', async () => {
    const url = `/api/v1/students/${studentId}`;
    await read(w.otherParent, url);
    await read(w.otherParent, url);
    await otherProcess.query('UPDATE users SET is_active = false WHERE id = $1', [w.otherParent.id]);
    expect((await read(w.otherParent, url)).status).toBe(401);
    await otherProcess.query('UPDATE users SET is_active = true WHERE id = $1', [w.otherParent.id]);
  });

  it('still refuses bad input with a 400 naming the field, never from the cache', async () => {
    for (let i = 0; i < 2; i += 1) {
      const bad = await read(w.admin, '/api/v1/students?pageSize=abc');
      expect(bad.status).toBe(400);
      expect(bad.cache).toBeUndefined();
      expect(bad.body.error.details.map((d: { field: string }) => d.field)).toContain('querystring.pageSize');
    }
  });

  it('caches a conflict check per body, and a booking changes its answer', async () => {
    const hours = await call(
      w.t,
      w.admin,
      'PUT',
      `/api/v1/teachers/${w.teacher.teacherId}/availability`,
      [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
    );
    expect(hours.status).toBe(200);
    const inTwoWeeks = Math.ceil((Date.now() + 14 * 86_400_000) / 3_600_000) * 3_600_000;
    const proposal = { teacherId: w.teacher.teacherId, studentId, scheduledAt: new Date(inTwoWeeks).toISOString(), durationMinutes: 30 };
    const check = () => w.t.app.inject({ method: 'POST', url: '/api/v1/lessons/check-conflicts', headers: w.admin.headers, payload: proposal });
    const first = await check();
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body).ok).toBe(true);
    expect((await check()).headers[READ_CACHE_HEADER]).toBe('hit');
    const booked = await call(w.t, w.admin, 'POST', '/api/v1/lessons', proposal);
    expect(booked.status).toBe(201);
    const after = await check();
    expect(after.headers[READ_CACHE_HEADER]).toBe('miss');
    expect(JSON.parse(after.body).ok).toBe(false);
  });

  it.runIf(onRealPostgres)(
    'goes to the database while its listening connection is lost, and caches again once it is back',
    async () => {
      const url = `/api/v1/students/${studentId}`;
      await read(w.admin, url);
      expect((await read(w.admin, url)).cache).toBe('hit');
      const killed = (await otherProcess.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND (query LIKE 'LISTEN%' OR query = 'SELECT 1' OR query = 'UNLISTEN *')`,
      )) as { rowCount: number };
      expect(killed.rowCount).toBeGreaterThan(0);
      await otherProcess.query('UPDATE students SET first_name = $1 WHERE id = $2', ['Offline', studentId]);
      let seen: Awaited<ReturnType<typeof read>> | undefined;
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
        seen = await read(w.admin, url);
        expect(seen.body.firstName).toBe('Offline'); // never the cached name
        if (seen.cache === 'hit') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seen?.cache).toBe('hit');
    },
    60_000,
  );
});

describe('read cache turned off (READ_CACHE_TTL_MS=0)', () => {
  it('answers every read from the database, and holds no LISTEN connection', async () => {
    const t = await createTestApp({ env: { READ_CACHE_TTL_MS: '0' } });
    try {
      const admin = await createUser(t.database.db, 'admin');
      for (let i = 0; i < 2; i += 1) {
        const response = await t.app.inject({ method: 'GET', url: '/api/v1/students', headers: admin.headers });
        expect(response.statusCode).toBe(200);
        expect(response.headers[READ_CACHE_HEADER]).toBeUndefined();
      }
      if (onRealPostgres) {
        const listening = await t.database.db.sql.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`);
        expect(listening).toEqual([]);
      }
    } finally {
      await t.close();
    }
  });
});
