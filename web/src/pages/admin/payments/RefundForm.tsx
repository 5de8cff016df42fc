import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { money } from '../../../ui/format';
import { type Payment, paymentKeys } from './types';

/**
 * Pays back all that is left of a payment, or part of it (`POST /payments/{id}/refund`), with a
 * reason for the audit log. The server refuses what cannot be refunded (not succeeded, more than
 * is left, money not taken through the gateway) and its message is shown.
 */
export function RefundForm({ payment }: { payment: Payment }) {
  const queries = useQueryClient();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const refund = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/payments/{id}/refund', {
          params: { path: { id: payment.id } },
          body: {
            ...(amount.trim() ? { amountCents: Math.round(Number(amount.trim()) * 100) } : {}),
            ...(reason.trim() ? { reason: reason.trim() } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setAmount('');
      setReason('');
      for (const key of paymentKeys) void queries.invalidateQueries({ queryKey: key });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    refund.mutate();
  };
  const left = payment.amountCents - payment.refundedCents;
  return (
    <Card title="Refund">
      {refund.data && (
        <OkNotice>
          Refunded {money(refund.data.amountCents, payment.currency)}; {money(refund.data.refundedCents, payment.currency)} refunded in all ({refund.data.status}).
        </OkNotice>
      )}
      <form onSubmit={submit} noValidate aria-label="Refund">
        <ErrorNotice error={refund.error} />
        <Field
          label="Amount to refund (CAD)"
          name="refundAmount"
          value={amount}
          onChange={setAmount}
          hint={`Leave empty to refund all that is left (${money(left, payment.currency)})`}
          problem={fieldProblem(refund.error, 'amountCents')}
        />
        <Field label="Reason" name="refundReason" value={reason} onChange={setReason} problem={fieldProblem(refund.error, 'reason')} />
        <button type="submit" className="button danger" disabled={refund.isPending}>
          Refund
        </button>
      </form>
    </Card>
  );
}
