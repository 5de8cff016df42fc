import Stripe from 'stripe';
import { LESSONS_PRODUCT } from './map.js';
import { GatewayRequestError } from './types.js';

/** SDK settings: 2 network retries, a timeout, and STRIPE_API_URL split into host/port/protocol. */
export function stripeClientOptions(options: { apiUrl?: string; timeoutMs?: number }): Stripe.StripeConfig {
  const url = options.apiUrl ? new URL(options.apiUrl) : undefined;
  return {
    maxNetworkRetries: 2,
    timeout: options.timeoutMs ?? 20_000,
    telemetry: false,
    appInfo: { name: 'cedar-heights' },
    ...(url ? { host: url.hostname, port: url.port || (url.protocol === 'https:' ? 443 : 80), protocol: url.protocol === 'http:' ? 'http' : 'https' } : {}),
  };
}

/**
 * Stripe errors → the contract's: a 4xx refusal becomes GatewayRequestError (permanent; a card
 * error carries its decline code); connection errors, 429 and 5xx are returned unchanged
 * (retryable). Anything else is returned unchanged.
 */
export function translate(error: unknown): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  const status = error.statusCode ?? 0;
  if (error instanceof Stripe.errors.StripeConnectionError || status === 429 || status >= 500 || status === 0) return error;
  if (error instanceof Stripe.errors.StripeIdempotencyError) return new GatewayRequestError(error.message, 'idempotency_key_in_use', status);
  return new GatewayRequestError(error.message, error.decline_code ?? error.code ?? error.rawType ?? error.type, status);
}

/** The "Music lessons" product subscriptions are priced against, under a fixed id: retrieved, or created once. */
export async function ensureProduct(stripe: Stripe): Promise<void> {
  const { id, name } = LESSONS_PRODUCT;
  try {
    await stripe.products.retrieve(id);
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError) || error.code !== 'resource_missing') throw error;
    await stripe.products.create({ id, name }, { idempotencyKey: `product-${id}` }).catch((e: unknown) => {
      if (!(e instanceof Stripe.errors.StripeInvalidRequestError) || e.code !== 'resource_already_exists') throw e;
    });
  }
}

/** Every item of a Stripe list, following its pages (Stripe lists newest first). */
export async function collect<T>(list: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of list) items.push(item);
  return items;
}
