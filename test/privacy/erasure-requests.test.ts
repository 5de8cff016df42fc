/**
 * Erasure requests: who may ask, the admin's decision, money owed (409 naming the balance unless
 * an admin overrides, recorded and audited), bad input (400 naming the field, nothing written).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debtHelpers } from '../payments/debts.js';
import { createPaymentWorld, type Family, type PaymentWorld, type User } from '../payments/fixture.js';

let w: PaymentWorld;
let h: ReturnType<typeof debtHelpers>;

beforeAll(async () => {
  w = await createPaymentWorld('simulated');
  h = debtHelpers(w);
}, 60_000);
afterAll(async () => {
  await w?.close();
});

const post = (url: string, user: User, payload: Record<string, unknown>) => w.stack.app.inject({ method: 'POST', url, headers: user.headers, payload });
const get = (url: string, user: User) => w.stack.app.inject({ method: 'GET', url, headers: user.headers });
const requests = async (userId: number) => (await w.sql<{ n: number }>('SELECT count(*)::int AS n FROM erasure_requests WHERE user_id = $1', [userId]))[0]!.n;
const settle = async (runId: string) => expect((await w.stack.engine.waitFor(runId, 60_000)).status).toBe('succeeded');

describe('erasure requests', () => {
  let owing: Family;

  beforeAll(async () => {
    owing = await w.family(1);
    await h.declined(owing); // a failed payment of 4500 cents, not settled
  }, 60_000);

  it('refuses while the family owes money: 409 naming the balance, for the parent and for the admin, writing nothing', async () => {
    for (const user of [owing.parent, w.admin]) {
      const res = await post('/api/v1/privacy/erasures', user, { userId: owing.parent.id, reason: 'Leaving' });
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error.message).toContain('4500 cents');
      expect(res.json().error.details).toEqual({ balanceCents: 4500, failedPaymentsCents: 4500, unpaidInvoicesCents: 0 });
    }
    expect(await requests(owing.parent.id)).toBe(0);
  });

  it('erases anyway when an admin gives overrideReason, recorded and audited', { timeout: 90_000 }, async () => {
    const parentTries = await post('/api/v1/privacy/erasures', owing.parent, { userId: owing.parent.id, reason: 'Leaving', overrideReason: 'Please' });
    expect(parentTries.statusCode).toBe(400);
    expect(parentTries.json().error.details).toEqual([expect.objectContaining({ field: 'body.overrideReason' })]);
    const res = await post('/api/v1/privacy/erasures', w.admin, { userId: owing.parent.id, reason: 'Leaving', overrideReason: 'Debt written off by the owner' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ status: 'approved', balanceCents: 4500, overrideReason: 'Debt written off by the owner', decidedBy: w.admin.id });
    await settle(res.json().runId);
    const [audit] = await w.sql<{ actor_id: number; after: Record<string, unknown> }>(
      `SELECT actor_id, after FROM audit_log WHERE action = 'erasure.approved' AND entity_id = $1`,
      [String(res.json().id)],
    );
    expect(audit).toMatchObject({ actor_id: w.admin.id, after: { overrideReason: 'Debt written off by the owner', balanceCents: 4500 } });
    // the debt stays in the books, anonymised
    const [debt] = await w.sql<{ amount_cents: number; status: string; next_retry_at: Date | null }>(
      `SELECT amount_cents, status, next_retry_at FROM payments WHERE parent_id = $1`,
      [owing.parent.id],
    );
    expect(debt).toEqual({ amount_cents: 4500, status: 'failed', next_retry_at: null }); // no dunning retry charges it any more
  });

  it('answers 404 to a parent asking for another family, writing nothing', async () => {
    const a = await w.family(1);
    const b = await w.family(1);
    const res = await post('/api/v1/privacy/erasures', a.parent, { userId: b.parent.id, reason: 'Mischief' });
    expect(res.statusCode).toBe(404);
    expect(await requests(b.parent.id)).toBe(0);
  });

  it('lets a parent ask for themself; an admin approves once (a second approval is 409) and the list filters by status', { timeout: 90_000 }, async () => {
    const f = await w.family(1);
    const asked = await post('/api/v1/privacy/erasures', f.parent, { userId: f.parent.id, reason: 'We moved to Calgary' });
    expect(asked.statusCode, asked.body).toBe(202);
    const id = asked.json().id;
    expect(asked.json()).toMatchObject({ status: 'requested', requestedBy: f.parent.id, runId: null });
    // one open request per family
    expect((await post('/api/v1/privacy/erasures', f.parent, { userId: f.parent.id, reason: 'Again' })).statusCode).toBe(409);
    // parents do not read the admin list
    expect((await get('/api/v1/privacy/erasures', f.parent)).statusCode).toBe(403);
    const waiting = (await get('/api/v1/privacy/erasures?status=requested', w.admin)).json();
    expect(waiting.data.map((r: { id: number }) => r.id)).toContain(id);
    expect(waiting.data.every((r: { status: string }) => r.status === 'requested')).toBe(true);

    const approved = await post(`/api/v1/privacy/erasures/${id}/approve`, w.admin, {});
    expect(approved.statusCode, approved.body).toBe(202);
    expect(approved.json()).toMatchObject({ status: 'approved', decidedBy: w.admin.id, runId: expect.any(String) });
    const again = await post(`/api/v1/privacy/erasures/${id}/approve`, w.admin, {});
    expect(again.statusCode).toBe(409);
    expect((await post(`/api/v1/privacy/erasures/${id}/reject`, w.admin, { reason: 'Too late' })).statusCode).toBe(409);
    await settle(approved.json().runId);
    const one = (await get(`/api/v1/privacy/erasures/${id}`, w.admin)).json();
    expect(one).toMatchObject({ status: 'completed' });
    const list = (await get('/api/v1/privacy/erasures?status=completed&pageSize=100', w.admin)).json();
    expect(list).toMatchObject({ page: 1, pageSize: 100, total: expect.any(Number) });
    expect(list.data.map((r: { id: number }) => r.id)).toContain(id);
  });

  it('starts the run of a request approved whose run was never started (the process stopped in between)', { timeout: 90_000 }, async () => {
    const f = await w.family(1);
    const [row] = await w.sql<{ id: number }>(
      `INSERT INTO erasure_requests (user_id, requested_by, reason, status, decided_by, decided_at) VALUES ($1, $2, 'Stranded', 'approved', $2, now()) RETURNING id`,
      [f.parent.id, w.admin.id],
    );
    const res = await post(`/api/v1/privacy/erasures/${row!.id}/approve`, w.admin, {});
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ status: 'approved', runId: expect.any(String) });
    await settle(res.json().runId);
    expect((await post(`/api/v1/privacy/erasures/${row!.id}/approve`, w.admin, {})).statusCode).toBe(409);
  });

  it('lets an admin reject a request with a reason; the family stays', async () => {
    const f = await w.family(1);
    const id = (await post('/api/v1/privacy/erasures', f.parent, { userId: f.parent.id, reason: 'Maybe' })).json().id;
    const missing = await post(`/api/v1/privacy/erasures/${id}/reject`, w.admin, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details).toEqual([expect.objectContaining({ field: 'body.reason' })]);
    const res = await post(`/api/v1/privacy/erasures/${id}/reject`, w.admin, { reason: 'A sibling still takes lessons' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'rejected', rejectionReason: 'A sibling still takes lessons' });
    const [user] = await w.sql<{ is_active: boolean }>('SELECT is_active FROM users WHERE id = $1', [f.parent.id]);
    expect(user!.is_active).toBe(true);
  });

  it('answers bad input with a 400 naming the field, writing nothing', async () => {
    const f = await w.family(1);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ userId: f.parent.id }, 'body.reason'],
      [{ userId: f.parent.id, reason: '   ' }, 'body.reason'],
      [{ userId: 'abc', reason: 'x' }, 'body.userId'],
      [{ reason: 'x' }, 'body.userId'],
      [{ userId: w.teacher.id, reason: 'x' }, 'body.userId'],
    ];
    for (const [payload, field] of cases) {
      const res = await post('/api/v1/privacy/erasures', w.admin, payload);
      expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(400);
      expect(res.json().error.details).toEqual([expect.objectContaining({ field })]);
    }
    expect(await requests(f.parent.id)).toBe(0);
    expect((await post('/api/v1/privacy/erasures', w.admin, { userId: 2_000_000, reason: 'x' })).statusCode).toBe(404);
    expect((await post('/api/v1/privacy/erasures/2000000/approve', w.admin, {})).statusCode).toBe(404);
    expect((await get('/api/v1/privacy/erasures/abc', w.admin)).statusCode).toBe(400);
    expect((await get('/api/v1/privacy/erasures?status=bogus', w.admin)).statusCode).toBe(400);
  });
});
