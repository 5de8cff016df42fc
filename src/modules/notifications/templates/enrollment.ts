/** Templates of the enrollment form that only the address's owner may act on. */
import { z } from 'zod';
import { defineTemplate, field } from './define.js';

/**
 * The public form was sent with the e-mail of an existing account: nothing of that family changes
 * until the owner opens this link (or the office approves). `expiresAt` is when the link stops working.
 */
export const enrollmentConfirm = defineTemplate({
  data: z.object({ studentName: field.text(), instrument: field.text(), link: field.url(), expiresAt: field.instant() }),
  subject: '{{school.name}}: please confirm the enrollment of {{studentName}}',
  html: `<p>Hello {{recipientName}},</p>
<p>{{school.name}} received an enrollment form for <strong>{{studentName}}</strong> ({{instrument}}) with your e-mail address, which already belongs to an account with us.</p>
<p>If you sent it, confirm it here before {{datetime expiresAt}}; nothing is added to your account until you do:</p>
<p><a href="{{link}}">Confirm the enrollment</a></p>
<p>If you did not send it, ignore this message: the form will expire and nothing will change.</p>`,
  text: `Hello {{recipientName}},

{{school.name}} received an enrollment form for {{studentName}} ({{instrument}}) with your e-mail address, which already belongs to an account with us.

If you sent it, confirm it here before {{datetime expiresAt}}; nothing is added to your account until you do:

{{link}}

If you did not send it, ignore this message: the form will expire and nothing will change.`,
  example: { studentName: 'Emma Wilson', instrument: 'piano', link: 'https://portal.example/enrollments/confirm?token=abc', expiresAt: '2030-05-07T20:00:00Z' },
});
