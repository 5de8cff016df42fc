import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem } from '../../../ui/components';

/** Calculates a draft run over a period of local dates (inclusive), then opens it. */
export function NewRun() {
  const queries = useQueryClient();
  const [, navigate] = useLocation();
  const [form, setForm] = useState({ from: '', to: '' });
  const create = useMutation({
    mutationFn: () => call(api.POST('/api/v1/payroll/runs', { body: form })),
    onSuccess: (run) => {
      void queries.invalidateQueries({ queryKey: ['payroll'] });
      navigate(`/${run.id}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Card title="New payroll run">
      <form onSubmit={submit} noValidate>
        <ErrorNotice error={create.error} />
        <Field
          label="First day"
          name="from"
          type="date"
          value={form.from}
          onChange={(from) => setForm((f) => ({ ...f, from }))}
          problem={fieldProblem(create.error, 'from')}
          required
        />
        <Field label="Last day" name="to" type="date" value={form.to} onChange={(to) => setForm((f) => ({ ...f, to }))} problem={fieldProblem(create.error, 'to')} required />
        <button className="button" type="submit" disabled={create.isPending}>
          Calculate run
        </button>
      </form>
    </Card>
  );
}
