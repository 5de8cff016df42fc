import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem } from '../../../ui/components';
import { dateTime, money } from '../../../ui/format';
import { SelectField } from '../../../ui/SelectField';
import { centsOf, type RunDetail } from './types';

/** The run's adjustments, and (on a draft) a form adding one: a teacher, an amount in dollars (negative deducts), a reason. */
export function Adjustments({ run, zone, onChanged }: { run: RunDetail; zone: string; onChanged: (run: RunDetail) => void }) {
  const teachers = useQuery({
    queryKey: ['teachers', 'all'],
    queryFn: () => call(api.GET('/api/v1/teachers', { params: { query: { active: 'all', pageSize: 200 } } })),
    enabled: run.status === 'draft',
  });
  const [form, setForm] = useState({ teacherId: '', amount: '', reason: '' });
  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/payroll/runs/{id}/adjustments', {
          params: { path: { id: run.id } },
          body: { teacherId: Number(form.teacherId), amountCents: centsOf(form.amount), reason: form.reason },
        }),
      ),
    onSuccess: (updated) => {
      setForm({ teacherId: form.teacherId, amount: '', reason: '' });
      onChanged(updated);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  const options = [{ value: '', label: 'Choose a teacher' }, ...(teachers.data?.data ?? []).map((t) => ({ value: String(t.id), label: `${t.firstName} ${t.lastName}` }))];
  return (
    <Card title="Adjustments">
      {run.adjustments.length === 0 && <p className="muted">No adjustments.</p>}
      <ul className="list">
        {run.adjustments.map((adjustment) => (
          <li key={adjustment.id}>
            <strong>{money(adjustment.amountCents)}</strong> {adjustment.teacherName}: {adjustment.reason} <span className="muted">({dateTime(adjustment.createdAt, zone)})</span>
          </li>
        ))}
      </ul>
      {run.status === 'draft' && (
        <form onSubmit={submit} noValidate aria-label="Add an adjustment">
          <h3>Add an adjustment</h3>
          <ErrorNotice error={add.error} />
          <SelectField
            label="Teacher"
            name="teacherId"
            value={form.teacherId}
            options={options}
            onChange={(teacherId) => setForm((f) => ({ ...f, teacherId }))}
            problem={fieldProblem(add.error, 'teacherId')}
          />
          <Field
            label="Amount (CAD)"
            name="amount"
            value={form.amount}
            hint="Added to the teacher's pay; a negative amount deducts."
            onChange={(amount) => setForm((f) => ({ ...f, amount }))}
            problem={fieldProblem(add.error, 'amountCents')}
          />
          <Field label="Reason" name="reason" value={form.reason} onChange={(reason) => setForm((f) => ({ ...f, reason }))} problem={fieldProblem(add.error, 'reason')} />
          <button className="button" type="submit" disabled={add.isPending}>
            Add adjustment
          </button>
        </form>
      )}
    </Card>
  );
}

/** Marks an approved run paid: the day the teachers were paid (default today) and a reference such as the transfer batch. */
export function MarkPaid({ run, onChanged }: { run: RunDetail; onChanged: (run: RunDetail) => void }) {
  const [form, setForm] = useState({ paidOn: '', reference: '' });
  const pay = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/payroll/runs/{id}/paid', {
          params: { path: { id: run.id } },
          body: { ...(form.paidOn ? { paidOn: form.paidOn } : {}), ...(form.reference ? { reference: form.reference } : {}) },
        }),
      ),
    onSuccess: onChanged,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    pay.mutate();
  };
  return (
    <Card title="Pay the teachers">
      <form onSubmit={submit} noValidate aria-label="Mark paid">
        <ErrorNotice error={pay.error} />
        <Field
          label="Paid on"
          name="paidOn"
          type="date"
          value={form.paidOn}
          hint="Empty: today."
          onChange={(paidOn) => setForm((f) => ({ ...f, paidOn }))}
          problem={fieldProblem(pay.error, 'paidOn')}
        />
        <Field
          label="Reference"
          name="reference"
          value={form.reference}
          onChange={(reference) => setForm((f) => ({ ...f, reference }))}
          problem={fieldProblem(pay.error, 'reference')}
        />
        <button className="button" type="submit" disabled={pay.isPending}>
          Mark paid
        </button>
      </form>
    </Card>
  );
}
