import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { TextAreaField } from '../../../ui/fields';

const empty = { title: '', details: '', dueOn: '', userId: '', paymentId: '', runId: '' };
type Form = typeof empty;

/** A record number typed by hand: undefined when empty, the number when it is one, NaN (refused here) otherwise. */
const idOf = (text: string): number | undefined => (text.trim() === '' ? undefined : /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN);

/** Creates a task by hand: a title, details, a due date and what it is about (parent, payment, run). */
export function NewTask() {
  const queries = useQueryClient();
  const [form, setForm] = useState(empty);
  const set = (key: keyof Form) => (value: string) => setForm((current) => ({ ...current, [key]: value }));
  const userId = idOf(form.userId);
  const paymentId = idOf(form.paymentId);
  const notNumbers = { userId: Number.isNaN(userId), paymentId: Number.isNaN(paymentId) };
  const [tried, setTried] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/tasks', {
          body: {
            title: form.title,
            ...(form.details ? { details: form.details } : {}),
            ...(form.dueOn ? { dueOn: form.dueOn } : {}),
            ...(userId !== undefined ? { userId } : {}),
            ...(paymentId !== undefined ? { paymentId } : {}),
            ...(form.runId.trim() ? { runId: form.runId.trim() } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setForm(empty);
      setTried(false);
      void queries.invalidateQueries({ queryKey: ['tasks'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!notNumbers.userId && !notNumbers.paymentId) create.mutate();
  };
  const mustBeNumber = (key: 'userId' | 'paymentId') => (tried && notNumbers[key] ? 'must be a record number' : fieldProblem(create.error, key));
  return (
    <Card title="Add a task">
      {create.isSuccess && <OkNotice>Task added.</OkNotice>}
      <form onSubmit={submit} noValidate>
        <ErrorNotice error={create.error} />
        <Field label="Title" name="title" value={form.title} onChange={set('title')} problem={fieldProblem(create.error, 'title')} required />
        <TextAreaField label="Details" name="details" rows={3} value={form.details} onChange={set('details')} problem={fieldProblem(create.error, 'details')} />
        <Field label="Due on" name="dueOn" type="date" value={form.dueOn} onChange={set('dueOn')} problem={fieldProblem(create.error, 'dueOn')} />
        <Field label="Parent number (optional)" name="userId" value={form.userId} onChange={set('userId')} problem={mustBeNumber('userId')} />
        <Field label="Payment number (optional)" name="paymentId" value={form.paymentId} onChange={set('paymentId')} problem={mustBeNumber('paymentId')} />
        <Field label="Workflow run id (optional)" name="runId" value={form.runId} onChange={set('runId')} problem={fieldProblem(create.error, 'runId')} />
        <button className="button" type="submit" disabled={create.isPending}>
          Add task
        </button>
      </form>
    </Card>
  );
}
