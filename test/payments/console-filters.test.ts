/**
 * What the admin console's payments pages need from the API: the payment list filtered by family
 * (`?parentId`), and a refund's reason kept in its audit row. Bad input names the field.
 * Simulated gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentWorld, type Family, type PaymentWorld } from './fixture.js';

describe('payment list by family, refund reasons (simulated gateway)', () => {
  let w: PaymentWorld;
  let a: Family;
  let b: Family;

  beforeAll(async () => {
    w = await createPaymentWorld('simulated');
    a = await w.family();
    b = await w.family();
  });
  afterAll(async () => {
    await w?.close();
  });

  const paid = async (f: Family, amountCents: number): Promise<number> => {
    const res = await w.process(f.parent, { studentId: f.children[0], amountCents, paymentMethodId: 'pm_card_visa', description: 'Lesson' });
    expect(res.json().status, res.body).toBe('succeeded');
    return res.json().paymentId;
  };
  const get = (url: string) => w.stack.app.inject({ method: 'GET', url, headers: w.admin.headers });
  const refund = (id: number, payload: Record<string, unknown>) => w.stack.app.inject({ method: 'POST', url: `/api/v1/payments/${id}/refund`, headers: w.admin.headers, payload });

  it("lists only the named family's payments", async () => {
    const ofA = await paid(a, 1100);
    const ofB = await paid(b, 2200);
    const res = await get(`/api/v1/payments?parentId=${a.parent.id}&pageSize=200`);
    expect(res.statusCode, res.body).toBe(200);
    const ids = (res.json().data as { id: number; parentId: number }[]).map((p) => p.id);
    expect(ids).toContain(ofA);
    expect(ids).not.toContain(ofB);
    expect((res.json().data as { parentId: number }[]).every((p) => p.parentId === a.parent.id)).toBe(true);
    expect((await get(`/api/v1/payments?parentId=${b.parent.id}&status=succeeded`)).json().data.map((p: { id: number }) => p.id)).toEqual([ofB]);
  });

  it('answers 400 naming parentId for a bad family id', async () => {
    const res = await get('/api/v1/payments?parentId=abc');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe('querystring.parentId');
  });

  it("keeps a refund's reason in the audit row", async () => {
    const id = await paid(a, 3000);
    const res = await refund(id, { amountCents: 1000, reason: 'Lesson cut short' });
    expect(res.statusCode, res.body).toBe(200);
    const [row] = await w.sql<{ after: { reason?: string; amountCents: number } }>(
      `SELECT after FROM audit_log WHERE entity = 'payment' AND entity_id = $1 AND action = 'payment.refunded'`,
      [String(id)],
    );
    expect(row!.after).toMatchObject({ reason: 'Lesson cut short', amountCents: 1000 });
  });

  it('refuses an empty or overlong reason, naming it, and refunds nothing', async () => {
    const id = await paid(a, 2500);
    for (const reason of ['  ', 'x'.repeat(501)]) {
      const res = await refund(id, { reason });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].field).toBe('body.reason');
    }
    expect(await w.sql('SELECT refunded_cents FROM payments WHERE id = $1', [id])).toEqual([{ refunded_cents: 0 }]);
  });
});
