import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { dateTime } from '../../../ui/format';
import { addDays, isDate } from './dates';

interface Props {
  zone: string;
  nameOf: (teacherId: number) => string;
}

/**
 * Adding a closure (`POST /closures`): while the days are chosen, the scheduled lessons on them are
 * listed; the office may have them cancelled with the closure (each with a make-up credit and notices).
 */
export function NewClosure({ zone, nameOf }: Props) {
  const queries = useQueryClient();
  const [form, setForm] = useState({ name: '', startsOn: '', endsOn: '' });
  const [cancelLessons, setCancelLessons] = useState(false);
  const set = (key: keyof typeof form) => (value: string) => setForm((current) => ({ ...current, [key]: value }));
  const range = isDate(form.startsOn) && isDate(form.endsOn) && form.startsOn <= form.endsOn ? { from: form.startsOn, to: addDays(form.endsOn, 1) } : null;
  const hit = useQuery({
    queryKey: ['lessons', 'closure-preview', range?.from, range?.to],
    enabled: range !== null,
    queryFn: () => call(api.GET('/api/v1/lessons', { params: { query: { from: range!.from, to: range!.to, status: 'scheduled', pageSize: 200 } } })),
  });
  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/closures', {
          params: { query: { cancelLessons: cancelLessons ? 'true' : 'false' } },
          body: { name: form.name, startsOn: form.startsOn, endsOn: form.endsOn },
        }),
      ),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['closures'] });
      void queries.invalidateQueries({ queryKey: ['lessons'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  const problem = (field: string) => fieldProblem(add.error, field);
  const affected = hit.data?.data ?? [];
  return (
    <Card title="Add a closure">
      <form onSubmit={submit} noValidate>
        <ErrorNotice error={add.error} />
        <Field label="Name" name="name" value={form.name} onChange={set('name')} hint="e.g. Winter break" problem={problem('name')} required />
        <div className="grid">
          <Field label="First day" name="startsOn" type="date" value={form.startsOn} onChange={set('startsOn')} problem={problem('startsOn')} required />
          <Field label="Last day" name="endsOn" type="date" value={form.endsOn} onChange={set('endsOn')} problem={problem('endsOn')} required />
        </div>
        {range && hit.data && (
          <div aria-live="polite">
            <p>{affected.length === 0 ? 'No scheduled lessons on these days.' : `${affected.length} scheduled ${affected.length === 1 ? 'lesson' : 'lessons'} on these days:`}</p>
            <ul className="list" aria-label="Lessons on these days">
              {affected.map((lesson) => (
                <li key={lesson.id}>
                  {dateTime(lesson.scheduledAt, zone)} · {[lesson.studentFirstName, lesson.studentLastName].filter(Boolean).join(' ')} · {nameOf(lesson.teacherId)}
                </li>
              ))}
            </ul>
          </div>
        )}
        <label className="choice">
          <input type="checkbox" checked={cancelLessons} onChange={(event) => setCancelLessons(event.target.checked)} /> Cancel the lessons on these days (each with a make-up
          credit and a notice)
        </label>
        <button type="submit" className="button" disabled={add.isPending}>
          {add.isPending ? 'Adding…' : 'Add the closure'}
        </button>
      </form>
      {add.data && (
        <OkNotice>
          Closure “{add.data.closure.name}” added.{' '}
          {add.data.affectedLessons.length === 0
            ? 'No lesson was on these days.'
            : add.data.affectedLessons
                .map((lesson) => `${lesson.studentName} (${dateTime(lesson.scheduledAt, zone)}, ${lesson.teacherName}): ${lesson.outcome.replace('_', ' ')}`)
                .join('; ')}
        </OkNotice>
      )}
    </Card>
  );
}
