import { randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { AppConfig } from '../../../config.js';
import type { EmailMessage, EmailTransport, SendResult } from './types.js';

/**
 * SMTP through nodemailer, to the server of SMTP_URL (`smtp://user:pass@host:587`, `smtps://…`;
 * add `?pool=true` for pooled connections). Time limits are short so that a stuck server fails
 * the attempt, which the notification workflow retries with backoff.
 */
export class SmtpEmailTransport implements EmailTransport {
  readonly kind = 'smtp';
  private readonly transporter: Transporter;
  private lastVerify: { at: number; result: Promise<void> } | undefined;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transporter = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  }

  async send(message: EmailMessage): Promise<SendResult> {
    const info = await this.transporter.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
      ...(message.messageId ? { messageId: message.messageId } : {}),
    });
    return { provider: 'smtp', providerMessageId: String(info.messageId) };
  }

  /** Connects and greets the server (at most once per 30 s; later calls reuse the last answer). */
  verify(): Promise<void> {
    const now = Date.now();
    if (!this.lastVerify || now - this.lastVerify.at > 30_000) {
      this.lastVerify = { at: now, result: this.transporter.verify().then(() => undefined) };
      this.lastVerify.result.catch(() => undefined);
    }
    return this.lastVerify.result;
  }

  close(): void {
    this.transporter.close();
  }
}

/** No SMTP server configured: the message stays in the outbox table, where the admin reads it. */
export class OutboxEmailTransport implements EmailTransport {
  readonly kind = 'outbox';

  async send(message: EmailMessage): Promise<SendResult> {
    return { provider: 'outbox', providerMessageId: message.messageId ?? `<${randomUUID()}@outbox.cedarheights>` };
  }

  close(): void {}
}

/** SMTP when SMTP_URL is set, else the outbox. */
export function createEmailTransport(config: Pick<AppConfig, 'mail'>): EmailTransport {
  return config.mail.smtpUrl ? new SmtpEmailTransport(config.mail.smtpUrl, config.mail.from) : new OutboxEmailTransport();
}
