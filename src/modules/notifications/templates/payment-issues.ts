/** Templates of payment-issue resolution (src/modules/approvals/payment-issue): the approved reply, the card-update link. */
import { z } from 'zod';
import { defineTemplate, field } from './define.js';

export const paymentIssueReply = defineTemplate({
  data: z.object({
    /** The reply as approved by the office (drafted by the AI layer or the rules drafter), plain text with line breaks. */
    message: field.text(),
  }),
  subject: 'About your payment to {{school.name}}',
  html: `{{paragraphs message}}
<p>You can answer this e-mail or write to us from the parent portal.</p>`,
  text: `{{message}}

You can answer this e-mail or write to us from the parent portal.`,
  sms: '{{school.name}}: we wrote to you about your payment; please check your e-mail.',
  example: { message: 'Hello Jane,\n\nthe payment of 180.00 CAD for Emma’s lessons did not go through. We will try again on 2030-06-08.' },
});

export const cardUpdateLink = defineTemplate({
  data: z.object({
    /** The parent portal's page where a card is saved. */
    link: field.url(),
  }),
  subject: 'Update your card on file with {{school.name}}',
  html: `<p>Hello {{recipientName}},</p>
<p>Please update the card we charge for lessons: <a href="{{link}}">{{link}}</a></p>
<p>If you have any question, contact us at {{school.email}}.</p>`,
  text: `Hello {{recipientName}},

Please update the card we charge for lessons: {{link}}

If you have any question, contact us at {{school.email}}.`,
  sms: '{{school.name}}: please update your card on file: {{link}}',
  example: { link: 'https://school.example/app/cards' },
});
