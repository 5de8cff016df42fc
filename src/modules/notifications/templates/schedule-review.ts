/** The weekly (or on-demand) schedule review, e-mailed to the school's address. */
import { z } from 'zod';
import { defineTemplate, field } from './define.js';

export const scheduleReview = defineTemplate({
  data: z.object({
    reviewId: field.count(),
    from: field.text(),
    to: field.text(),
    summary: field.text(),
    /** One line per suggestion: "<index>. <action>: <reason>". */
    suggestions: field.text(),
    /** `ai:<provider>/<model>` or `rules`. */
    source: field.text(),
  }),
  subject: '{{school.name}}: schedule review {{from}} to {{to}}',
  html: `<p>Hello,</p>
<p>{{paragraphs summary}}</p>
<p><strong>Suggestions</strong> (apply or reject them in the console, review {{reviewId}}):</p>
<p>{{paragraphs suggestions}}</p>
<p style="color:#666">Drafted by {{source}}.</p>`,
  text: `Hello,

{{summary}}

Suggestions (apply or reject them in the console, review {{reviewId}}):
{{suggestions}}

Drafted by {{source}}.`,
  example: {
    reviewId: 1,
    from: '2030-03-04',
    to: '2030-03-10',
    summary: 'Utilisation: Clara 40 %, 4 h booked of 10 h.',
    suggestions: '0. move lesson: The lesson falls in the teacher’s time off.',
    source: 'rules',
  },
});
