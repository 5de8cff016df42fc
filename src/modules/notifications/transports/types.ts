/**
 * Delivery channels of the school's messages. E-mail goes through nodemailer (SMTP when SMTP_URL
 * is set); SMS through Twilio when configured. Without a provider a message is kept in the outbox
 * table for the admin to read (`kind: 'outbox'`), which is the embedded default.
 */

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Stable Message-ID (`<…@cedarheights>`), so a retried send is recognisable downstream. */
  messageId?: string;
}

export interface SmsMessage {
  /** E.164 number. */
  to: string;
  body: string;
}

/** What a provider answered: its id for the message. */
export interface SendResult {
  provider: string;
  providerMessageId: string;
}

export interface EmailTransport {
  /** `smtp`: handed to an SMTP server; `outbox`: rendered and kept in the outbox only. */
  readonly kind: 'smtp' | 'outbox';
  /** Sends one message; throws when the server refuses it or cannot be reached (retryable). */
  send(message: EmailMessage): Promise<SendResult>;
  /** Resolves when the server is reachable and accepts us (readiness); absent when there is no server. */
  verify?(): Promise<void>;
  close(): void;
}

export interface SmsProvider {
  readonly kind: 'twilio' | 'outbox';
  /** Sends one SMS; throws on a provider error (retryable unless it is a PermanentError). */
  send(message: SmsMessage): Promise<SendResult>;
}
