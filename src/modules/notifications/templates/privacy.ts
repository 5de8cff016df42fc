/** Templates of privacy requests: the access request's export is ready. */
import { z } from 'zod';
import { defineTemplate, field } from './define.js';

/**
 * The export asked for is ready: `link` downloads the zip without signing in until `expiresAt`
 * (then the archive is deleted). `subjectName`: whose data it holds.
 */
export const privacyExportReady = defineTemplate({
  data: z.object({ subjectName: field.text(), link: field.url(), expiresAt: field.instant() }),
  subject: '{{school.name}}: your data export is ready',
  html: `<p>Hello {{recipientName}},</p>
<p>The copy of the personal information {{school.name}} holds about <strong>{{subjectName}}</strong> and their family is ready.</p>
<p><a href="{{link}}">Download the export (zip)</a></p>
<p>The link works until {{datetime expiresAt}}; after that the file is deleted. Keep the file somewhere safe: it holds personal information.</p>`,
  text: `Hello {{recipientName}},

The copy of the personal information {{school.name}} holds about {{subjectName}} and their family is ready:

{{link}}

The link works until {{datetime expiresAt}}; after that the file is deleted. Keep the file somewhere safe: it holds personal information.`,
  sms: '{{school.name}}: your data export is ready; the link is in your e-mail.',
  example: { subjectName: 'Jane Wilson', link: 'https://portal.example/api/v1/privacy/exports/7/download?token=abc', expiresAt: '2030-05-07T20:00:00Z' },
});
