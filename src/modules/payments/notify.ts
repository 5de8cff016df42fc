/**
 * Payment messages through the durable `notification` workflow, each exactly once (the key is
 * derived from the calling node's idempotency key).
 */
import type { SchoolServices } from '../services.js';
import { sendNotification } from '../notifications/send.js';
import type { TemplateData, TemplateName } from '../notifications/types.js';

type Deps = Pick<SchoolServices, 'db' | 'workflows'>;

export async function notifyUser(deps: Deps, userId: number, template: TemplateName, data: TemplateData, key: string): Promise<string> {
  const { runId } = await sendNotification(deps.workflows, { userId, template, data }, key);
  return runId;
}

/** An `admin_alert` to every active admin. Returns the notification run ids. */
export async function notifyAdmins(deps: Deps, alert: { title: string; message: string }, key: string): Promise<string[]> {
  const admins = await deps.db.sql.query<{ id: number }>(`SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id`);
  const runs: string[] = [];
  for (const admin of admins) runs.push(await notifyUser(deps, admin.id, 'admin_alert', alert, `${key}:admin:${admin.id}`));
  return runs;
}
