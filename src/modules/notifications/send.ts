import type { WorkflowStarter } from '../services.js';
import { NOTIFICATION_WORKFLOW, type NotificationRequest } from './types.js';
import { OUTBOX_DISPATCH_WORKFLOW } from './workflows/dispatch.js';

/**
 * Starts a `notification` run. The idempotency key makes it exactly-once: derive it from the
 * calling node (`${ctx.idempotencyKey}:parent`) or the business fact (`reminder:${lessonId}`).
 */
export async function sendNotification(workflows: WorkflowStarter, request: NotificationRequest, idempotencyKey: string): Promise<{ runId: string; created: boolean }> {
  return workflows.start(NOTIFICATION_WORKFLOW, request, { idempotencyKey: `notify:${idempotencyKey}` });
}

/**
 * Starts an `outbox-dispatch` run now, so mail queued outside a notification run (password links)
 * goes out at once instead of at the next cron firing. Call it after the queueing transaction has
 * committed. Best effort: when no engine is bound or the start fails, the cron still delivers.
 */
export function deliverQueuedMailSoon(workflows: WorkflowStarter): void {
  workflows.start(OUTBOX_DISPATCH_WORKFLOW, { firedAt: new Date().toISOString() }).catch(() => undefined);
}
