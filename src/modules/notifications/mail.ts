import type { SqlExecutor } from '../../db/sql-client.js';
import { queueEmail } from './outbox.js';
import { renderTemplate } from './render.js';
import { loadSchoolContext } from './school.js';
import type { TemplateData, TemplateName } from './types.js';

/**
 * Renders `template` in the school's name and queues the e-mail in the outbox on `sql` (so it
 * commits with the caller's transaction); the `outbox-dispatch` workflow delivers it. For mail
 * that must not wait for a workflow run, such as password links. Returns the outbox id.
 */
export async function queueTemplatedEmail(
  sql: SqlExecutor,
  mail: {
    to: string;
    userId: number | null;
    recipientName: string;
    template: TemplateName;
    data: TemplateData;
    /** Overrides the `school` setting's name. */
    schoolName?: string | undefined;
    /** Zone used when the settings have none. Default UTC. */
    fallbackTimezone?: string;
  },
): Promise<number | undefined> {
  const school = await loadSchoolContext(sql, mail.fallbackTimezone ?? 'UTC');
  const rendered = renderTemplate(mail.template, mail.data, {
    school: mail.schoolName ? { ...school, name: mail.schoolName } : school,
    recipientName: mail.recipientName,
  });
  return queueEmail(sql, {
    to: mail.to,
    userId: mail.userId,
    template: mail.template,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
  });
}
