import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { SelectField } from '../../../ui/fields';
import { dateTime, localToInstant } from '../../../ui/format';
import { teacherOption, useTeachers } from '../choices';
import type { TeacherDetail } from './types';

/** What to do with the scheduled lessons inside new time off (`POST /teachers/{id}/time-off`). */
type LessonAction = 'list' | 'cancel' | 'offer' | 'substitute';
const actions: { value: LessonAction; label: string }[] = [
  { value: 'list', label: 'Leave them; only list them' },
  { value: 'cancel', label: 'Cancel them (make-up credit and notice)' },
  { value: 'offer', label: 'Cancel them and invite the family to book the make-up' },
  { value: 'substitute', label: 'Hand them to a substitute' },
];

/** The teacher's upcoming time off (removable) and adding some, with the lessons it touches and what was done to them. */
export function TeacherTimeOff({ teacher }: { teacher: TeacherDetail }) {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const teachers = useTeachers();
  const [form, setForm] = useState({ startsAt: '', endsAt: '', reason: '', action: 'list' as LessonAction, substitute: '' });
  const set = (key: 'startsAt' | 'endsAt' | 'reason') => (value: string) => setForm((current) => ({ ...current, [key]: value }));
  const refresh = () => {
    void queries.invalidateQueries({ queryKey: ['teacher', teacher.id] });
    void queries.invalidateQueries({ queryKey: ['lessons'] });
  };
  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/teachers/{id}/time-off', {
          params: { path: { id: teacher.id } },
          body: {
            startsAt: localToInstant(form.startsAt, zone),
            endsAt: localToInstant(form.endsAt, zone),
            reason: form.reason.trim() || null,
            cancelLessons: form.action === 'cancel' || undefined,
            offerReschedule: form.action === 'offer' || undefined,
            substituteTeacherId: form.action === 'substitute' ? Number(form.substitute) || undefined : undefined,
          },
        }),
      ),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (timeOffId: number) => call(api.DELETE('/api/v1/teachers/{id}/time-off/{timeOffId}', { params: { path: { id: teacher.id, timeOffId } } })),
    onSuccess: refresh,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <Card title="Time off">
      <ErrorNotice error={remove.error} />
      {teacher.upcomingTimeOff.length === 0 && <p className="muted">None planned.</p>}
      <ul className="list" aria-label="Upcoming time off">
        {teacher.upcomingTimeOff.map((off) => (
          <li key={off.id}>
            <strong>
              {dateTime(off.startsAt, zone)} – {dateTime(off.endsAt, zone)}
            </strong>
            {off.reason && <div className="muted">{off.reason}</div>}
            <div className="actions">
              <button type="button" className="button danger" disabled={remove.isPending} onClick={() => remove.mutate(off.id)}>
                Remove the time off from {dateTime(off.startsAt, zone)}
              </button>
            </div>
          </li>
        ))}
      </ul>
      <h3>Add time off</h3>
      <form onSubmit={submit} noValidate aria-label="Add time off">
        <Field label="From" name="startsAt" type="datetime-local" value={form.startsAt} onChange={set('startsAt')} problem={fieldProblem(add.error, 'startsAt')} required />
        <Field label="Until" name="endsAt" type="datetime-local" value={form.endsAt} onChange={set('endsAt')} problem={fieldProblem(add.error, 'endsAt')} required />
        <Field label="Reason (optional)" name="reason" value={form.reason} onChange={set('reason')} problem={fieldProblem(add.error, 'reason')} />
        <fieldset className="field">
          <legend>Lessons inside it</legend>
          {actions.map((action) => (
            <label key={action.value} className="choice">
              <input type="radio" name="lesson-action" value={action.value} checked={form.action === action.value} onChange={() => setForm({ ...form, action: action.value })} />{' '}
              {action.label}
            </label>
          ))}
        </fieldset>
        {form.action === 'substitute' && (
          <SelectField
            label="Substitute teacher"
            name="substituteTeacherId"
            value={form.substitute}
            options={[{ value: '', label: 'Choose a teacher' }, ...teachers.list.filter((other) => other.id !== teacher.id).map(teacherOption)]}
            onChange={(substitute) => setForm({ ...form, substitute })}
            problem={fieldProblem(add.error, 'substituteTeacherId')}
          />
        )}
        <ErrorNotice error={add.error} />
        {add.isSuccess && (
          <OkNotice>
            Time off added. {add.data.affectedLessons.length === 0 ? 'No lessons fall inside it.' : `${add.data.affectedLessons.length} lesson(s) fall inside it:`}
          </OkNotice>
        )}
        {add.isSuccess && add.data.affectedLessons.length > 0 && (
          <ul className="list" aria-label="Lessons inside the time off">
            {add.data.affectedLessons.map((lesson) => (
              <li key={lesson.id}>
                <strong>{dateTime(lesson.scheduledAt, zone)}</strong> · {lesson.studentName} · {lesson.outcome.replaceAll('_', ' ')}
              </li>
            ))}
          </ul>
        )}
        <button className="button" type="submit" disabled={add.isPending}>
          Add time off
        </button>
      </form>
    </Card>
  );
}
