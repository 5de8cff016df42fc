/** Templates about accounts and people: welcome, new student, password links, messages, alerts. */
import { z } from 'zod';
import { defineTemplate, field } from './define.js';

export const parentWelcome = defineTemplate({
  data: z.object({
    studentName: field.text(),
    instrument: field.text(),
    teacherName: field.optionalText(),
    /** Start of the trial lesson, if one was booked. */
    demoLessonAt: field.optionalInstant(),
  }),
  subject: 'Welcome to {{school.name}}',
  html: `<p>Hello {{recipientName}},</p>
<p>Thank you for enrolling <strong>{{studentName}}</strong> in {{instrument}} lessons at {{school.name}}. We are delighted to have you with us.</p>
{{#if teacherName}}<p>{{studentName}}'s teacher will be {{teacherName}}.</p>{{/if}}
{{#if demoLessonAt}}<p>The first (trial) lesson is on <strong>{{datetime demoLessonAt}}</strong>.</p>{{/if}}
<p>You can follow lessons and payments in the parent portal at any time.</p>`,
  text: `Hello {{recipientName}},

Thank you for enrolling {{studentName}} in {{instrument}} lessons at {{school.name}}. We are delighted to have you with us.
{{#if teacherName}}
{{studentName}}'s teacher will be {{teacherName}}.
{{/if}}
{{#if demoLessonAt}}
The first (trial) lesson is on {{datetime demoLessonAt}}.
{{/if}}

You can follow lessons and payments in the parent portal at any time.`,
  example: { studentName: 'Emma Wilson', instrument: 'piano', teacherName: 'Clara Schumann', demoLessonAt: '2030-05-07T20:00:00Z' },
});

export const teacherNewStudent = defineTemplate({
  data: z.object({
    studentName: field.text(),
    instrument: field.text(),
    parentName: field.text(),
    parentEmail: field.optionalText(),
    firstLessonAt: field.optionalInstant(),
    /** A few sentences about the student from the family's own words (drafted by AI or the rules drafter). */
    briefing: field.optionalText(),
  }),
  subject: 'New student: {{studentName}} ({{instrument}})',
  html: `<p>Hello {{recipientName}},</p>
<p><strong>{{studentName}}</strong> has joined your {{instrument}} class. Their parent is {{parentName}}{{#if parentEmail}} (<a href="mailto:{{parentEmail}}">{{parentEmail}}</a>){{/if}}.</p>
{{#if firstLessonAt}}<p>The first lesson is on <strong>{{datetime firstLessonAt}}</strong>.</p>{{/if}}
{{#if briefing}}<p><strong>Briefing</strong></p><p>{{paragraphs briefing}}</p>{{/if}}`,
  text: `Hello {{recipientName}},

{{studentName}} has joined your {{instrument}} class. Their parent is {{parentName}}{{#if parentEmail}} ({{parentEmail}}){{/if}}.
{{#if firstLessonAt}}
The first lesson is on {{datetime firstLessonAt}}.
{{/if}}
{{#if briefing}}

Briefing:
{{briefing}}
{{/if}}`,
  example: {
    studentName: 'Emma Wilson',
    instrument: 'piano',
    parentName: 'Jane Wilson',
    parentEmail: 'jane@example.com',
    firstLessonAt: '2030-05-07T20:00:00Z',
    briefing: 'Emma (age 9–12) starts piano with 30-minute lessons. In the family’s words: “She loves film music.”',
  },
});

export const passwordReset = defineTemplate({
  data: z.object({ link: field.url(), ttlMinutes: field.count() }),
  subject: '{{school.name}}: reset your password',
  html: `<p>Hello {{recipientName}},</p>
<p>Someone (hopefully you) asked to reset your password. Open this link within {{ttlMinutes}} minutes to choose a new one:</p>
<p><a href="{{link}}">Reset my password</a></p>
<p>If it was not you, ignore this message; your password stays as it is.</p>`,
  text: `Hello {{recipientName}},

Someone (hopefully you) asked to reset your password. Open this link within {{ttlMinutes}} minutes to choose a new one:

{{link}}

If it was not you, ignore this message; your password stays as it is.`,
  example: { link: 'https://portal.example/reset-password?token=abc', ttlMinutes: 60 },
});

export const setPassword = defineTemplate({
  data: z.object({ link: field.url(), ttlHours: field.count(), email: field.text() }),
  subject: '{{school.name}}: choose your password',
  html: `<p>Hello {{recipientName}},</p>
<p>An account at {{school.name}} was created for you ({{email}}). Open this link within {{ttlHours}} hours to choose your password and sign in:</p>
<p><a href="{{link}}">Choose my password</a></p>
<p>If the link has expired, use "Forgot password" on the sign-in page to get a new one.</p>`,
  text: `Hello {{recipientName}},

An account at {{school.name}} was created for you ({{email}}). Open this link within {{ttlHours}} hours to choose your password and sign in:

{{link}}

If the link has expired, use "Forgot password" on the sign-in page to get a new one.`,
  example: { link: 'https://portal.example/set-password?token=abc', ttlHours: 72, email: 'clara@example.com' },
});

export const adminAlert = defineTemplate({
  data: z.object({ title: field.text(), message: field.text() }),
  subject: '[{{school.name}}] {{title}}',
  html: `<p><strong>{{title}}</strong></p>
<p>{{paragraphs message}}</p>`,
  text: `{{title}}

{{message}}`,
  example: { title: 'Payment retries exhausted', message: 'The card of the Wilson family failed three times.' },
});

export const directMessage = defineTemplate({
  data: z.object({ senderName: field.text(), subject: field.text(), message: field.text() }),
  subject: '{{subject}}',
  html: `<p>Hello {{recipientName}},</p>
<p>{{senderName}} sent you a message through {{school.name}}:</p>
<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px">{{paragraphs message}}</blockquote>`,
  text: `Hello {{recipientName}},

{{senderName}} sent you a message through {{school.name}}:

{{message}}`,
  sms: '{{school.name}}, from {{senderName}}: {{subject}}',
  example: { senderName: 'Clara Schumann', subject: 'Practice this week', message: 'Please practise the C major scale.\nThank you!' },
});
