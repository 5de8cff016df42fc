/** Templates about lessons: confirmation, cancellation, reminder. */
import { z } from 'zod';
import { defineTemplate, field } from './define.js';

export const lessonConfirmation = defineTemplate({
  data: z.object({
    studentName: field.text(),
    teacherName: field.text(),
    startsAt: field.instant(),
    durationMinutes: field.count(),
    /** Number of lessons when a recurring series was booked; null for one lesson. */
    lessonCount: field.count().nullable().default(null),
  }),
  subject: 'Lesson booked: {{studentName}}, {{datetime startsAt}}',
  html: `<p>Hello {{recipientName}},</p>
<p>{{#if lessonCount}}A series of {{lessonCount}} lessons is booked for <strong>{{studentName}}</strong> with {{teacherName}}, starting{{else}}<strong>{{studentName}}</strong>'s lesson with {{teacherName}} is booked for{{/if}} <strong>{{datetime startsAt}}</strong> ({{durationMinutes}} minutes).</p>
<p>Need to change it? Cancel or reschedule in the parent portal, within the school's notice period.</p>`,
  text: `Hello {{recipientName}},

{{#if lessonCount}}A series of {{lessonCount}} lessons is booked for {{studentName}} with {{teacherName}}, starting{{else}}{{studentName}}'s lesson with {{teacherName}} is booked for{{/if}} {{datetime startsAt}} ({{durationMinutes}} minutes).

Need to change it? Cancel or reschedule in the parent portal, within the school's notice period.`,
  sms: '{{school.name}}: {{studentName}}, lesson with {{teacherName}} on {{datetime startsAt}} is booked.',
  example: { studentName: 'Emma Wilson', teacherName: 'Clara Schumann', startsAt: '2030-05-07T20:00:00Z', durationMinutes: 30, lessonCount: null },
});

export const lessonCancellation = defineTemplate({
  data: z.object({
    studentName: field.text(),
    teacherName: field.optionalText(),
    startsAt: field.instant(),
    reason: field.optionalText(),
    /** Who cancelled, as the reader should see it: "the school", "the family", "Clara Schumann (teacher)". */
    cancelledBy: field.optionalText(),
    /** Whether a make-up credit was granted. */
    makeupCredit: field.flag(),
  }),
  subject: 'Lesson cancelled: {{studentName}}, {{datetime startsAt}}',
  html: `<p>Hello {{recipientName}},</p>
<p><strong>{{studentName}}</strong>'s lesson{{#if teacherName}} with {{teacherName}}{{/if}} on <strong>{{datetime startsAt}}</strong> is cancelled{{#if cancelledBy}} by {{cancelledBy}}{{/if}}.</p>
{{#if reason}}<p>Reason: {{reason}}</p>{{/if}}
{{#if makeupCredit}}<p>A make-up lesson credit was added for {{studentName}}; it can be booked in the parent portal.</p>{{else}}<p>This cancellation adds no lesson credit.</p>{{/if}}`,
  text: `Hello {{recipientName}},

{{studentName}}'s lesson{{#if teacherName}} with {{teacherName}}{{/if}} on {{datetime startsAt}} is cancelled{{#if cancelledBy}} by {{cancelledBy}}{{/if}}.
{{#if reason}}
Reason: {{reason}}
{{/if}}
{{#if makeupCredit}}
A make-up lesson credit was added for {{studentName}}; it can be booked in the parent portal.
{{else}}
This cancellation adds no lesson credit.
{{/if}}`,
  sms: '{{school.name}}: {{studentName}}, lesson on {{datetime startsAt}} is cancelled.',
  example: { studentName: 'Emma Wilson', teacherName: 'Clara Schumann', startsAt: '2030-05-07T20:00:00Z', reason: 'Teacher ill', cancelledBy: 'the school', makeupCredit: true },
});

export const lessonReminder = defineTemplate({
  data: z.object({
    studentName: field.text(),
    teacherName: field.text(),
    startsAt: field.instant(),
    durationMinutes: field.count(),
  }),
  subject: 'Reminder: {{studentName}} has a lesson on {{datetime startsAt}}',
  html: `<p>Hello {{recipientName}},</p>
<p>A friendly reminder: <strong>{{studentName}}</strong> has a lesson with {{teacherName}} on <strong>{{datetime startsAt}}</strong> ({{durationMinutes}} minutes).</p>
<p>If you cannot make it, please cancel in the parent portal as early as possible.</p>`,
  text: `Hello {{recipientName}},

A friendly reminder: {{studentName}} has a lesson with {{teacherName}} on {{datetime startsAt}} ({{durationMinutes}} minutes).

If you cannot make it, please cancel in the parent portal as early as possible.`,
  sms: '{{school.name}} reminder: {{studentName}}, lesson with {{teacherName}} on {{datetime startsAt}}.',
  example: { studentName: 'Emma Wilson', teacherName: 'Clara Schumann', startsAt: '2030-05-07T20:00:00Z', durationMinutes: 45 },
});
