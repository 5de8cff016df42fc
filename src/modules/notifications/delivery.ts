/**
 * Delivery of one outbox row through the configured transport, shared by the notification
 * workflow (retries by the engine, with backoff) and the outbox-dispatch workflow (retries by
 * `send_after`). Every attempt is recorded on the row: status, attempts, last_error.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { isPermanent } from '../../engine/index.js';
import { claimAttempt, finalOutboxStatuses, outboxRow, recordDelivered, recordFailure, type OutboxRow } from './outbox.js';
import type { EmailTransport, SendResult, SmsProvider } from './transports/types.js';

/** What a channel ended with (output of the channel nodes, per channel in the run's summary). */
export interface DeliveryOutcome {
  status: 'sent' | 'kept' | 'failed';
  outboxId: number;
  attempts: number;
  provider: string | null;
  error: string | null;
}

export interface Transports {
  email: EmailTransport;
  sms: SmsProvider;
}

/** A failed attempt that will be tried again (the row is `retrying`). */
export class DeliveryRetryError extends Error {
  override name = 'DeliveryRetryError';
}

const messageText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Whether a send error is final: the engine's PermanentError, an SMTP 5xx reply (mailbox unknown,
 * message refused) or a refused envelope. Connection problems and 4xx replies are retried.
 */
export function isFinalSendError(error: unknown): boolean {
  if (isPermanent(error)) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { responseCode, code } = error as { responseCode?: unknown; code?: unknown };
  return (typeof responseCode === 'number' && responseCode >= 500) || code === 'EENVELOPE';
}

/** Stable Message-ID of an outbox row, so a repeated send is recognisable downstream. */
export const messageIdOf = (row: Pick<OutboxRow, 'id'>): string => `<outbox-${row.id}@cedarheights>`;

function send(transports: Transports, row: OutboxRow): Promise<SendResult> {
  if (row.channel === 'sms') return transports.sms.send({ to: row.recipient, body: row.bodyText ?? '' });
  return transports.email.send({
    to: row.recipient,
    subject: row.subject ?? '',
    text: row.bodyText ?? '',
    ...(row.bodyHtml ? { html: row.bodyHtml } : {}),
    messageId: messageIdOf(row),
  });
}

export const outcomeOf = (row: OutboxRow): DeliveryOutcome => ({
  status: row.status === 'sent' || row.status === 'kept' ? row.status : 'failed',
  outboxId: row.id,
  attempts: row.attempts,
  provider: row.provider,
  error: row.status === 'sent' || row.status === 'kept' ? null : row.lastError,
});

/**
 * One delivery attempt of row `id`. A row already final is returned as it is (never sent twice).
 * On failure: `failed` when the error is final or this was attempt `maxAttempts` (returned, not
 * thrown); otherwise `retrying` and a DeliveryRetryError is thrown for the caller to retry later.
 */
export async function attemptDelivery(
  sql: SqlExecutor,
  transports: Transports,
  id: number,
  options: { maxAttempts: number; retryAfterMs?: (attempts: number) => number },
): Promise<DeliveryOutcome> {
  const row = await claimAttempt(sql, id);
  if (!row) {
    const current = await outboxRow(sql, id);
    if (!current || !finalOutboxStatuses.has(current.status)) throw new Error(`outbox row ${id} cannot be claimed`);
    return outcomeOf(current);
  }
  const provider = row.channel === 'sms' ? transports.sms.kind : transports.email.kind;
  try {
    const result = await send(transports, row);
    const status = result.provider === 'outbox' ? 'kept' : 'sent';
    await recordDelivered(sql, id, { status, provider: result.provider, providerMessageId: result.providerMessageId });
    return { status, outboxId: id, attempts: row.attempts, provider: result.provider, error: null };
  } catch (error) {
    const final = isFinalSendError(error) || row.attempts >= options.maxAttempts;
    const message = messageText(error);
    const retryAfterMs = final ? undefined : options.retryAfterMs?.(row.attempts);
    await recordFailure(sql, id, { error: message, provider, final, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    if (final) return { status: 'failed', outboxId: id, attempts: row.attempts, provider, error: message };
    throw new DeliveryRetryError(`attempt ${row.attempts} of outbox row ${id} failed: ${message}`, { cause: error });
  }
}
