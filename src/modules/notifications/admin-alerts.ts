/**
 * Alerts for the school's office: one `admin_alert` e-mailed to the school's address (setting
 * `school.email`) and shown in-app to every active admin, naming the family when there is one.
 */
import type { SchoolServices } from '../services.js';
import { schoolSettings } from '../settings/reader.js';
import { sendNotification } from './send.js';

type Deps = Pick<SchoolServices, 'db' | 'workflows' | 'config'>;

/** The family an alert is about: the paying parent and, when known, the student. */
export interface AlertFamily {
  parentId: number;
  studentId?: number | null;
}

/** "Family: Jane Doe <jane@example.com>, student Emma Doe" (names from the database). */
async function familyLine(deps: Deps, family: AlertFamily): Promise<string> {
  const [parent] = await deps.db.sql.query<{ name: string; email: string }>(`SELECT first_name || ' ' || last_name AS name, email FROM users WHERE id = $1`, [family.parentId]);
  const [student] = family.studentId
    ? await deps.db.sql.query<{ name: string }>(`SELECT first_name || ' ' || last_name AS name FROM students WHERE id = $1`, [family.studentId])
    : [];
  const who = parent ? `${parent.name} <${parent.email}> (parent ${family.parentId})` : `parent ${family.parentId}`;
  return `Family: ${who}${student ? `, student ${student.name}` : ''}.`;
}

/**
 * An `admin_alert`: e-mailed to the school's address (setting `school.email`) and shown in-app to
 * every active admin, naming the family. Returns the notification run ids (the e-mail's first).
 */
export async function notifyAdmins(deps: Deps, alert: { title: string; message: string }, key: string, family?: AlertFamily): Promise<string[]> {
  const message = family ? `${alert.message}\n\n${await familyLine(deps, family)}` : alert.message;
  const data = { title: alert.title, message };
  const { school } = await schoolSettings(deps.db, deps.config).get();
  const runs: string[] = [];
  const office = await sendNotification(deps.workflows, { email: school.email, name: school.name, template: 'admin_alert', data, channels: ['email'] }, `${key}:school`);
  runs.push(office.runId);
  const admins = await deps.db.sql.query<{ id: number }>(`SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id`);
  for (const admin of admins) {
    runs.push((await sendNotification(deps.workflows, { userId: admin.id, template: 'admin_alert', data, channels: ['in_app'] }, `${key}:admin:${admin.id}`)).runId);
  }
  return runs;
}
