import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, Loading, OkNotice } from '../../../ui/components';
import { day, money } from '../../../ui/format';

/** The teacher's pay per hour (`GET /teachers/{id}/pay-rate`) with its history, and setting a new one from a date (`PUT`). */
export function PayRate({ teacherId }: { teacherId: number }) {
  const queries = useQueryClient();
  const rate = useQuery({ queryKey: ['pay-rate', teacherId], queryFn: () => call(api.GET('/api/v1/teachers/{id}/pay-rate', { params: { path: { id: teacherId } } })) });
  const [amount, setAmount] = useState('');
  const [from, setFrom] = useState('');
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PUT('/api/v1/teachers/{id}/pay-rate', {
          params: { path: { id: teacherId } },
          // An empty amount goes as null (not 0): the server names the field instead of setting no pay.
          body: { perHourCents: amount.trim() === '' ? Number.NaN : Math.round(Number(amount) * 100), effectiveFrom: from || undefined },
        }),
      ),
    onSuccess: (saved) => {
      queries.setQueryData(['pay-rate', teacherId], saved);
      setAmount('');
      setFrom('');
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Card title="Pay rate">
      {rate.isPending && <Loading />}
      <ErrorNotice error={rate.error} />
      {rate.data && (
        <>
          <p>
            <strong>{rate.data.current ? `${money(rate.data.current.perHourCents)} an hour` : 'No pay rate set'}</strong>
            {rate.data.current && <span className="muted"> since {day(rate.data.current.effectiveFrom, 'UTC')}</span>}
          </p>
          {rate.data.history.length > 1 && (
            <ul className="list" aria-label="Pay rate history">
              {rate.data.history.map((row) => (
                <li key={`${row.effectiveFrom}-${row.setAt}`}>
                  {money(row.perHourCents)} from {day(row.effectiveFrom, 'UTC')}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <form onSubmit={submit} noValidate aria-label="Set the pay rate">
        <ErrorNotice error={save.error} />
        <Field label="Pay per hour (CAD)" name="perHour" value={amount} onChange={setAmount} problem={fieldProblem(save.error, 'perHourCents')} required />
        <Field label="From (optional)" name="effectiveFrom" type="date" value={from} onChange={setFrom} problem={fieldProblem(save.error, 'effectiveFrom')} hint="Default today" />
        {save.isSuccess && <OkNotice>Pay rate saved.</OkNotice>}
        <button className="button" type="submit" disabled={save.isPending}>
          Save pay rate
        </button>
      </form>
    </Card>
  );
}
