/** Templates of the enrollment form: the owner's confirmation, the waiting list, a rejection. */
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

/** The signed status link (optional: older requests have none), e.g. https://portal.example/api/v1/enrollments/7/status?token=… */
const statusLink = () => field.url().nullable().default(null);

/**
 * No free teacher for the instrument: the family is on the waiting list. `noTeacherYet` when nobody
 * teaches the instrument at all ("no teacher for cello yet"), else every teacher of it is full.
 */
export const enrollmentWaitlisted = defineTemplate({
  data: z.object({ studentName: field.text(), instrument: field.text(), noTeacherYet: field.flag(), statusLink: statusLink() }),
  subject: '{{studentName}} is on the waiting list for {{instrument}}',
  html: `<p>Hello {{recipientName}},</p>
<p>Thank you for your interest in {{school.name}}. {{#if noTeacherYet}}We have no teacher for {{instrument}} yet{{else}}All our {{instrument}} teachers are fully booked at the moment{{/if}}, so <strong>{{studentName}}</strong> is on our waiting list.</p>
<p>We will write to you as soon as a place opens up.</p>
{{#if statusLink}}<p>You can follow the enrollment here: <a href="{{statusLink}}">enrollment status</a>.</p>{{/if}}`,
  text: `Hello {{recipientName}},

Thank you for your interest in {{school.name}}. {{#if noTeacherYet}}We have no teacher for {{instrument}} yet{{else}}All our {{instrument}} teachers are fully booked at the moment{{/if}}, so {{studentName}} is on our waiting list.

We will write to you as soon as a place opens up.
{{#if statusLink}}

You can follow the enrollment here: {{statusLink}}
{{/if}}`,
  example: { studentName: 'Emma Wilson', instrument: 'cello', noTeacherYet: true, statusLink: 'https://portal.example/api/v1/enrollments/7/status?token=abc' },
});

/** The enrollment was not accepted: `reasons` (one a line) say why, the office's own words when it declined. */
export const enrollmentRejected = defineTemplate({
  data: z.object({ studentName: field.text(), instrument: field.text(), reasons: field.text(), statusLink: statusLink() }),
  subject: '{{school.name}}: the enrollment of {{studentName}} was not accepted',
  html: `<p>Hello {{recipientName}},</p>
<p>Thank you for your interest in {{instrument}} lessons for <strong>{{studentName}}</strong> at {{school.name}}. We are sorry: we could not accept the enrollment.</p>
<p>The reason:</p>
<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px">{{paragraphs reasons}}</blockquote>
<p>If you have questions, simply reply to this e-mail.</p>
{{#if statusLink}}<p>The enrollment's status: <a href="{{statusLink}}">enrollment status</a>.</p>{{/if}}`,
  text: `Hello {{recipientName}},

Thank you for your interest in {{instrument}} lessons for {{studentName}} at {{school.name}}. We are sorry: we could not accept the enrollment.

The reason:
{{reasons}}

If you have questions, simply reply to this e-mail.
{{#if statusLink}}

The enrollment's status: {{statusLink}}
{{/if}}`,
  example: {
    studentName: 'Emma Wilson',
    instrument: 'piano',
    reasons: 'The school declined this enrollment: our Saturday class is full until June',
    statusLink: 'https://portal.example/api/v1/enrollments/7/status?token=abc',
  },
});
