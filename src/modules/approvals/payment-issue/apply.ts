/**
 * Applying an approved payment-issue draft, each resolution through the payments module's own
 * rules, as the approver (audited in their name):
 * - `retry_on_date`: the dunning retry moves to that day (payments/retry-on-date.ts; the
 *   `payment-retries` cron charges it);
 * - `card_update_link`: the `card_update_link` e-mail with the parent portal's billing page;
 * - `waive_late_fee`: every unwaived late fee of the family, through the late-fee waiver
 *   (cancelled when unpaid, refunded when paid);
 * - `split_into_instalments`, `call_family`: no domain rule exists, so a follow-up task.
 * A resolution the rules refuse (the payment was paid meanwhile …) is reported `skipped` with the
 * reason and does not stop the others. Each is idempotent: a node that runs again repeats nothing.
 */
import { AppError } from '../../../http/errors.js';
import type { AuditActor } from '../../audit/record.js';
import { sendNotification } from '../../notifications/send.js';
import { waiveLateFee } from '../../payments/late-fees.js';
import { scheduleRetryOn } from '../../payments/retry-on-date.js';
import type { SchoolServices } from '../../services.js';
import { createTask } from '../tasks.js';
import type { PaymentIssueInput, Resolution } from './task.js';

export interface AppliedResolution {
  kind: Resolution['kind'];
  outcome: 'applied' | 'task' | 'skipped';
  detail: string;
  taskId?: number;
  notificationRunId?: string;
}

export interface ApplyContext {
  services: SchoolServices;
  actor: AuditActor;
  runId: string;
  /** The node's idempotency key: keys of mails and tasks derive from it. */
  key: string;
  approvalId: number;
  zone: string;
  input: PaymentIssueInput;
}

export async function applyResolution(c: ApplyContext, r: Resolution, index: number): Promise<AppliedResolution> {
  const { services, input } = c;
  const parent = input.parent;
  const paymentId = input.payment?.id ?? null;
  const task = async (title: string, details: string): Promise<AppliedResolution> => {
    const made = await createTask(
      services.db.sql,
      c.actor,
      { title, details, userId: parent.id, paymentId, runId: c.runId, approvalId: c.approvalId },
      `${c.key}:${index}:${r.kind}`,
    );
    return { kind: r.kind, outcome: 'task', detail: title, taskId: made.id };
  };
  try {
    switch (r.kind) {
      case 'retry_on_date': {
        if (paymentId === null || r.date === null) return { kind: r.kind, outcome: 'skipped', detail: 'no failed payment or no date to retry' };
        const { nextRetryAt } = await scheduleRetryOn(services.db.sql, c.actor, paymentId, r.date, c.zone);
        return { kind: r.kind, outcome: 'applied', detail: `payment ${paymentId} will be charged again at ${nextRetryAt}` };
      }
      case 'card_update_link': {
        const link = `${services.config.publicAppUrl}/app/cards`;
        const { runId } = await sendNotification(services.workflows, { userId: parent.id, template: 'card_update_link', data: { link } }, `${c.key}:${index}:card`);
        return { kind: r.kind, outcome: 'applied', detail: `card-update link sent (${link})`, notificationRunId: runId };
      }
      case 'waive_late_fee': {
        if (input.lateFees.length === 0) return { kind: r.kind, outcome: 'skipped', detail: 'the family has no late fee to waive' };
        const waived: number[] = [];
        for (const fee of input.lateFees) {
          try {
            await waiveLateFee(services, c.actor, fee.feePaymentId, r.note ?? `Payment issue, approval ${c.approvalId}`);
            waived.push(fee.feePaymentId);
          } catch (error) {
            // Waived already (a node that ran again, or by hand): nothing left to do for this fee.
            if (!(error instanceof AppError && error.code === 'conflict')) throw error;
          }
        }
        return { kind: r.kind, outcome: 'applied', detail: `late fees waived: ${waived.join(', ') || 'none left'}` };
      }
      case 'split_into_instalments':
        return task(
          `Set up instalments with ${parent.firstName} ${parent.lastName}`,
          `Approved in approval ${c.approvalId}: split what the family owes (${(input.owedCents / 100).toFixed(2)}) into instalments. ${r.note ?? ''}`.trim(),
        );
      case 'call_family':
        return task(`Call ${parent.firstName} ${parent.lastName} about their payment`, `Approved in approval ${c.approvalId}. ${r.note ?? ''}`.trim());
    }
  } catch (error) {
    if (error instanceof AppError && error.statusCode < 500) return { kind: r.kind, outcome: 'skipped', detail: error.message };
    throw error;
  }
}
