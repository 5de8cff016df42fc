import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhookPayload } from '../../src/modules/payments/gateway/webhook-signature.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

// The webhook used to answer with whatever the signature library or the JSON parser said (and a
// signed body without `data` was a 500). It now answers fixed messages in the envelope.

const SECRET = 'whsec_hardening_test_secret_0123456789abcdef';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { STRIPE_WEBHOOK_SECRET: SECRET } });
});
afterAll(async () => {
  await t?.close();
});

const post = (payload: string, signature: string | null) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/stripe/webhooks',
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'stripe-signature': signature }) },
    payload,
  });

const event = JSON.stringify({ id: 'evt_hardening_1', object: 'event', type: 'customer.created', created: Math.floor(Date.now() / 1000), data: { object: { id: 'cus_1' } } });

describe('webhook refusals', () => {
  it.each([
    ['no signature', event, null],
    ['an empty signature', event, ''],
    ['garbage', event, 'garbage'],
    ['a signature without a timestamp', event, 'v1=abc'],
    ['a timestamp without a signature', event, `t=${Math.floor(Date.now() / 1000)}`],
    ['a wrong signature', event, 't=1,v1=deadbeef'],
    ['the wrong secret', event, signWebhookPayload(event, 'whsec_not_the_school_secret_0000000000')],
  ])('%s → 400 "Invalid webhook signature"', async (_name, payload, signature) => {
    const res = await post(payload, signature);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'bad_request',
      message: 'Invalid webhook signature',
      details: [{ field: 'headers.stripe-signature', message: 'is missing or does not match the body' }],
      requestId: expect.any(String),
    });
  });

  it.each([
    ['a signed body that is not JSON', '{"id": "evt_1",'],
    ['a signed JSON array', '[1, 2, 3]'],
    ['a signed event without data', JSON.stringify({ id: 'evt_2', type: 'customer.created', created: 1 })],
    ['a signed null', 'null'],
    ['a signed event created in year 10^300', JSON.stringify({ id: 'evt_3', type: 'payment_intent.succeeded', created: 1e308, data: { object: { id: 'pi_1' } } })],
    ['a signed event created before 1970', JSON.stringify({ id: 'evt_4', type: 'charge.refunded', created: -1e308, data: { object: { id: 'ch_1' } } })],
    ['a signed event whose id is an array', JSON.stringify({ id: [], type: 'payment_intent.succeeded', created: 1, data: { object: { id: 'pi_1' } } })],
    ['a signed event whose data is a number', JSON.stringify({ id: 'evt_5', type: 'payment_intent.succeeded', created: 1, data: 2147483648 })],
    ['a signed event whose data.object is an array', JSON.stringify({ id: 'evt_6', type: 'invoice.paid', created: 1, data: { object: [] } })],
    ['an unsigned body that is not JSON', 'not json at all'],
  ])('%s → 400 "Invalid webhook payload"', async (name, payload) => {
    const signature = name.startsWith('an unsigned') ? 't=1,v1=deadbeef' : signWebhookPayload(payload, SECRET);
    const res = await post(payload, signature);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'bad_request', message: 'Invalid webhook payload', details: [{ field: 'body', message: 'is not a signed gateway event' }] });
    expect(res.body).not.toMatch(/JSON|Unexpected|secureCompare|Stripe|position/);
  });

  it('still accepts a genuine delivery', async () => {
    const res = await post(event, signWebhookPayload(event, SECRET));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ received: true, eventId: 'evt_hardening_1', duplicate: false });
  });
});
