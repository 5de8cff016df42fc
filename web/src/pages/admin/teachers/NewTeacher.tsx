import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';

const empty = { firstName: '', lastName: '', email: '', rate: '60.00' };

/** Adds a teacher; the server mails them the link to choose a password. */
export function NewTeacher() {
  const queries = useQueryClient();
  const offered = useQuery({ queryKey: ['pricing'], queryFn: () => call(api.GET('/api/v1/public/pricing')) });
  const [form, setForm] = useState(empty);
  const [instruments, setInstruments] = useState<string[]>([]);
  const toggle = (instrument: string) => setInstruments((current) => (current.includes(instrument) ? current.filter((i) => i !== instrument) : [...current, instrument]));
  const set = (key: keyof typeof empty) => (value: string) => setForm((current) => ({ ...current, [key]: value }));
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/teachers', {
          body: {
            user: { firstName: form.firstName, lastName: form.lastName, email: form.email },
            instruments,
            hourlyRateCents: Math.round(Number(form.rate) * 100),
          },
        }),
      ),
    onSuccess: () => {
      setForm(empty);
      setInstruments([]);
      void queries.invalidateQueries({ queryKey: ['teachers'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Card title="Add a teacher">
      {create.isSuccess && <OkNotice>Teacher added. They will receive an e-mail to choose a password.</OkNotice>}
      <form onSubmit={submit} noValidate>
        <ErrorNotice error={create.error} />
        <Field label="First name" name="firstName" value={form.firstName} onChange={set('firstName')} problem={fieldProblem(create.error, 'user.firstName')} required />
        <Field label="Last name" name="lastName" value={form.lastName} onChange={set('lastName')} problem={fieldProblem(create.error, 'user.lastName')} required />
        <Field label="E-mail" name="email" type="email" value={form.email} onChange={set('email')} problem={fieldProblem(create.error, 'user.email')} required />
        <fieldset className="field">
          <legend>Instruments</legend>
          <div className="actions">
            {offered.data?.instruments.map((instrument) => (
              <label key={instrument}>
                <input type="checkbox" name="instruments" value={instrument} checked={instruments.includes(instrument)} onChange={() => toggle(instrument)} /> {instrument}
              </label>
            ))}
          </div>
          {fieldProblem(create.error, 'instruments') && <span className="problem">{fieldProblem(create.error, 'instruments')}</span>}
        </fieldset>
        <Field label="Hourly rate (CAD)" name="rate" value={form.rate} onChange={set('rate')} problem={fieldProblem(create.error, 'hourlyRateCents')} required />
        <button className="button" type="submit" disabled={create.isPending}>
          Add teacher
        </button>
      </form>
    </Card>
  );
}
