/** Templates about payments: receipt, failure. Amounts are integer cents with an ISO currency. */
import { z } from 'zod';
import { defineTemplate, field } from './define.js';

export const paymentReceipt = defineTemplate({
  data: z.object({
    amountCents: field.cents(),
    currency: field.currency(),
    description: field.text(),
    paymentId: field.optionalId(),
    paidAt: field.optionalInstant(),
    /** The receipt's number (R-000123); every receipt the school sends has one. */
    receiptNumber: field.optionalText(),
    /** A subscription payment: the period it pays for and the lessons in it. */
    periodStart: field.optionalInstant(),
    periodEnd: field.optionalInstant(),
    lessonCount: z.number().int().min(0).nullable().default(null),
  }),
  subject: 'Receipt{{#if receiptNumber}} {{receiptNumber}}{{/if}}: {{money amountCents currency}} to {{school.name}}',
  html: `<p>Hello {{recipientName}},</p>
<p>Thank you! We received your payment of <strong>{{money amountCents currency}}</strong> for {{description}}{{#if paidAt}} on {{datetime paidAt}}{{/if}}.</p>
{{#if receiptNumber}}<p>Receipt number: <strong>{{receiptNumber}}</strong></p>{{/if}}
{{#if periodStart}}<p>Period: {{date periodStart}} to {{date periodEnd}}{{#if lessonCount}} ({{lessonCount}} lessons){{/if}}</p>{{/if}}
{{#if paymentId}}<p>Payment reference: {{paymentId}}</p>{{/if}}
<p>Keep this e-mail as your receipt.</p>`,
  text: `Hello {{recipientName}},

Thank you! We received your payment of {{money amountCents currency}} for {{description}}{{#if paidAt}} on {{datetime paidAt}}{{/if}}.
{{#if receiptNumber}}
Receipt number: {{receiptNumber}}
{{/if}}
{{#if periodStart}}
Period: {{date periodStart}} to {{date periodEnd}}{{#if lessonCount}} ({{lessonCount}} lessons){{/if}}
{{/if}}
{{#if paymentId}}
Payment reference: {{paymentId}}
{{/if}}

Keep this e-mail as your receipt.`,
  sms: '{{school.name}}: payment of {{money amountCents currency}} received{{#if receiptNumber}} (receipt {{receiptNumber}}){{/if}}. Thank you!',
  example: { amountCents: 4500, currency: 'CAD', description: 'Piano lesson, May 7', paymentId: 1042, paidAt: '2030-05-07T20:00:00Z', receiptNumber: 'R-001042' },
});

export const paymentFailed = defineTemplate({
  data: z.object({
    amountCents: field.cents(),
    currency: field.currency(),
    description: field.text(),
    failureReason: field.optionalText(),
    /** When the payment will be tried again, if it will. */
    retryAt: field.optionalInstant(),
  }),
  subject: 'Payment failed: {{money amountCents currency}} to {{school.name}}',
  html: `<p>Hello {{recipientName}},</p>
<p>We could not collect your payment of <strong>{{money amountCents currency}}</strong> for {{description}}.{{#if failureReason}} The bank said: {{failureReason}}.{{/if}}</p>
{{#if retryAt}}<p>We will try again on {{datetime retryAt}}.</p>{{/if}}
<p>Please check or update your payment method in the parent portal, or contact us at {{school.email}}.</p>`,
  text: `Hello {{recipientName}},

We could not collect your payment of {{money amountCents currency}} for {{description}}.{{#if failureReason}} The bank said: {{failureReason}}.{{/if}}
{{#if retryAt}}
We will try again on {{datetime retryAt}}.
{{/if}}

Please check or update your payment method in the parent portal, or contact us at {{school.email}}.`,
  sms: '{{school.name}}: your payment of {{money amountCents currency}} failed. Please update your payment method in the parent portal.',
  example: { amountCents: 4500, currency: 'CAD', description: 'Piano lesson, May 7', failureReason: 'card declined', retryAt: '2030-05-10T12:00:00Z' },
});
