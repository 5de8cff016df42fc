/**
 * A family's gateway customer and saved payment methods. One customer per paying parent and
 * gateway (all their children on one bill): creating it is keyed by the family, so concurrent
 * first payments of one family still make one customer at the gateway.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import type { SchoolServices } from '../services.js';
import { GatewayRequestError, type GatewayPaymentMethod } from './gateway/types.js';

export type BillingDeps = Pick<SchoolServices, 'db' | 'gateway'>;

/** The parent's customer id at the configured gateway, created on first use. */
export async function ensureCustomer(deps: BillingDeps, parentId: number): Promise<string> {
  const { db, gateway } = deps;
  const existing = await customerIdOf(db.sql, parentId, gateway.name);
  if (existing) return existing;
  const [parent] = await db.sql.query<{ email: string; first_name: string; last_name: string; created_at: Date }>(
    'SELECT email, first_name, last_name, created_at FROM users WHERE id = $1',
    [parentId],
  );
  if (!parent) throw new Error(`parent ${parentId} does not exist`);
  const customer = await gateway.createCustomer(
    { email: parent.email, name: `${parent.first_name} ${parent.last_name}`, metadata: { parentId: String(parentId) } },
    { idempotencyKey: `customer:${parentId}:${parent.created_at.getTime()}` },
  );
  await db.sql.query(
    `INSERT INTO billing_customers (parent_id, gateway, gateway_customer_id) VALUES ($1, $2, $3)
     ON CONFLICT (parent_id, gateway) DO NOTHING`,
    [parentId, gateway.name, customer.id],
  );
  return (await customerIdOf(db.sql, parentId, gateway.name)) ?? customer.id;
}

export async function customerIdOf(sql: SqlExecutor, parentId: number, gateway: string): Promise<string | undefined> {
  const [row] = await sql.query<{ gateway_customer_id: string }>('SELECT gateway_customer_id FROM billing_customers WHERE parent_id = $1 AND gateway = $2', [parentId, gateway]);
  return row?.gateway_customer_id;
}

/** The parent a gateway customer belongs to (webhooks). */
export async function parentOfCustomer(sql: SqlExecutor, customerId: string): Promise<number | undefined> {
  const [row] = await sql.query<{ parent_id: number }>('SELECT parent_id FROM billing_customers WHERE gateway_customer_id = $1', [customerId]);
  return row?.parent_id;
}

/** Who saved a payment method id, if anybody. */
export async function ownerOfMethod(sql: SqlExecutor, paymentMethodId: string): Promise<number | undefined> {
  const [row] = await sql.query<{ parent_id: number }>('SELECT parent_id FROM saved_payment_methods WHERE gateway_payment_method_id = $1', [paymentMethodId]);
  return row?.parent_id;
}

/** The family's default method at the configured gateway. */
export async function defaultMethodOf(sql: SqlExecutor, parentId: number, gateway: string): Promise<string | undefined> {
  const [row] = await sql.query<{ gateway_payment_method_id: string }>(
    'SELECT gateway_payment_method_id FROM saved_payment_methods WHERE parent_id = $1 AND gateway = $2 AND is_default',
    [parentId, gateway],
  );
  return row?.gateway_payment_method_id;
}

/**
 * Attaches a payment method (id or test token) to the family's customer and saves it; the first
 * saved method, or one saved with `makeDefault`, becomes the default. A method the family already
 * saved is returned as it is. Throws GatewayRequestError when the gateway refuses it.
 */
export async function savePaymentMethod(
  deps: BillingDeps,
  input: { parentId: number; paymentMethod: string; makeDefault: boolean; idempotencyKey: string },
  actor: AuditActor,
): Promise<{ id: string; brand: string; last4: string; expMonth: number; expYear: number; isDefault: boolean; createdAt: string; created: boolean }> {
  const { db, gateway } = deps;
  let method: GatewayPaymentMethod | undefined;
  const owner = await ownerOfMethod(db.sql, input.paymentMethod);
  if (owner !== undefined && owner !== input.parentId) {
    throw new GatewayRequestError('This payment method belongs to another family', 'payment_method_unexpected_state');
  }
  if (owner === undefined) {
    const customerId = await ensureCustomer(deps, input.parentId);
    method = await gateway.attachPaymentMethod({ customerId, paymentMethod: input.paymentMethod, makeDefault: input.makeDefault }, { idempotencyKey: input.idempotencyKey });
  }
  const methodId = method?.id ?? input.paymentMethod;
  return db.sql.transaction(async (tx) => {
    let created = false;
    if (method) {
      const inserted = await tx.query(
        `INSERT INTO saved_payment_methods (parent_id, gateway, gateway_payment_method_id, brand, last4, exp_month, exp_year)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (gateway_payment_method_id) DO NOTHING RETURNING id`,
        [input.parentId, gateway.name, method.id, method.brand, method.last4, method.expMonth, method.expYear],
      );
      created = inserted.length > 0;
    }
    const [{ has_default } = { has_default: false }] = await tx.query<{ has_default: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM saved_payment_methods WHERE parent_id = $1 AND gateway = $2 AND is_default) AS has_default',
      [input.parentId, gateway.name],
    );
    if (input.makeDefault || !has_default) {
      await tx.query('UPDATE saved_payment_methods SET is_default = false WHERE parent_id = $1 AND gateway = $2 AND is_default', [input.parentId, gateway.name]);
      await tx.query('UPDATE saved_payment_methods SET is_default = true WHERE gateway_payment_method_id = $1', [methodId]);
    }
    const [row] = await tx.query<{ brand: string; last4: string; exp_month: number; exp_year: number; is_default: boolean; created_at: Date }>(
      'SELECT brand, last4, exp_month, exp_year, is_default, created_at FROM saved_payment_methods WHERE gateway_payment_method_id = $1',
      [methodId],
    );
    if (!row) throw new Error(`payment method ${methodId} was not saved`);
    if (created || input.makeDefault) {
      await recordAudit(tx, actor, {
        action: created ? 'create' : 'update',
        entity: 'payment_method',
        entityId: methodId,
        after: { parentId: input.parentId, brand: row.brand, last4: row.last4, isDefault: row.is_default },
      });
    }
    return {
      id: methodId,
      brand: row.brand,
      last4: row.last4,
      expMonth: row.exp_month,
      expYear: row.exp_year,
      isDefault: row.is_default,
      createdAt: row.created_at.toISOString(),
      created,
    };
  });
}
