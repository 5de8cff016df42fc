/** Templates about a lesson that moved: lesson_rescheduled (to the family and the teacher). */
import { z } from 'zod';
import { defineTemplate, field } from './define.js';

export const lessonRescheduled = defineTemplate({
  data: z.object({
    studentName: field.text(),
    teacherName: field.text(),
    /** The old start, and the new one (instants; shown in the school's zone). */
    previousStartsAt: field.instant(),
    startsAt: field.instant(),
    durationMinutes: field.count(),
    /** Who moved it, as the reader should see it: "the school", "the family", "Clara Schumann (teacher)". */
    rescheduledBy: field.optionalText(),
  }),
  subject: 'Lesson moved: {{studentName}}, now {{datetime startsAt}}',
  html: `<p>Hello {{recipientName}},</p>
<p><strong>{{studentName}}</strong>'s lesson with {{teacherName}} has moved{{#if rescheduledBy}} ({{rescheduledBy}} changed it){{/if}}.</p>
<p>Was: {{datetime previousStartsAt}}<br>
Now: <strong>{{datetime startsAt}}</strong> ({{durationMinutes}} minutes)</p>`,
  text: `Hello {{recipientName}},

{{studentName}}'s lesson with {{teacherName}} has moved{{#if rescheduledBy}} ({{rescheduledBy}} changed it){{/if}}.

Was: {{datetime previousStartsAt}}
Now: {{datetime startsAt}} ({{durationMinutes}} minutes)`,
  sms: '{{school.name}}: {{studentName}}, lesson with {{teacherName}} moved from {{datetime previousStartsAt}} to {{datetime startsAt}}.',
  example: {
    studentName: 'Emma Wilson',
    teacherName: 'Clara Schumann',
    previousStartsAt: '2030-05-07T20:00:00Z',
    startsAt: '2030-05-09T21:30:00Z',
    durationMinutes: 30,
    rescheduledBy: 'the school',
  },
});
