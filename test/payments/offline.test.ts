/**
 * POST /api/v1/payments/offline (admin): cash, e-transfer and cheque money in the append-only
 * ledger with a receipt and an audit row; settling a failed payment at once (its retries end, the
 * balance shows nothing owed); refused while a retry of it is charging; bad input named; admins only.
 * Simulated gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentWorld, runsOf, type Family, type PaymentWorld, type User } from './fixture.js';
import { debtHelpers } from './debts.js';

describe('offline payments (simulated gateway)', () => {
  let w: PaymentWorld;
  let h: ReturnType<typeof debtHelpers>;
  let f: Family;
  let other: Family;
  beforeAll(async () => {
    w = await createPaymentWorld('simulated');
    h = debtHelpers(w);
    f = await w.family();
    other = await w.family();
  });
  afterAll(async () => {
    await w?.close();
  });

  const record = (body: Record<string, unknown>, user: User = w.admin, headers: Record<string, string> = {}) => h.inject('POST', '/api/v1/payments/offline', user, body, headers);
  const cash = (extra: Record<string, unknown> = {}) => ({ parentId: f.parent.id, amountCents: 4500, method: 'cash', receivedOn: '2026-01-15', ...extra });
  const tables = ['payments', 'ledger_entries', 'audit_log', 'workflow_runs', 'family_flags'];
  const snapshot = async () => {
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = (await w.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
    return counts;
  };

  it('records a cheque that settles a failed payment: ledger, receipt, audit; its retries end; nothing owed', async () => {
    const debt = await h.declined(f);
    await h.saveDefaultCard(f);
    const res = await record(cash({ method: 'cheque', reference: 'CHQ 1042', studentId: f.children[0], settlesPaymentId: debt }));
    expect(res.statusCode, res.body).toBe(201);
    const paid = res.json();
    expect(paid).toMatchObject({
      parentId: f.parent.id,
      studentId: f.children[0],
      amountCents: 4500,
      status: 'succeeded',
      method: 'cheque',
      receivedOn: '2026-01-15',
      reference: 'CHQ 1042',
      settlesPaymentId: debt,
      receiptNumber: `R-${String(paid.id).padStart(6, '0')}`,
      receiptRunId: expect.any(String),
    });
    expect(await h.payment(debt)).toMatchObject({ status: 'cancelled', settled_by_payment_id: paid.id, next_retry_at: null });
    expect(await h.ledger(f)).toEqual([{ payment_id: paid.id, amount_cents: 4500, gateway: 'offline' }]);
    expect(await h.balance(f)).toMatchObject({ paidCents: 4500, outstandingCents: 0 });

    await w.makeRetriesDue([debt]);
    expect(await w.runDueRetries()).toEqual([]);
    expect(await h.retryRunFromStaleCron(debt, 'offline')).toBe('stopped');
    expect(await h.chargedAtGateway(f)).toEqual([]);

    const receipts = (await runsOf(w, 'notification', 'notify:')).filter((r) => r.event.template === 'payment_receipt' && r.event.userId === f.parent.id);
    expect(receipts.map((r) => r.id)).toEqual([paid.receiptRunId]);
    expect(receipts[0]!.event.data).toMatchObject({ amountCents: 4500, paymentId: paid.id, receiptNumber: paid.receiptNumber });
    const audit = await w.sql<{ action: string; entity_id: string; actor_id: number }>(
      `SELECT action, entity_id, actor_id FROM audit_log WHERE entity = 'payment' AND entity_id IN ($1, $2) AND actor_id IS NOT NULL ORDER BY id`,
      [String(paid.id), String(debt)],
    );
    expect(audit.filter((a) => a.actor_id === w.admin.id).map((a) => [a.action, Number(a.entity_id)])).toEqual([
      ['create', paid.id],
      ['payment.settled', debt],
    ]);
    // offline money is never "missing at the gateway"
    const rec = await h.inject('GET', '/api/v1/payments/reconciliation?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z', w.admin);
    expect(rec.json().differences).toEqual([]);
  });

  it('returns the same payment for a repeated Idempotency-Key, with one ledger entry and one receipt', async () => {
    const headers = { 'idempotency-key': `cash-${f.parent.id}` };
    const first = await record(cash({ amountCents: 2000, method: 'etransfer' }), w.admin, headers);
    expect(first.statusCode, first.body).toBe(201);
    const again = await record(cash({ amountCents: 2000, method: 'etransfer' }), w.admin, headers);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.json().id, receiptRunId: first.json().receiptRunId });
    expect(await w.sql('SELECT 1 FROM ledger_entries WHERE payment_id = $1', [first.json().id])).toHaveLength(1);
    expect((await record(cash({ amountCents: 2100, method: 'etransfer' }), w.admin, headers)).statusCode).toBe(409);
  });

  it('refuses to settle a payment a retry is charging, writing nothing', async () => {
    const debt = await h.declined(other);
    await w.sql(`UPDATE payments SET status = 'processing', attempt_count = 2 WHERE id = $1`, [debt]);
    const before = await snapshot();
    const res = await record(cash({ parentId: other.parent.id, settlesPaymentId: debt }));
    expect(res.statusCode, res.body).toBe(409);
    expect(await snapshot()).toEqual(before);
    await w.sql(`UPDATE payments SET status = 'failed', attempt_count = 1 WHERE id = $1`, [debt]);
  });

  const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  const bad: Array<[string, () => Record<string, unknown>, string]> = [
    ['no parent', () => cash({ parentId: undefined }), 'body.parentId'],
    ['a parent that is not one', () => cash({ parentId: w.teacher.id }), 'body.parentId'],
    ['an unknown parent', () => cash({ parentId: 2_000_000 }), 'body.parentId'],
    ['an unknown student', () => cash({ studentId: 2_000_000 }), 'body.studentId'],
    ['a negative amount', () => cash({ amountCents: -4500 }), 'body.amountCents'],
    ['another family’s child', () => cash({ studentId: other.children[0] }), 'body.studentId'],
    ['zero amount', () => cash({ amountCents: 0 }), 'body.amountCents'],
    ['amount over 500.00', () => cash({ amountCents: 50_001 }), 'body.amountCents'],
    ['fractional cents', () => cash({ amountCents: 12.5 }), 'body.amountCents'],
    ['an unknown method', () => cash({ method: 'bitcoin' }), 'body.method'],
    ['no day received', () => cash({ receivedOn: undefined }), 'body.receivedOn'],
    ['a malformed day', () => cash({ receivedOn: '15/01/2026' }), 'body.receivedOn'],
    ['an impossible day', () => cash({ receivedOn: '2026-02-30' }), 'body.receivedOn'],
    ['a day in the future', () => cash({ receivedOn: tomorrow }), 'body.receivedOn'],
    ['an empty reference', () => cash({ reference: '  ' }), 'body.reference'],
    ['another family’s payment to settle', () => cash({ settlesPaymentId: 2_000_000 }), 'body.settlesPaymentId'],
  ];
  it.each(bad)('answers 400 naming the field for %s, writing nothing', async (_name, body, field) => {
    const before = await snapshot();
    const payload = body();
    for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
    const res = await record(payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it('is for admins only', async () => {
    const before = await snapshot();
    expect((await record(cash(), f.parent)).statusCode).toBe(403);
    expect((await record(cash(), other.parent)).statusCode).toBe(403);
    expect((await record(cash(), w.teacher)).statusCode).toBe(403);
    expect((await w.stack.app.inject({ method: 'POST', url: '/api/v1/payments/offline', payload: cash() })).statusCode).toBe(401);
    expect(await snapshot()).toEqual(before);
  });
});
