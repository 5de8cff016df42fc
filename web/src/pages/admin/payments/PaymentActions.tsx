import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { ErrorNotice, Field, fieldProblem } from '../../../ui/components';
import { dateTime, money } from '../../../ui/format';
import { isLateFee, type Payment, paymentKeys } from './types';

type RetryResult = { paymentId: number; status: 'succeeded' | 'failed' | 'pending'; failureCode?: string; retryScheduledAt?: string };

function retryMessage(result: RetryResult, zone: string): string {
  if (result.status === 'succeeded') return `Retry succeeded: payment ${result.paymentId} is paid.`;
  if (result.status === 'pending') return `The retry of payment ${result.paymentId} is still running; Recent payments shows how it ends.`;
  const code = result.failureCode ? ` (${result.failureCode})` : '';
  const next = result.retryScheduledAt ? `; next try ${dateTime(result.retryScheduledAt, zone)}` : '';
  return `Retry of payment ${result.paymentId} failed${code}${next}.`;
}

/**
 * What an admin may do with a failed payment or a late fee: charge it now on the family's default
 * card, stop its automatic retries, waive it (late fees only, with a reason). A refusal is shown
 * beside the buttons; what was done goes to `onDone` (the payment may leave the list it was in).
 */
export function PaymentActions({ payment, onDone }: { payment: Payment; onDone: (message: string) => void }) {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const [reason, setReason] = useState('');
  const done = (message: string) => {
    onDone(message);
    for (const key of paymentKeys) void queries.invalidateQueries({ queryKey: key });
  };
  const path = { params: { path: { id: payment.id } } };
  const retry = useMutation({ mutationFn: () => call(api.POST('/api/v1/payments/{id}/retry', path)), onSuccess: (result) => done(retryMessage(result, zone)) });
  const stop = useMutation({
    mutationFn: () => call(api.POST('/api/v1/payments/{id}/cancel-retries', path)),
    onSuccess: () => done(`Automatic retries of payment ${payment.id} stopped; the amount stays owed.`),
  });
  const waive = useMutation({
    mutationFn: () => call(api.POST('/api/v1/payments/{id}/waive-late-fee', { ...path, body: reason.trim() ? { reason } : {} })),
    onSuccess: (result) => done(`Late fee ${result.paymentId} waived (${result.status}).`),
  });
  const failed = payment.status === 'failed' && payment.kind === 'payment' && payment.settledByPaymentId === null;
  const waivable = isLateFee(payment) && (payment.status === 'failed' || payment.status === 'succeeded');
  if (!failed && !waivable) return null;
  const label = `payment ${payment.id} of ${money(payment.amountCents, payment.currency)}`;
  const submitWaive = (event: FormEvent) => {
    event.preventDefault();
    waive.mutate();
  };
  return (
    <div>
      <ErrorNotice error={retry.error ?? stop.error} />
      {failed && (
        <div className="actions">
          <button type="button" className="button" aria-label={`Retry now: ${label}`} disabled={retry.isPending} onClick={() => retry.mutate()}>
            Retry now
          </button>
          {payment.retriesCancelledAt === null && (
            <button type="button" className="button secondary" aria-label={`Stop retries: ${label}`} disabled={stop.isPending} onClick={() => stop.mutate()}>
              Stop retries
            </button>
          )}
        </div>
      )}
      {waivable && (
        <form onSubmit={submitWaive} noValidate aria-label={`Waive late fee: ${label}`}>
          <ErrorNotice error={waive.error} />
          <Field label="Reason for waiving" name="waiveReason" value={reason} onChange={setReason} problem={fieldProblem(waive.error, 'reason')} />
          <button type="submit" className="button secondary" disabled={waive.isPending}>
            Waive late fee
          </button>
        </form>
      )}
    </div>
  );
}
