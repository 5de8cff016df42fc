import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import type { SqlClient, SqlExecutor } from '../../../../db/sql-client.js';
import { SimulatedStripeError, missing } from './errors.js';
import { newId, unix, type RawObject } from './objects.js';

/** Any executor; when it can open transactions (a SqlClient), each mutation runs in one. */
export type SimulatedSql = SqlExecutor & Partial<Pick<SqlClient, 'transaction'>>;

const CLOCK_ID = 'clock_simulated';

/** JSON with object keys sorted, undefined dropped: the request fingerprint of idempotency. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** One mutation's view of the database: read and write objects, record events. */
export class SimTx {
  /** Ids of the events this mutation created, delivered after commit. */
  readonly eventIds: string[] = [];

  constructor(
    readonly sql: SqlExecutor,
    /** The gateway's clock (real time, moved forward by `advanceClock`). */
    public now: Date,
    private readonly idempotencyKey: string | null,
  ) {}

  get nowUnix(): number {
    return unix(this.now);
  }

  async find<T extends RawObject>(id: string, object: T['object'], lock = false): Promise<T | undefined> {
    const rows = await this.sql.query<{ data: T }>(`SELECT data FROM sim_gateway_objects WHERE id = $1 AND object = $2${lock ? ' FOR UPDATE' : ''}`, [id, object]);
    return rows[0]?.data;
  }

  /** The object, or Stripe's resource_missing error naming `kind` (e.g. 'PaymentMethod'). */
  async get<T extends RawObject>(id: string, object: T['object'], kind: string, lock = false): Promise<T> {
    const found = await this.find<T>(id, object, lock);
    if (!found) throw missing(kind, id);
    return found;
  }

  /** Inserts or replaces an object. */
  async save(obj: RawObject): Promise<void> {
    const customer = 'customer' in obj && typeof obj.customer === 'string' ? obj.customer : obj.object === 'customer' ? obj.id : null;
    await this.sql.query(
      `INSERT INTO sim_gateway_objects (id, object, customer_id, created_at, data) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, customer_id = EXCLUDED.customer_id`,
      [obj.id, obj.object, customer, this.now, JSON.stringify(obj)],
    );
  }

  /** Records a Stripe event whose `data.object` is a snapshot of `obj`. */
  async emit(type: string, obj: RawObject): Promise<void> {
    const id = newId('evt');
    const event = {
      id,
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: this.nowUnix,
      data: { object: obj },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: this.idempotencyKey },
      type,
    };
    await this.sql.query('INSERT INTO sim_gateway_events (id, type, payload, created_at) VALUES ($1, $2, $3, $4)', [id, type, JSON.stringify(event), this.now]);
    this.eventIds.push(id);
  }
}

/** Database access of the simulated gateway: transactions, idempotency, the test clock. */
export class SimStore {
  constructor(readonly sql: SimulatedSql) {}

  private transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.sql.transaction ? this.sql.transaction(work) : work(this.sql);
  }

  /** The gateway's current time: real time plus the offset `advanceClock` stored. */
  async now(sql: SqlExecutor = this.sql): Promise<Date> {
    const rows = await sql.query<{ data: { offset_ms: number } }>('SELECT data FROM sim_gateway_objects WHERE id = $1', [CLOCK_ID]);
    return new Date(Date.now() + (rows[0]?.data.offset_ms ?? 0));
  }

  /** Moves the clock so that `now()` reads `to` (never backwards). */
  async setClock(sql: SqlExecutor, to: Date): Promise<void> {
    const current = await this.now(sql);
    if (to.getTime() < current.getTime() - 1000) {
      throw new SimulatedStripeError('The test clock cannot go back in time', 'invalid_request_error', 'parameter_invalid', 400);
    }
    const data = JSON.stringify({ id: CLOCK_ID, object: 'test_clock', offset_ms: Math.max(0, to.getTime() - Date.now()) });
    await sql.query(
      `INSERT INTO sim_gateway_objects (id, object, created_at, data) VALUES ($1, 'test_clock', now(), $2)
       ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data`,
      [CLOCK_ID, data],
    );
  }

  /**
   * Runs one mutation in a transaction under an idempotency key: the first request with a key
   * stores its answer, a repeat of the same request returns it without doing anything again,
   * a different request with the key is refused (`idempotency_key_in_use`). A refused request
   * (exception) stores nothing, as with Stripe's validation errors.
   */
  async mutate<T>(operation: string, key: string | null, params: unknown, work: (tx: SimTx) => Promise<T>): Promise<{ value: T; eventIds: string[]; replayed: boolean }> {
    const hash = createHash('sha256')
      .update(`${operation}\n${canonical(params)}`)
      .digest('hex');
    return this.transaction(async (sql) => {
      if (key !== null) {
        const inserted = await sql.query(
          `INSERT INTO sim_gateway_idempotency (key, request_hash, response) VALUES ($1, $2, 'null')
           ON CONFLICT (key) DO NOTHING RETURNING key`,
          [key, hash],
        );
        if (inserted.length === 0) {
          const [row] = await sql.query<{ request_hash: string; response: T }>('SELECT request_hash, response FROM sim_gateway_idempotency WHERE key = $1', [key]);
          if (row?.request_hash !== hash) {
            throw new SimulatedStripeError(
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
              'idempotency_error',
              'idempotency_key_in_use',
              400,
            );
          }
          return { value: row.response, eventIds: [], replayed: true };
        }
      }
      const tx = new SimTx(sql, await this.now(sql), key);
      const value = await work(tx);
      if (key !== null) {
        await sql.query('UPDATE sim_gateway_idempotency SET response = $2 WHERE key = $1', [key, JSON.stringify(value)]);
      }
      return { value, eventIds: tx.eventIds, replayed: false };
    });
  }

  /**
   * Objects of one kind created in [from, to) at Stripe's one-second resolution (`created` is
   * whole seconds), oldest first.
   */
  async list<T extends RawObject>(object: T['object'], range: { from: Date; to: Date }): Promise<T[]> {
    const second = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);
    const rows = await this.sql.query<{ data: T }>(
      `SELECT data FROM sim_gateway_objects WHERE object = $1 AND created_at >= $2 AND created_at < $3
       ORDER BY seq`,
      [object, second(range.from), second(range.to)],
    );
    return rows.map((r) => r.data);
  }

  /** Objects of one kind belonging to a customer, oldest first. */
  async listByCustomer<T extends RawObject>(object: T['object'], customerId: string): Promise<T[]> {
    const rows = await this.sql.query<{ data: T }>('SELECT data FROM sim_gateway_objects WHERE customer_id = $1 AND object = $2 ORDER BY seq', [customerId, object]);
    return rows.map((r) => r.data);
  }
}
