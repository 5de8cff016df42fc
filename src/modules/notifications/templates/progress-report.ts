/** A student's progress report to the parent, as approved by the office (src/modules/progress-reports). */
import { z } from 'zod';
import { defineTemplate, field } from './define.js';

export const progressReport = defineTemplate({
  data: z.object({
    studentFirstName: field.text(),
    /** The subject line as approved. */
    subject: field.text(),
    /** The report as approved (drafted by the AI layer or the rules drafter, maybe edited), plain text with line breaks. */
    message: field.text(),
  }),
  subject: '{{subject}}',
  html: `{{paragraphs message}}
<p>You can answer this e-mail or write to us from the parent portal.</p>`,
  text: `{{message}}

You can answer this e-mail or write to us from the parent portal.`,
  sms: "{{school.name}}: {{studentFirstName}}'s progress report is in your e-mail.",
  example: {
    studentFirstName: 'Emma',
    subject: 'Emma’s progress report: November 2030',
    message: 'Hello Jane,\n\nEmma attended 4 of 4 lessons in November and reached her goal of playing hands together.',
  },
});
