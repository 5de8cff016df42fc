import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { WebhookSignatureError, type GatewayEvent } from './types.js';

/** Stripe's default: a signature older than 5 minutes is refused (replay protection). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Signs the simulated gateway's events when STRIPE_WEBHOOK_SECRET is unset; one per process. */
export const processWebhookSecret = `whsec_${randomBytes(24).toString('hex')}`;

/** A `Stripe-Signature` header for `payload` (Stripe's v1 HMAC-SHA256 scheme). */
export function signWebhookPayload(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp === undefined ? {} : { timestamp }) });
}

/** Verifies a delivery with Stripe's own check and parses it: WebhookSignatureError when the signature fails, TypeError when the signed body has no `data.object`. */
export function verifyWebhookPayload(rawBody: string | Buffer, header: string | undefined, secret: string): GatewayEvent {
  if (!header) throw new WebhookSignatureError('Missing Stripe-Signature header');
  let event: { id: string; type: string; created: number; data: { object: unknown } };
  try {
    event = Stripe.webhooks.constructEvent(rawBody, header, secret, WEBHOOK_TOLERANCE_SECONDS);
  } catch (error) {
    throw new WebhookSignatureError(error instanceof Error ? error.message : 'Invalid webhook signature');
  }
  const object: unknown = (event.data as { object?: unknown } | null | undefined)?.object;
  // The signature holds but the body is no event; the webhook route answers this as a bad payload.
  if (object === null || typeof object !== 'object' || Array.isArray(object)) throw new TypeError('The signed body has no data.object');
  return { id: event.id, type: event.type, created: event.created, data: { object: object as Record<string, unknown> } };
}
