/**
 * Receiving gateway webhooks: verify the signature, claim the event id (each event is processed
 * once, however often it is delivered), dispatch by type, mark it processed. The webhook route and
 * the simulated gateway's delivery both call `receiveWebhook`.
 *
 * A claim is a `webhook_events` row per event id. A delivery of an event already processed (or
 * being processed, claimed less than a minute ago) is a duplicate and changes nothing. A failed
 * processing leaves the row `failed`: the gateway's redelivery processes it again — safe, since
 * every handler is idempotent on its own. The hot path (a payment succeeded) claims and records
 * in one statement.
 */
import type { SchoolServices } from '../../services.js';
import { WebhookSignatureError, type GatewayEvent } from '../gateway/types.js';
import { onInvoiceEvent, onSubscriptionEvent } from './billing-events.js';
import { obj, ref } from './fields.js';
import type { EventClaim } from '../record-success.js';
import { claimPaymentIntentSucceeded, onChargeRefunded, onPaymentIntentFailed, onPaymentIntentSucceeded } from './payment-events.js';

export type WebhookDeps = Pick<SchoolServices, 'db' | 'gateway' | 'workflows' | 'config'>;

export interface WebhookResult {
  eventId: string;
  type: string;
  duplicate: boolean;
  /** What processing did, in a few words. */
  outcome: string;
}

type Handler = (deps: WebhookDeps, event: GatewayEvent) => Promise<string>;

/** The event types the school acts on; any other type is acknowledged and ignored. */
export const webhookHandlers: Readonly<Record<string, Handler>> = {
  'payment_intent.succeeded': onPaymentIntentSucceeded,
  'payment_intent.payment_failed': onPaymentIntentFailed,
  'charge.refunded': onChargeRefunded,
  'invoice.paid': (deps, event) => onInvoiceEvent(deps, event, true),
  'invoice.payment_failed': (deps, event) => onInvoiceEvent(deps, event, false),
  'customer.subscription.updated': (deps, event) => onSubscriptionEvent(deps, event, false),
  'customer.subscription.deleted': (deps, event) => onSubscriptionEvent(deps, event, true),
};

/** A delivery whose body is not a gateway event (not JSON, or without id, type, created and data.object). */
export class WebhookPayloadError extends Error {
  constructor() {
    super('Invalid webhook payload');
    this.name = 'WebhookPayloadError';
  }
}

/** Whether `rawBody` is JSON shaped like a gateway event. */
function isEventShaped(rawBody: string | Buffer): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null) return false;
  const { id, type, created, data } = parsed as Record<string, unknown>;
  const object = typeof data === 'object' && data !== null ? (data as Record<string, unknown>).object : undefined;
  return typeof id === 'string' && typeof type === 'string' && typeof created === 'number' && typeof object === 'object' && object !== null;
}

/**
 * Verifies a delivery: WebhookSignatureError when the signature is missing or wrong, WebhookPayloadError
 * when the body is not a gateway event. The body is only parsed here when verification failed, to
 * tell the two apart (the gateway parses it itself when the signature holds).
 */
export function verifyDelivery(deps: WebhookDeps, rawBody: string | Buffer, signatureHeader: string | undefined): GatewayEvent {
  let event: GatewayEvent;
  try {
    event = deps.gateway.verifyWebhook(rawBody, signatureHeader);
  } catch (error) {
    if (signatureHeader && !isEventShaped(rawBody)) throw new WebhookPayloadError();
    if (error instanceof WebhookSignatureError) throw error;
    throw new WebhookPayloadError();
  }
  if (!isUsableEvent(event)) throw new WebhookPayloadError();
  return event;
}

/** Latest `created` accepted, in Unix seconds (2100-01-01); a signed event past it is not a real one. */
const latestCreated = 4_102_444_800;

/**
 * Whether a verified event has what processing reads: a short id and type, `created` in Unix seconds
 * between 1970 and 2100, and `data.object` an object. A signature proves who sent a body, not that
 * it is well formed.
 */
function isUsableEvent(event: GatewayEvent): boolean {
  const { id, type, created, data } = event as unknown as Record<string, unknown>;
  const object = obj(obj(data)?.object);
  return (
    typeof id === 'string' &&
    id.length > 0 &&
    id.length <= 255 &&
    typeof type === 'string' &&
    type.length > 0 &&
    type.length <= 255 &&
    Number.isInteger(created) &&
    (created as number) >= 0 &&
    (created as number) <= latestCreated &&
    object !== null
  );
}

/** Verifies (see verifyDelivery) and processes one delivery. */
export async function receiveWebhook(deps: WebhookDeps, rawBody: string | Buffer, signatureHeader: string | undefined): Promise<WebhookResult> {
  return processWebhookEvent(deps, verifyDelivery(deps, rawBody, signatureHeader));
}

/**
 * Handlers that claim the event in the statement that applies it (one round trip; the claim
 * commits with the effects or not at all). They return null when they cannot handle this event,
 * which then takes the general path.
 */
const atomicHandlers: Readonly<Record<string, (deps: WebhookDeps, event: GatewayEvent, claim: EventClaim) => Promise<{ claimed: boolean; outcome: string } | null>>> = {
  'payment_intent.succeeded': claimPaymentIntentSucceeded,
};

/** Processes one verified event once. Throws when a handler fails (the delivery should be retried). */
export async function processWebhookEvent(deps: WebhookDeps, event: GatewayEvent): Promise<WebhookResult> {
  const objectId = ref(event.data.object, 'id');
  const atomic = atomicHandlers[event.type];
  if (atomic) {
    const done = await atomic(deps, event, { eventId: event.id, type: event.type, objectId, created: new Date(event.created * 1000) });
    if (done) return { eventId: event.id, type: event.type, duplicate: !done.claimed, outcome: done.claimed ? done.outcome : 'already processed' };
  }
  const sql = deps.db.sql;
  const claimed = await sql.query(
    `INSERT INTO webhook_events (id, type, object_id, event_created) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET status = 'processing', attempts = webhook_events.attempts + 1, received_at = now(), last_error = NULL
       WHERE webhook_events.status = 'failed'
          OR (webhook_events.status = 'processing' AND webhook_events.received_at < now() - interval '1 minute')
     RETURNING id`,
    [event.id, event.type, objectId, new Date(event.created * 1000)],
  );
  if (claimed.length === 0) return { eventId: event.id, type: event.type, duplicate: true, outcome: 'already processed' };
  const handler = webhookHandlers[event.type];
  try {
    const outcome = handler ? await handler(deps, event) : `ignored: ${event.type} is not handled`;
    await sql.query(`UPDATE webhook_events SET status = 'processed', processed_at = now() WHERE id = $1`, [event.id]);
    return { eventId: event.id, type: event.type, duplicate: false, outcome };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await sql.query(`UPDATE webhook_events SET status = 'failed', last_error = $2 WHERE id = $1`, [event.id, message.slice(0, 1000)]).catch(() => undefined);
    throw error;
  }
}
