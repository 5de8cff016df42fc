/**
 * The parents' card form (Stripe Elements): GET /billing/card-form names the gateway and the
 * publishable key; POST /billing/{parentId}/setup-intents makes a SetupIntent at the gateway (the
 * simulated one, and Stripe's SDK against the local stand-in) for the family's customer; bad
 * input, another family and a teacher are refused without making anything at the gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentWorld, gatewayKinds, type Family, type PaymentWorld } from './fixture.js';

const PUBLISHABLE_KEY = 'pk_test_cedarheightsCardForm';

describe.each(gatewayKinds)('the card form on the %s gateway', (kind) => {
  let w: PaymentWorld;
  let f: Family;
  let other: Family;

  beforeAll(async () => {
    w = await createPaymentWorld(kind, { env: { STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY } });
    f = await w.family(1);
    other = await w.family(1);
  });
  afterAll(async () => {
    await w?.close();
  });

  const setupIntent = (parentId: number | string, headers: Record<string, string>) =>
    w.stack.app.inject({ method: 'POST', url: `/api/v1/billing/${parentId}/setup-intents`, headers });

  it('names the gateway and the publishable key', async () => {
    const res = await w.stack.app.inject({ method: 'GET', url: '/api/v1/billing/card-form', headers: f.parent.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ gateway: kind, publishableKey: PUBLISHABLE_KEY });
    // the pages may load Stripe.js and its frames
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self' https://js.stripe.com");
    expect(csp).toContain("frame-src 'self' https://js.stripe.com https://hooks.stripe.com");
  });

  it("makes a SetupIntent for the family's customer at the gateway", async () => {
    const res = await setupIntent(f.parent.id, f.parent.headers);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ gateway: kind, publishableKey: PUBLISHABLE_KEY, setupIntentId: expect.stringMatching(/^seti_/) });
    expect(body.clientSecret).toMatch(new RegExp(`^${body.setupIntentId}_secret_`));
    const [customer] = await w.sql<{ gateway_customer_id: string }>('SELECT gateway_customer_id FROM billing_customers WHERE parent_id = $1', [f.parent.id]);
    const [stored] = await w.sql<{ customer_id: string; object: string }>('SELECT customer_id, object FROM sim_gateway_objects WHERE id = $1', [body.setupIntentId]);
    expect(stored).toEqual({ customer_id: customer!.gateway_customer_id, object: 'setup_intent' });
    // an admin may make one for the family too; each call is a new intent
    const byAdmin = await setupIntent(f.parent.id, w.admin.headers);
    expect(byAdmin.statusCode, byAdmin.body).toBe(201);
    expect(byAdmin.json().setupIntentId).not.toBe(body.setupIntentId);
  });

  it('refuses bad input, another family and a teacher, making nothing at the gateway', async () => {
    const before = await w.gatewayObjects();
    const bad = await setupIntent('abc', f.parent.headers);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    expect(JSON.stringify(bad.json().error.details)).toContain('parentId');
    expect((await setupIntent(other.parent.id, f.parent.headers)).statusCode).toBe(403);
    expect((await setupIntent(f.parent.id, w.teacher.headers)).statusCode).toBe(403);
    expect((await setupIntent(w.teacher.id, w.admin.headers)).statusCode).toBe(404);
    expect((await setupIntent(f.parent.id, {})).statusCode).toBe(401);
    expect((await w.stack.app.inject({ method: 'GET', url: '/api/v1/billing/card-form', headers: w.teacher.headers })).statusCode).toBe(403);
    expect(await w.gatewayObjects()).toBe(before);
  });
});

describe('the card form without a publishable key', () => {
  it('says so: the page offers the test cards', async () => {
    const w = await createPaymentWorld('simulated');
    try {
      const f = await w.family(1);
      const res = await w.stack.app.inject({ method: 'GET', url: '/api/v1/billing/card-form', headers: f.parent.headers });
      expect(res.json()).toEqual({ gateway: 'simulated', publishableKey: null });
      expect(String(res.headers['content-security-policy'])).not.toContain('stripe.com');
    } finally {
      await w.close();
    }
  });
});
