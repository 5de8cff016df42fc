import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/db/orm-sql.js';
import { asCaller } from '../../src/modules/auth/scoped.js';
import { fieldsOf } from '../scheduling/helpers.js';
import { createPayrollSchool, type PayrollSchool } from './school.js';

describe('teacher pay rates', () => {
  let s: PayrollSchool;
  beforeAll(async () => {
    s = await createPayrollSchool();
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const url = (teacherId: number | null) => `/api/v1/teachers/${teacherId}/pay-rate`;

  it('refuses a bad rate with a 400 naming the field, storing nothing', async () => {
    for (const body of [
      { perHourCents: -1 },
      { perHourCents: 12.5 },
      { perHourCents: '6000' },
      {},
      { perHourCents: 100_001 },
      { perHourCents: 6000, effectiveFrom: '2025-13-01' },
    ]) {
      const res = await s.call(s.admin, 'PUT', url(s.alice.teacherId), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(res.body)[0]).toMatch(/^body\.(perHourCents|effectiveFrom)$/);
    }
    expect((await s.call(s.admin, 'PUT', url(999_999), { perHourCents: 6000 })).status).toBe(404);
    expect((await s.call(s.alice, 'PUT', url(s.alice.teacherId), { perHourCents: 9000 })).status).toBe(403);
    expect(await s.sql('SELECT id FROM teacher_pay_rates')).toEqual([]);
  });

  it('keeps the history: a later rate does not replace an earlier one; the same date does; audited', async () => {
    expect((await s.call(s.admin, 'PUT', url(s.alice.teacherId), { perHourCents: 5000, effectiveFrom: '2024-09-01' })).status).toBe(200);
    expect((await s.call(s.admin, 'PUT', url(s.alice.teacherId), { perHourCents: 5500, effectiveFrom: '2024-09-01' })).status).toBe(200);
    const res = await s.call(s.admin, 'PUT', url(s.alice.teacherId), { perHourCents: 6500, effectiveFrom: '2099-01-01' });
    expect(res.status).toBe(200);
    expect(res.body.current).toEqual({ perHourCents: 5500, effectiveFrom: '2024-09-01' });
    expect(res.body.history.map((r: { perHourCents: number; effectiveFrom: string }) => [r.perHourCents, r.effectiveFrom])).toEqual([
      [6500, '2099-01-01'],
      [5500, '2024-09-01'],
    ]);
    const audit = await s.sql<{ before: unknown; after: unknown }>(`SELECT before, after FROM audit_log WHERE entity = 'teacher' AND action = 'set_pay_rate' ORDER BY id`);
    expect(audit).toHaveLength(3);
    expect(audit[1]).toEqual({ before: { perHourCents: 5000, effectiveFrom: '2024-09-01' }, after: { perHourCents: 5500, effectiveFrom: '2024-09-01' } });
    // The price families see is another field, untouched.
    expect(await s.sql('SELECT hourly_rate_cents FROM teachers WHERE id = $1', [s.alice.teacherId])).toEqual([{ hourly_rate_cents: 6000 }]);
  });

  it('shows a teacher their own rate, and answers 404 for another teacher’s', async () => {
    const own = await s.call(s.alice, 'GET', url(s.alice.teacherId));
    expect(own.status).toBe(200);
    expect(own.body.current.perHourCents).toBe(5500);
    const other = await s.call(s.bob, 'GET', url(s.alice.teacherId));
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain('5500');
    expect((await s.call(s.parent, 'GET', url(s.alice.teacherId))).status).toBe(403);
    // Row-level security alone also hides the rate from Bob.
    const visibleTo = async (user: { id: number; role: 'teacher' }) =>
      rowsOf(await asCaller(s.t.database.db, { userId: user.id, role: user.role }, (tx) => tx.execute(sql`SELECT teacher_id FROM teacher_pay_rates`))).length;
    expect(await visibleTo({ id: s.bob.id, role: 'teacher' })).toBe(0);
    expect(await visibleTo({ id: s.alice.id, role: 'teacher' })).toBe(2);
  });

  it('validates the payroll policy setting', async () => {
    const res = await s.call(s.admin, 'PUT', '/api/v1/settings/payroll', { value: { noShow: { pay: 'percent', percent: 150 }, lateCancellation: { pay: 'full' } } });
    expect(res.status).toBe(400);
    const stored = await s.call(s.admin, 'GET', '/api/v1/settings/payroll');
    expect(stored.body.value).toEqual({ noShow: { pay: 'full', percent: 100 }, lateCancellation: { pay: 'full', percent: 100 } });
  });
});
