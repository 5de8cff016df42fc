import { type FormEvent, useId, useState } from 'react';
import { ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { numberOrText, useSaveSetting } from './useSaveSetting';

/** The `lateFee` setting: amount in cents, grace in whole days (src/modules/settings/types.ts LateFeeSetting). */
interface LateFee {
  enabled: boolean;
  amountCents: number;
  graceDays: number;
}

/** The late-fee policy: on or off, the fee (entered in dollars) and the days of grace after a debt is due. */
export function LateFeeForm({ value }: { value: LateFee }) {
  const id = useId();
  const [enabled, setEnabled] = useState(value.enabled);
  const [amount, setAmount] = useState((value.amountCents / 100).toFixed(2));
  const [grace, setGrace] = useState(String(value.graceDays));
  const save = useSaveSetting('lateFee');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const dollars = numberOrText(amount);
    save.mutate({ enabled, amountCents: typeof dollars === 'number' ? Math.round(dollars * 100) : dollars, graceDays: numberOrText(grace) });
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Late fee">
      {save.isSuccess && <OkNotice>Late-fee policy saved.</OkNotice>}
      <ErrorNotice error={save.error} />
      <div className="field">
        <label htmlFor={id}>
          <input id={id} type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} /> Charge a late fee
        </label>
      </div>
      <Field label="Late fee (CAD)" name="lateFeeAmount" value={amount} onChange={setAmount} problem={fieldProblem(save.error, 'value.amountCents')} />
      <Field label="Days of grace" name="graceDays" value={grace} onChange={setGrace} hint="After the payment was due" problem={fieldProblem(save.error, 'value.graceDays')} />
      <button type="submit" className="button secondary" disabled={save.isPending}>
        Save late-fee policy
      </button>
    </form>
  );
}
