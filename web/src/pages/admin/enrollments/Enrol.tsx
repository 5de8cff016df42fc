import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { dateTime, money } from '../../../ui/format';
import type { EnrollmentStatus } from '../../types';
import { type EnrolField, type EnrolForm, emptyEnrolForm, parentFields, studentFields } from './enrol-fields';

/**
 * Enrols a family through the enrollment workflow (`POST /enrollments`): the answer says what it
 * did (student, teacher, demo lesson, card). Then the first lesson can be charged to the saved card.
 */
export function Enrol() {
  const pricing = usePricing();
  const [form, setForm] = useState<EnrolForm>(emptyEnrolForm);
  const [agreed, setAgreed] = useState(false);
  const set = (key: keyof EnrolForm) => (value: string) => setForm((current) => ({ ...current, [key]: value }));
  const enrol = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/enrollments', {
          body: { ...form, lessonDuration: Number(form.lessonDuration), paymentToken: form.paymentToken || null, agreedToTerms: agreed as true },
        }),
      ),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    enrol.mutate();
  };
  const problem = (field: string) => fieldProblem(enrol.error, field);
  return (
    <>
      <h1>Enrol a family</h1>
      <Card title="Enrollment form">
        <form onSubmit={submit} noValidate>
          <ErrorNotice error={enrol.error} />
          <div className="grid">
            {[studentFields, parentFields].map((fields) => (
              <div key={fields[0]!.key}>
                {fields.map((field) => (
                  <EnrolInput key={field.key} field={field} value={form[field.key]} onChange={set(field.key)} problem={problem(field.key)} pricing={pricing.data} />
                ))}
              </div>
            ))}
          </div>
          <div className="field">
            <label>
              <input type="checkbox" checked={agreed} onChange={(event) => setAgreed(event.target.checked)} /> The family accepts the school's terms
            </label>
            {problem('agreedToTerms') && <span className="problem">{problem('agreedToTerms')}</span>}
          </div>
          <button className="button" type="submit" disabled={enrol.isPending}>
            {enrol.isPending ? 'Enrolling…' : 'Enrol'}
          </button>
        </form>
      </Card>
      {enrol.data && <Enrolled result={enrol.data} amountCents={pricing.data?.lessons.find((l) => String(l.durationMinutes) === form.lessonDuration)?.amountCents} />}
    </>
  );
}

type Pricing = ReturnType<typeof usePricing>['data'];
const usePricing = () => useQuery({ queryKey: ['pricing'], queryFn: () => call(api.GET('/api/v1/public/pricing')) });

/** One field of the form: a text input, or a select of the school's instruments or lesson lengths (with prices). */
function EnrolInput({
  field,
  value,
  onChange,
  problem,
  pricing,
}: {
  field: EnrolField;
  value: string;
  onChange: (value: string) => void;
  problem: string | undefined;
  pricing: Pricing;
}) {
  if (!field.choices) {
    return <Field label={field.label} name={field.key} type={field.type} hint={field.hint} value={value} onChange={onChange} problem={problem} required={field.required} />;
  }
  const options =
    field.choices === 'instruments'
      ? [{ value: '', label: 'Choose…' }, ...(pricing?.instruments.map((instrument) => ({ value: instrument, label: instrument })) ?? [])]
      : (pricing?.lessons.map((lesson) => ({
          value: String(lesson.durationMinutes),
          label: `${lesson.durationMinutes} minutes · ${money(lesson.amountCents, pricing.currency)}`,
        })) ?? []);
  return (
    <div className="field">
      <label htmlFor={field.key}>{field.label}</label>
      <select id={field.key} name={field.key} value={value} onChange={(event) => onChange(event.target.value)} required={field.required} aria-invalid={problem ? true : undefined}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {problem && <span className="problem">{problem}</span>}
    </div>
  );
}

/** What the enrollment did, and charging the first lesson to the card it saved. */
function Enrolled({ result, amountCents }: { result: EnrollmentStatus; amountCents: number | undefined }) {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const charge = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/payments/process', {
          body: { studentId: result.studentId!, amountCents: amountCents!, currency: 'CAD', description: 'First lesson' },
        }),
      ),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['payments'] }),
  });
  return (
    <Card title="Enrollment result">
      <OkNotice>
        Enrollment {result.status}.{result.demoLesson ? ` Demo lesson: ${dateTime(result.demoLesson.startsAt, zone)}` : ''}
        {result.paymentSetup ? ` · card ${result.paymentSetup.replaceAll('_', ' ')}` : ''}
      </OkNotice>
      {result.flags && result.flags.length > 0 && <p className="muted">To look at: {result.flags.join(', ')}</p>}
      {result.studentId && amountCents !== undefined && (
        <>
          <ErrorNotice error={charge.error} />
          {charge.data ? (
            <OkNotice>
              Payment {charge.data.status}: {money(amountCents)}.
            </OkNotice>
          ) : (
            <button type="button" className="button" disabled={charge.isPending} onClick={() => charge.mutate()}>
              Charge the first lesson ({money(amountCents)})
            </button>
          )}
        </>
      )}
    </Card>
  );
}
