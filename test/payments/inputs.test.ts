/**
 * Every write path refuses bad input with a 400 naming the field, writes nothing and calls no
 * gateway; callers may only pay for, save cards for and see their own family.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventValidationError } from '../../src/engine/index.js';
import { PAYMENT_WORKFLOW } from '../../src/modules/payments/workflows/index.js';
import { createPaymentWorld, gatewayKinds, type Family, type PaymentWorld } from './fixture.js';

const tables = [
  'payments',
  'payment_attempts',
  'ledger_entries',
  'billing_customers',
  'saved_payment_methods',
  'lesson_subscriptions',
  'webhook_events',
  'audit_log',
  'workflow_runs',
];

describe.each(gatewayKinds)('bad input and access on the %s gateway', (kind) => {
  let w: PaymentWorld;
  let a: Family;
  let b: Family;
  let lessonB: number;
  let paidA: number;

  beforeAll(async () => {
    w = await createPaymentWorld(kind);
    a = await w.family(2);
    b = await w.family();
    await w.lesson(a.children[0]!);
    lessonB = await w.lesson(b.children[0]!);
    const res = await w.process(a.parent, { studentId: a.children[0], amountCents: 4500, paymentMethodId: 'pm_card_visa', description: 'Lesson' });
    paidA = res.json().paymentId;
    await w.idle();
  });
  afterAll(async () => {
    await w?.close();
  });

  /** Row counts of every table the payment paths write, and the gateway's objects and calls. */
  const snapshot = async (): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = (await w.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
    counts.gateway = await w.gatewayObjects();
    return counts;
  };

  const good = () => ({ studentId: a.children[0], amountCents: 4500, paymentMethodId: 'pm_card_visa', description: 'Lesson' });
  const processCases: Array<[string, Record<string, unknown>, string]> = [
    ['zero amount', { amountCents: 0 }, 'body.amountCents'],
    ['negative amount', { amountCents: -100 }, 'body.amountCents'],
    ['amount over 500.00', { amountCents: 50_001 }, 'body.amountCents'],
    ['fractional cents', { amountCents: 45.5 }, 'body.amountCents'],
    ['amount as text', { amountCents: '4500' }, 'body.amountCents'],
    ['no amount', { amountCents: undefined }, 'body.amountCents'],
    ['no student', { studentId: undefined }, 'body.studentId'],
    ['student id 0', { studentId: 0 }, 'body.studentId'],
    ['unknown student', { studentId: 2_000_000 }, 'body.studentId'],
    ['no payment method', { paymentMethodId: undefined }, 'body.paymentMethodId'],
    ['malformed payment method', { paymentMethodId: 'visa card' }, 'body.paymentMethodId'],
    ['currency other than CAD', { currency: 'USD' }, 'body.currency'],
    ['empty description', { description: '  ' }, 'body.description'],
    ['description too long', { description: 'x'.repeat(501) }, 'body.description'],
    ['lesson of another student', { lessonId: -1 }, 'body.lessonId'],
    ['unknown lesson', { lessonId: 2_000_000 }, 'body.lessonId'],
  ];

  it.each(processCases)('POST /payments/process refuses %s', async (_name, change, field) => {
    const before = await snapshot();
    const body: Record<string, unknown> = { ...good(), ...change };
    if (change.lessonId === -1) body.lessonId = lessonB;
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    const res = await w.process(w.admin, body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses malformed JSON and a missing body', async () => {
    const before = await snapshot();
    const bad = await w.stack.app.inject({
      method: 'POST',
      url: '/api/v1/payments/process',
      headers: { ...w.admin.headers, 'content-type': 'application/json' },
      payload: '{"studentId": 1,',
    });
    expect(bad.statusCode).toBe(400);
    const none = await w.stack.app.inject({ method: 'POST', url: '/api/v1/payments/process', headers: w.admin.headers });
    expect(none.statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a bad amount at the workflow itself, before any node or gateway call', async () => {
    const before = await snapshot();
    for (const amountCents of [0, 50_001, 12.5]) {
      await expect(w.stack.engine.start(PAYMENT_WORKFLOW, { ...good(), amountCents })).rejects.toBeInstanceOf(EventValidationError);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('lets a parent pay only for their own children', async () => {
    const before = await snapshot();
    const res = await w.process(b.parent, good());
    expect(res.statusCode).toBe(403);
    expect((await w.process(w.teacher, good())).statusCode).toBe(403);
    expect((await w.stack.app.inject({ method: 'POST', url: '/api/v1/payments/process', payload: good() })).statusCode).toBe(401);
    // and not with another family's saved card
    const saved = await w.stack.app.inject({
      method: 'POST',
      url: `/api/v1/billing/${b.parent.id}/payment-methods`,
      headers: b.parent.headers,
      payload: { paymentMethod: 'pm_card_mastercard' },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const mid = await snapshot();
    const stolen = await w.process(a.parent, { ...good(), paymentMethodId: saved.json().id });
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json().error.details[0].field).toBe('body.paymentMethodId');
    expect(await snapshot()).toEqual(mid);
    expect(before.payments).toBe(mid.payments);
  });

  it('shows a parent only their own payments and billing', async () => {
    const own = await w.stack.app.inject({ method: 'GET', url: '/api/v1/payments', headers: a.parent.headers });
    expect(own.json().data.map((p: { id: number }) => p.id)).toContain(paidA);
    const other = await w.stack.app.inject({ method: 'GET', url: '/api/v1/payments', headers: b.parent.headers });
    expect(other.json().data.every((p: { parentId: number }) => p.parentId === b.parent.id)).toBe(true);
    expect((await w.stack.app.inject({ method: 'GET', url: `/api/v1/payments/${paidA}`, headers: b.parent.headers })).statusCode).toBe(404);
    expect((await w.stack.app.inject({ method: 'GET', url: `/api/v1/payments/${paidA}`, headers: a.parent.headers })).json()).toMatchObject({ id: paidA, status: 'succeeded' });
    expect((await w.stack.app.inject({ method: 'GET', url: `/api/v1/billing/${a.parent.id}`, headers: b.parent.headers })).statusCode).toBe(403);
    expect((await w.stack.app.inject({ method: 'GET', url: `/api/v1/billing/${a.parent.id}`, headers: w.teacher.headers })).statusCode).toBe(403);
    expect((await w.stack.app.inject({ method: 'GET', url: `/api/v1/payments?studentId=${a.children[0]}`, headers: b.parent.headers })).json().total).toBe(0);
    expect(
      (await w.stack.app.inject({ method: 'GET', url: '/api/v1/payments/reconciliation?from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:00Z', headers: a.parent.headers })).statusCode,
    ).toBe(403);
    expect((await w.stack.app.inject({ method: 'POST', url: `/api/v1/payments/${paidA}/refund`, headers: a.parent.headers, payload: {} })).statusCode).toBe(403);
  });

  it('refuses bad refunds, subscriptions, payment methods and queries, naming the field', async () => {
    const before = await snapshot();
    const post = (url: string, payload: unknown, headers = w.admin.headers) => w.stack.app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });
    const field = async (res: Promise<{ statusCode: number; json(): { error: { details?: Array<{ field: string }> } } }>, name: string) => {
      const r = await res;
      expect(r.statusCode).toBe(400);
      expect(r.json().error.details?.map((d) => d.field)).toContain(name);
    };
    await field(post(`/api/v1/payments/${paidA}/refund`, { amountCents: 0 }), 'body.amountCents');
    await field(post(`/api/v1/payments/${paidA}/refund`, { amountCents: 50_001 }), 'body.amountCents');
    await field(post(`/api/v1/payments/${paidA}/refund`, { amountCents: 4501 }), 'body.amountCents');
    await field(post(`/api/v1/payments/${paidA}/refund`, { amountCents: 'all' }), 'body.amountCents');
    const sub = `/api/v1/billing/${a.parent.id}/subscription`;
    await field(post(sub, { action: 'pause', studentId: a.children[0] }), 'body.action');
    await field(post(sub, { action: 'start' }), 'body.studentId');
    await field(post(sub, { action: 'start', studentId: b.children[0] }), 'body.studentId');
    await field(post(sub, { action: 'start', studentId: a.children[0], interval: 'week' }), 'body.interval');
    await field(post(sub, { action: 'start', studentId: a.children[0], lessonsPerPeriod: 0 }), 'body.lessonsPerPeriod');
    await field(post(sub, { action: 'start', studentId: a.children[0], lessonsPerPeriod: 41 }), 'body.lessonsPerPeriod');
    await field(post(sub, { action: 'start', studentId: a.children[0], paymentMethodId: 'nope' }), 'body.paymentMethodId');
    const pm = `/api/v1/billing/${a.parent.id}/payment-methods`;
    await field(post(pm, {}), 'body.paymentMethod');
    await field(post(pm, { paymentMethod: '4242 4242 4242 4242' }), 'body.paymentMethod');
    await field(post(pm, { paymentMethod: 'pm_card_visa', makeDefault: 'yes' }), 'body.makeDefault');
    await field(
      w.stack.app.inject({ method: 'GET', url: '/api/v1/payments/reconciliation?from=2030-02-01T00:00:00Z&to=2030-01-01T00:00:00Z', headers: w.admin.headers }),
      'querystring.to',
    );
    await field(w.stack.app.inject({ method: 'GET', url: '/api/v1/payments/reconciliation?from=yesterday&to=2030-01-01T00:00:00Z', headers: w.admin.headers }), 'querystring.from');
    await field(w.stack.app.inject({ method: 'GET', url: '/api/v1/payments?status=lost', headers: w.admin.headers }), 'querystring.status');
    expect(await snapshot()).toEqual(before);
    // the gateway refuses a card that does not exist: 400 on the field, nothing saved
    await field(post(pm, { paymentMethod: 'pm_card_doesNotExist' }), 'body.paymentMethod');
    const after = await snapshot();
    expect(after.saved_payment_methods).toBe(before.saved_payment_methods);
    expect(after.payments).toBe(before.payments);
    // another family's parent may not save cards here; an unknown parent is 404
    expect((await post(pm, { paymentMethod: 'pm_card_visa' }, b.parent.headers)).statusCode).toBe(403);
    expect((await post('/api/v1/billing/2000000/payment-methods', { paymentMethod: 'pm_card_visa' })).statusCode).toBe(404);
    expect((await post(`/api/v1/payments/2000000/refund`, {})).statusCode).toBe(404);
  });
});
