/** The template telling a family and a substitute teacher that another teacher covers lessons. */
import { z } from 'zod';
import { defineTemplate, field } from './define.js';

export const lessonSubstitute = defineTemplate({
  data: z.object({
    studentName: field.text(),
    /** The student's own teacher, who is away. */
    teacherName: field.text(),
    substituteName: field.text(),
    /** The first covered lesson. */
    startsAt: field.instant(),
    /** The last covered lesson, when there are several; null for one. */
    lastStartsAt: field.optionalInstant(),
    lessonCount: field.count(),
    durationMinutes: field.count(),
    /** True in the substitute's copy, false in the family's. */
    toSubstitute: field.flag(),
  }),
  subject: '{{#if toSubstitute}}Covering for {{teacherName}}: {{studentName}}, {{datetime startsAt}}{{else}}Substitute teacher for {{studentName}}: {{datetime startsAt}}{{/if}}',
  html: `<p>Hello {{recipientName}},</p>
{{#if toSubstitute}}<p>You are teaching <strong>{{studentName}}</strong> in place of {{teacherName}}, who is away:{{else}}<p>{{teacherName}} is away, so <strong>{{studentName}}</strong>'s lessons are taught by <strong>{{substituteName}}</strong>:{{/if}}
{{#if lastStartsAt}}{{lessonCount}} lessons from <strong>{{datetime startsAt}}</strong> to <strong>{{datetime lastStartsAt}}</strong>{{else}}the lesson on <strong>{{datetime startsAt}}</strong>{{/if}} ({{durationMinutes}} minutes).</p>
{{#unless toSubstitute}}<p>The time stays the same; nothing for you to do.</p>{{/unless}}`,
  text: `Hello {{recipientName}},

{{#if toSubstitute}}You are teaching {{studentName}} in place of {{teacherName}}, who is away:{{else}}{{teacherName}} is away, so {{studentName}}'s lessons are taught by {{substituteName}}:{{/if}} {{#if lastStartsAt}}{{lessonCount}} lessons from {{datetime startsAt}} to {{datetime lastStartsAt}}{{else}}the lesson on {{datetime startsAt}}{{/if}} ({{durationMinutes}} minutes).
{{#unless toSubstitute}}
The time stays the same; nothing for you to do.
{{/unless}}`,
  sms: '{{school.name}}: {{studentName}}, lesson on {{datetime startsAt}} taught by {{substituteName}} ({{teacherName}} is away).',
  example: {
    studentName: 'Emma Wilson',
    teacherName: 'Clara Schumann',
    substituteName: 'Fanny Mendelssohn',
    startsAt: '2030-05-07T20:00:00Z',
    lastStartsAt: '2030-05-14T20:00:00Z',
    lessonCount: 2,
    durationMinutes: 30,
    toSubstitute: false,
  },
});
