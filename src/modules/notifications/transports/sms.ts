import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../../../config.js';
import { PermanentError } from '../../../engine/index.js';
import type { SendResult, SmsMessage, SmsProvider } from './types.js';

/**
 * Twilio's Messages API (one form-encoded POST per SMS, basic auth with the account SID and token).
 * A 4xx answer other than 429 (bad number, unverified sender, bad credentials) is a PermanentError:
 * sending again cannot help. 429, 5xx and network errors are retried by the caller.
 */
export class TwilioSmsProvider implements SmsProvider {
  readonly kind = 'twilio';

  constructor(private readonly options: { accountSid: string; authToken: string; fromNumber: string; apiUrl: string }) {}

  async send(message: SmsMessage): Promise<SendResult> {
    const { accountSid, authToken, fromNumber, apiUrl } = this.options;
    const response = await fetch(`${apiUrl}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: message.to, From: fromNumber, Body: message.body }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json().catch(() => ({}))) as { sid?: string; message?: string; code?: number };
    if (!response.ok || !body.sid) {
      const permanent = response.status >= 400 && response.status < 500 && response.status !== 429;
      throw new (permanent ? PermanentError : Error)(`Twilio answered ${response.status}${body.code ? ` (code ${body.code})` : ''}: ${body.message ?? 'no message'}`);
    }
    return { provider: 'twilio', providerMessageId: body.sid };
  }
}

/** No SMS provider configured: the SMS stays in the outbox table. */
export class OutboxSmsProvider implements SmsProvider {
  readonly kind = 'outbox';

  async send(): Promise<SendResult> {
    return { provider: 'outbox', providerMessageId: `outbox-${randomUUID()}` };
  }
}

/** Twilio when its account SID, token and sender number are all set, else the outbox. */
export function createSmsProvider(config: Pick<AppConfig, 'twilio'>): SmsProvider {
  const { accountSid, authToken, fromNumber, apiUrl } = config.twilio;
  return accountSid && authToken && fromNumber ? new TwilioSmsProvider({ accountSid, authToken, fromNumber, apiUrl }) : new OutboxSmsProvider();
}
