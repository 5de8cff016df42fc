import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchoolSettings, schoolSettings, type SettingProblem } from '../../src/modules/settings/reader.js';
import { captureLogs } from '../auth/fixtures.js';
import { createTestApp, createUser, type TestApp } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const store = (t: TestDatabase, key: string, value: unknown) =>
  t.db.sql.query(`INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [key, JSON.stringify(value)]);

describe('the settings reader', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('uses valid stored values, and the default (reported once) for a stored value its schema refuses', async () => {
    await t.db.sql.query('DELETE FROM settings');
    await store(t, 'instruments', ['piano', 'cello']);
    await store(t, 'bufferMinutes', 'ten');
    await store(t, 'pricing', { currency: 'CAD', lessonCents: { '30': -5 }, demoLessonCents: 0 });
    await store(t, 'demoSeededAt', '2030-01-01T00:00:00Z');
    const reader = new SchoolSettings(t.db.sql, { ttlMs: 0, timezone: 'America/Toronto' });
    const reported: (readonly SettingProblem[])[] = [];
    reader.onProblems((problems) => reported.push(problems));

    const settings = await reader.get();
    expect(settings.instruments).toEqual(['piano', 'cello']);
    expect(settings.bufferMinutes).toBe(reader.defaults.bufferMinutes);
    expect(settings.pricing).toEqual(reader.defaults.pricing);
    expect(settings.timezone).toBe('America/Toronto');
    expect(settings).not.toHaveProperty('demoSeededAt');
    expect(reader.problems.map((p) => p.key).sort()).toEqual(['bufferMinutes', 'pricing']);
    expect(reader.problems.find((p) => p.key === 'pricing')?.message).toMatch(/^lessonCents\.30: /);

    await reader.get();
    expect(reported).toHaveLength(1);
    await store(t, 'bufferMinutes', 15);
    await store(t, 'pricing', { currency: 'CAD', lessonCents: { '30': 5000 }, demoLessonCents: 0 });
    expect((await reader.get()).bufferMinutes).toBe(15);
    expect(reader.problems).toEqual([]);
  });

  it('hands out a frozen copy, so no caller can change what the others read', async () => {
    const settings = await new SchoolSettings(t.db.sql, { ttlMs: 0, timezone: 'UTC' }).get();
    expect(() => settings.instruments.push('kazoo')).toThrow(TypeError);
    expect(() => {
      settings.pricing.lessonCents['30'] = 1;
    }).toThrow(TypeError);
  });

  it('reuses a read for ttlMs of its clock; fresh() and invalidate() read again', async () => {
    let now = 0;
    const reader = new SchoolSettings(t.db.sql, { ttlMs: 1000, timezone: 'UTC', clock: () => now });
    await store(t, 'cancellationWindowHours', 24);
    expect((await reader.get()).cancellationWindowHours).toBe(24);

    await store(t, 'cancellationWindowHours', 48);
    now = 999;
    expect((await reader.get()).cancellationWindowHours).toBe(24);
    now = 1000;
    expect((await reader.get()).cancellationWindowHours).toBe(48);

    await store(t, 'cancellationWindowHours', 72);
    expect((await reader.get()).cancellationWindowHours).toBe(48);
    expect((await reader.fresh()).cancellationWindowHours).toBe(72);

    await store(t, 'cancellationWindowHours', 96);
    expect((await reader.get()).cancellationWindowHours).toBe(72);
    reader.invalidate();
    expect((await reader.get()).cancellationWindowHours).toBe(96);
  });

  it('with ttlMs 0 reads on every call', async () => {
    const reader = new SchoolSettings(t.db.sql, { ttlMs: 0, timezone: 'UTC', clock: () => 0 });
    await store(t, 'minimumNoticeHours', 1);
    expect((await reader.get()).minimumNoticeHours).toBe(1);
    await store(t, 'minimumNoticeHours', 2);
    expect((await reader.get()).minimumNoticeHours).toBe(2);
  });
});

describe('the settings reader of an app', () => {
  let t: TestApp;
  const logs = captureLogs();
  beforeAll(async () => {
    // A TTL longer than the test: only an invalidation can show a change.
    t = await createTestApp({ env: { SETTINGS_CACHE_MS: '600000' }, deps: { logger: logs.logger } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is invalidated by a write through the settings API', async () => {
    const admin = await createUser(t.database.db, 'admin');
    const reader = schoolSettings(t.database.db, t.config);
    expect(reader).toBe(schoolSettings(t.database.db, t.config));
    const before = (await reader.get()).rescheduleWindowHours;

    // A change behind the app's back stays unseen for the TTL: the copy is reused.
    await t.database.db.sql.query(`INSERT INTO settings (key, value) VALUES ('rescheduleWindowHours', '100') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`);
    expect((await reader.get()).rescheduleWindowHours).toBe(before);

    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/settings/rescheduleWindowHours', headers: admin.headers, payload: { value: 12 } });
    expect(res.statusCode).toBe(200);
    expect((await reader.get()).rescheduleWindowHours).toBe(12);

    // A refused write changes nothing and names the field.
    const bad = await t.app.inject({ method: 'PUT', url: '/api/v1/settings/rescheduleWindowHours', headers: admin.headers, payload: { value: 'soon' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('body.value');
    expect((await reader.get()).rescheduleWindowHours).toBe(12);
  });

  it('answers with the defaults of invalid stored values, and logs them', async () => {
    await t.database.db.sql.query(
      `INSERT INTO settings (key, value) VALUES ('pricing', '{"currency":"CAD","lessonCents":{"30":"free"},"demoLessonCents":0}') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    );
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/public/pricing' });
    expect(res.statusCode).toBe(200);
    const defaults = schoolSettings(t.database.db, t.config).defaults.pricing;
    expect(res.json()).toMatchObject({ currency: defaults.currency, demoLessonCents: defaults.demoLessonCents });
    expect(res.json().lessons).toContainEqual({ durationMinutes: 30, amountCents: defaults.lessonCents['30'] });
    expect(logs.text()).toContain('invalid stored settings');
    expect(logs.text()).toContain('lessonCents.30');
  });
});
