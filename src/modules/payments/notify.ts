/**
 * Payment messages through the durable `notification` workflow, each exactly once (the key is
 * derived from the calling node's idempotency key).
 */
import type { SchoolServices } from '../services.js';
import { sendNotification } from '../notifications/send.js';
import type { TemplateData, TemplateName } from '../notifications/types.js';

export async function notifyUser(deps: Pick<SchoolServices, 'workflows'>, userId: number, template: TemplateName, data: TemplateData, key: string): Promise<string> {
  const { runId } = await sendNotification(deps.workflows, { userId, template, data }, key);
  return runId;
}
