import { GatewayRequestError } from '../types.js';

/** Stripe's error `type`s the simulated gateway produces. */
export type StripeErrorType = 'invalid_request_error' | 'card_error' | 'idempotency_error';

/**
 * A refused request, carrying Stripe's error fields so the local Stripe stand-in can answer with
 * Stripe's error body. `code` (of GatewayRequestError) is the decline code when there is one.
 */
export class SimulatedStripeError extends GatewayRequestError {
  constructor(
    message: string,
    readonly type: StripeErrorType,
    readonly stripeCode: string,
    statusCode: number,
    readonly declineCode?: string,
    readonly param?: string,
  ) {
    super(message, declineCode ?? stripeCode, statusCode);
    this.name = 'GatewayRequestError';
  }
}

/** `resource_missing` (404), as Stripe answers for an unknown id. */
export const missing = (kind: string, id: string, param = 'id'): SimulatedStripeError =>
  new SimulatedStripeError(`No such ${kind}: '${id}'`, 'invalid_request_error', 'resource_missing', 404, undefined, param);

/** A 400 invalid_request_error with Stripe's code (`parameter_invalid_integer`, `amount_too_small` …). */
export const invalid = (message: string, code: string, param?: string): SimulatedStripeError =>
  new SimulatedStripeError(message, 'invalid_request_error', code, 400, undefined, param);
