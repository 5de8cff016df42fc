/** Templates of billing that follows the calendar: the payment-due reminder before a renewal, the late fee. */
import { z } from 'zod';
import { defineTemplate, field } from './define.js';

export const paymentDue = defineTemplate({
  data: z.object({
    amountCents: field.cents(),
    currency: field.currency(),
    studentName: field.text(),
    /** When the gateway charges the renewal (the new period's start). */
    dueAt: field.instant(),
    periodEnd: field.instant(),
    lessonCount: field.count(),
  }),
  subject: 'Payment due {{date dueAt}}: {{money amountCents currency}} to {{school.name}}',
  html: `<p>Hello {{recipientName}},</p>
<p>The lesson subscription of {{studentName}} renews on <strong>{{datetime dueAt}}</strong>: we will charge <strong>{{money amountCents currency}}</strong> to your saved payment method.</p>
<p>It covers the {{lessonCount}} lessons scheduled from {{date dueAt}} until {{date periodEnd}} (closures and lessons the school cancels are not charged).</p>
<p>To update your payment method, visit the parent portal or contact us at {{school.email}}.</p>`,
  text: `Hello {{recipientName}},

The lesson subscription of {{studentName}} renews on {{datetime dueAt}}: we will charge {{money amountCents currency}} to your saved payment method.

It covers the {{lessonCount}} lessons scheduled from {{date dueAt}} until {{date periodEnd}} (closures and lessons the school cancels are not charged).

To update your payment method, visit the parent portal or contact us at {{school.email}}.`,
  sms: "{{school.name}}: {{money amountCents currency}} for {{studentName}}'s lessons will be charged on {{date dueAt}}.",
  example: { amountCents: 18_000, currency: 'CAD', studentName: 'Emma Wilson', dueAt: '2030-06-01T03:00:00Z', periodEnd: '2030-07-01T03:00:00Z', lessonCount: 4 },
});

export const lateFee = defineTemplate({
  data: z.object({
    /** The late fee. */
    amountCents: field.cents(),
    currency: field.currency(),
    /** What is still owed, and since when. */
    owedCents: field.cents(),
    owedDescription: field.text(),
    dueAt: field.instant(),
    graceDays: field.count(),
  }),
  subject: 'Late fee of {{money amountCents currency}} from {{school.name}}',
  html: `<p>Hello {{recipientName}},</p>
<p>Your payment of <strong>{{money owedCents currency}}</strong> for {{owedDescription}}, due on {{date dueAt}}, is still unpaid {{graceDays}} days later.</p>
<p>As our payment policy says, a late fee of <strong>{{money amountCents currency}}</strong> is added to your account and charged to your saved payment method.</p>
<p>If you think this is a mistake, please contact us at {{school.email}}.</p>`,
  text: `Hello {{recipientName}},

Your payment of {{money owedCents currency}} for {{owedDescription}}, due on {{date dueAt}}, is still unpaid {{graceDays}} days later.

As our payment policy says, a late fee of {{money amountCents currency}} is added to your account and charged to your saved payment method.

If you think this is a mistake, please contact us at {{school.email}}.`,
  sms: '{{school.name}}: a late fee of {{money amountCents currency}} was added for your unpaid {{money owedCents currency}}.',
  example: { amountCents: 1500, currency: 'CAD', owedCents: 18_000, owedDescription: 'the lessons of Emma Wilson', dueAt: '2030-06-01T03:00:00Z', graceDays: 7 },
});
