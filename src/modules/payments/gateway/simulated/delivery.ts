import type { SqlExecutor } from '../../../../db/sql-client.js';
import type { GatewayEvent } from '../types.js';
import { signWebhookPayload } from '../webhook-signature.js';

/** Receives one signed webhook delivery (the raw JSON body and its `Stripe-Signature` header). */
export type WebhookDelivery = (payload: string, signatureHeader: string) => Promise<void>;

/** A stored event and where its delivery stands. */
export interface StoredEvent {
  event: GatewayEvent;
  /** The JSON body delivered (what the signature covers). */
  payload: string;
  attempts: number;
  deliveredAt: Date | null;
  lastError: string | null;
}

interface EventRow {
  id: string;
  payload: string;
  attempts: number;
  delivered_at: Date | null;
  last_error: string | null;
}

/**
 * Delivers the simulated gateway's events, one at a time in creation order, after the call that
 * made them returned. An event whose delivery threw stays pending until `redeliverPending`.
 * Delivery is at least once (as Stripe's): receivers dedupe on the event id.
 */
export class WebhookDispatcher {
  private delivery: WebhookDelivery | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sql: SqlExecutor,
    private readonly secret: string,
  ) {}

  setDelivery(fn: WebhookDelivery | null): void {
    this.delivery = fn;
  }

  /** Queues the delivery of new events; it starts on a later tick. */
  schedule(eventIds: readonly string[]): void {
    if (eventIds.length > 0) this.enqueue(() => this.deliverAll(eventIds));
  }

  /** Retries every pending event; resolves to how many were delivered this time. */
  redeliverPending(): Promise<number> {
    return this.enqueue(async () => {
      const rows = await this.sql.query<{ id: string }>('SELECT id FROM sim_gateway_events WHERE delivered_at IS NULL ORDER BY seq');
      return this.deliverAll(rows.map((r) => r.id));
    });
  }

  /** Resolves when every queued delivery has been attempted. */
  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.queue;
      await seen;
    } while (seen !== this.queue);
  }

  /** Stored events in creation order, optionally only pending ones or one type. */
  async list(filter: { pending?: boolean; type?: string } = {}): Promise<StoredEvent[]> {
    const rows = await this.sql.query<EventRow>(
      `SELECT id, payload, attempts, delivered_at, last_error FROM sim_gateway_events
       WHERE ($1::boolean IS NULL OR (delivered_at IS NULL) = $1) AND ($2::text IS NULL OR type = $2) ORDER BY seq`,
      [filter.pending ?? null, filter.type ?? null],
    );
    return rows.map((row) => {
      const parsed = JSON.parse(row.payload) as GatewayEvent;
      return {
        event: { id: parsed.id, type: parsed.type, created: parsed.created, data: parsed.data },
        payload: row.payload,
        attempts: row.attempts,
        deliveredAt: row.delivered_at,
        lastError: row.last_error,
      };
    });
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return work();
    });
    // A failure (e.g. the database was closed under a test) must not break later deliveries.
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async deliverAll(eventIds: readonly string[]): Promise<number> {
    let delivered = 0;
    for (const id of eventIds) if (await this.deliverOne(id)) delivered += 1;
    return delivered;
  }

  private async deliverOne(id: string): Promise<boolean> {
    const deliver = this.delivery;
    if (!deliver) return false;
    const [row] = await this.sql.query<EventRow>('SELECT id, payload, attempts, delivered_at, last_error FROM sim_gateway_events WHERE id = $1', [id]);
    if (!row || row.delivered_at) return false;
    try {
      await deliver(row.payload, signWebhookPayload(row.payload, this.secret));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.sql.query('UPDATE sim_gateway_events SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [id, message]);
      return false;
    }
    await this.sql.query('UPDATE sim_gateway_events SET attempts = attempts + 1, delivered_at = now(), last_error = NULL WHERE id = $1', [id]);
    return true;
  }
}
