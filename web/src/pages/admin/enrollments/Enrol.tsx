import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { dateTime, money } from '../../../ui/format';
import type { EnrollmentStatus } from '../../types';

const empty = {
  studentFirstName: '',
  studentLastName: '',
  studentDateOfBirth: '',
  parentFirstName: '',
  parentLastName: '',
  parentEmail: '',
  parentPhone: '',
  instrument: '',
  lessonDuration: '30',
  paymentToken: 'pm_card_visa',
};
type Form = typeof empty;

/**
 * Enrols a family through the enrollment workflow (`POST /enrollments`): the answer says what it
 * did (student, teacher, demo lesson, card). Then the first lesson can be charged to the saved card.
 */
export function Enrol() {
  const pricing = useQuery({ queryKey: ['pricing'], queryFn: () => call(api.GET('/api/v1/public/pricing')) });
  const [form, setForm] = useState<Form>(empty);
  const [agreed, setAgreed] = useState(false);
  const set = (key: keyof Form) => (value: string) => setForm((current) => ({ ...current, [key]: value }));
  const enrol = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/enrollments', {
          body: {
            studentFirstName: form.studentFirstName,
            studentLastName: form.studentLastName,
            studentDateOfBirth: form.studentDateOfBirth,
            parentFirstName: form.parentFirstName,
            parentLastName: form.parentLastName,
            parentEmail: form.parentEmail,
            parentPhone: form.parentPhone,
            instrument: form.instrument,
            lessonDuration: Number(form.lessonDuration),
            paymentToken: form.paymentToken || null,
            agreedToTerms: agreed as true,
          },
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
            <div>
              <Field
                label="Student's first name"
                name="studentFirstName"
                value={form.studentFirstName}
                onChange={set('studentFirstName')}
                problem={problem('studentFirstName')}
                required
              />
              <Field
                label="Student's last name"
                name="studentLastName"
                value={form.studentLastName}
                onChange={set('studentLastName')}
                problem={problem('studentLastName')}
                required
              />
              <Field
                label="Student's date of birth"
                name="studentDateOfBirth"
                type="date"
                value={form.studentDateOfBirth}
                onChange={set('studentDateOfBirth')}
                problem={problem('studentDateOfBirth')}
                required
              />
              <div className="field">
                <label htmlFor="instrument">Instrument</label>
                <select id="instrument" name="instrument" value={form.instrument} onChange={(event) => set('instrument')(event.target.value)} required>
                  <option value="">Choose…</option>
                  {pricing.data?.instruments.map((instrument) => (
                    <option key={instrument} value={instrument}>
                      {instrument}
                    </option>
                  ))}
                </select>
                {problem('instrument') && <span className="problem">{problem('instrument')}</span>}
              </div>
              <div className="field">
                <label htmlFor="lessonDuration">Lesson length</label>
                <select id="lessonDuration" name="lessonDuration" value={form.lessonDuration} onChange={(event) => set('lessonDuration')(event.target.value)}>
                  {pricing.data?.lessons.map((lesson) => (
                    <option key={lesson.durationMinutes} value={lesson.durationMinutes}>
                      {lesson.durationMinutes} minutes · {money(lesson.amountCents, pricing.data.currency)}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <div>
              <Field
                label="Parent's first name"
                name="parentFirstName"
                value={form.parentFirstName}
                onChange={set('parentFirstName')}
                problem={problem('parentFirstName')}
                required
              />
              <Field label="Parent's last name" name="parentLastName" value={form.parentLastName} onChange={set('parentLastName')} problem={problem('parentLastName')} required />
              <Field label="Parent's e-mail" name="parentEmail" type="email" value={form.parentEmail} onChange={set('parentEmail')} problem={problem('parentEmail')} required />
              <Field
                label="Parent's phone"
                name="parentPhone"
                type="tel"
                hint="10 digits"
                value={form.parentPhone}
                onChange={set('parentPhone')}
                problem={problem('parentPhone')}
                required
              />
              <Field
                label="Card"
                name="paymentToken"
                hint="A test card of the simulated gateway (pm_card_visa, pm_card_chargeDeclined …), or empty"
                value={form.paymentToken}
                onChange={set('paymentToken')}
                problem={problem('paymentToken')}
              />
            </div>
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
