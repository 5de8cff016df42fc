import type { WorkflowStarter } from '../../workflows/services.js';
import { NOTIFICATION_WORKFLOW, type NotificationRequest } from './types.js';

/**
 * Starts a `notification` run. The idempotency key makes it exactly-once: derive it from the
 * calling node (`${ctx.idempotencyKey}:parent`) or the business fact (`reminder:${lessonId}`).
 */
export async function sendNotification(
  workflows: WorkflowStarter,
  request: NotificationRequest,
  idempotencyKey: string,
): Promise<{ runId: string; created: boolean }> {
  return workflows.start(NOTIFICATION_WORKFLOW, request, { idempotencyKey: `notify:${idempotencyKey}` });
}
