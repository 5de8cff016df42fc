import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import type { paths } from '../../../api/schema';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { SelectField, TextAreaField } from '../../../ui/fields';
import { day, money } from '../../../ui/format';
import { skillLevels, teacherOption, useInstruments, useTeachers } from '../choices';
import type { Student } from './types';

type Patch = NonNullable<paths['/api/v1/students/{id}']['patch']['requestBody']>['content']['application/json'];

/** The student's details, and editing them (`PATCH /students/{id}`: only the fields changed are sent). */
export function StudentDetails({ student }: { student: Student }) {
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  return (
    <Card title="Details">
      {saved && !editing && <OkNotice>Student saved.</OkNotice>}
      {editing ? (
        <StudentForm
          student={student}
          onDone={(didSave) => {
            setSaved(didSave);
            setEditing(false);
          }}
        />
      ) : (
        <>
          <dl className="pairs">
            <dt>Instrument</dt>
            <dd>
              {student.instrument} ({student.skillLevel})
            </dd>
            <dt>Teacher</dt>
            <dd>{student.teacherId ? <Link href={`~/app/teachers/${student.teacherId}`}>{student.teacherName}</Link> : 'No teacher yet'}</dd>
            <dt>Family</dt>
            <dd>
              <Link href={`~/app/families/${student.parentId}`}>{student.parentName ?? 'The family'}</Link>
            </dd>
            <dt>Born</dt>
            <dd>
              {day(student.dateOfBirth, 'UTC')} (age {student.age})
            </dd>
            <dt>E-mail</dt>
            <dd className="breakable">{student.email ?? '—'}</dd>
            <dt>Lesson rate</dt>
            <dd>{money(student.lessonRateCents)}</dd>
            <dt>Enrolled</dt>
            <dd>{day(student.enrollmentDate, 'UTC')}</dd>
            <dt>Status</dt>
            <dd>{student.isActive ? 'Active' : 'Inactive'}</dd>
            <dt>Staff notes</dt>
            <dd>{student.notes ?? '—'}</dd>
          </dl>
          <button type="button" className="button secondary" onClick={() => setEditing(true)}>
            Edit details
          </button>
        </>
      )}
    </Card>
  );
}

/** The form as text; turned into the API's types when sent. */
function formOf(student: Student) {
  return {
    firstName: student.firstName,
    lastName: student.lastName,
    email: student.email ?? '',
    dateOfBirth: student.dateOfBirth,
    instrument: student.instrument,
    skillLevel: student.skillLevel,
    teacherId: student.teacherId ? String(student.teacherId) : '',
    rate: (student.lessonRateCents / 100).toFixed(2),
    isActive: student.isActive,
    notes: student.notes ?? '',
  };
}

/** The fields whose value differs from the student's, in the API's terms (rate in CAD → cents). */
function changes(student: Student, form: ReturnType<typeof formOf>): Patch {
  const next: Patch = {
    firstName: form.firstName,
    lastName: form.lastName,
    email: form.email.trim() || null,
    dateOfBirth: form.dateOfBirth,
    instrument: form.instrument,
    skillLevel: form.skillLevel,
    teacherId: form.teacherId ? Number(form.teacherId) : null,
    lessonRateCents: Math.round(Number(form.rate) * 100),
    isActive: form.isActive,
    notes: form.notes.trim() || null,
  };
  const before: Record<string, unknown> = { ...student, email: student.email ?? null, notes: student.notes ?? null };
  return Object.fromEntries(Object.entries(next).filter(([key, value]) => before[key] !== value)) as Patch;
}

function StudentForm({ student, onDone }: { student: Student; onDone: (saved: boolean) => void }) {
  const queries = useQueryClient();
  const instruments = useInstruments();
  const teachers = useTeachers();
  const [form, setForm] = useState(() => formOf(student));
  const set = (key: 'firstName' | 'lastName' | 'email' | 'dateOfBirth' | 'rate') => (value: string) => setForm((current) => ({ ...current, [key]: value }));
  // The student's current teacher stays a choice even when the list of active teachers lacks them.
  const others = teachers.list.map(teacherOption);
  const current =
    student.teacherId && !others.some((other) => other.value === String(student.teacherId))
      ? [{ value: String(student.teacherId), label: student.teacherName ?? 'Current teacher' }]
      : [];
  const teacherChoices = [{ value: '', label: 'No teacher' }, ...current, ...others];
  const save = useMutation({
    mutationFn: (patch: Patch) => call(api.PATCH('/api/v1/students/{id}', { params: { path: { id: student.id } }, body: patch })),
    onSuccess: (updated) => {
      queries.setQueryData(['student', student.id], updated);
      void queries.invalidateQueries({ queryKey: ['students'] });
      onDone(true);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const patch = changes(student, form);
    if (Object.keys(patch).length === 0) onDone(false);
    else save.mutate(patch);
  };
  const problem = (field: string) => fieldProblem(save.error, field);
  return (
    <form onSubmit={submit} noValidate aria-label="Edit the student">
      <ErrorNotice error={save.error} />
      <Field label="First name" name="firstName" value={form.firstName} onChange={set('firstName')} problem={problem('firstName')} required />
      <Field label="Last name" name="lastName" value={form.lastName} onChange={set('lastName')} problem={problem('lastName')} required />
      <Field label="Student's e-mail" name="email" type="email" value={form.email} onChange={set('email')} problem={problem('email')} hint="Optional" />
      <Field label="Date of birth" name="dateOfBirth" type="date" value={form.dateOfBirth} onChange={set('dateOfBirth')} problem={problem('dateOfBirth')} required />
      <SelectField
        label="Instrument"
        name="instrument"
        value={form.instrument}
        options={[...new Set([form.instrument, ...(instruments.data ?? [])])].map((value) => ({ value }))}
        onChange={(instrument) => setForm({ ...form, instrument })}
        problem={problem('instrument')}
      />
      <SelectField
        label="Skill level"
        name="skillLevel"
        value={form.skillLevel}
        options={skillLevels.map((value) => ({ value }))}
        onChange={(level) => setForm({ ...form, skillLevel: level as Student['skillLevel'] })}
        problem={problem('skillLevel')}
      />
      <SelectField
        label="Teacher"
        name="teacherId"
        value={form.teacherId}
        options={teacherChoices}
        onChange={(teacherId) => setForm({ ...form, teacherId })}
        problem={problem('teacherId')}
      />
      <Field label="Lesson rate (CAD)" name="rate" value={form.rate} onChange={set('rate')} problem={problem('lessonRateCents')} required />
      <label className="choice">
        <input type="checkbox" checked={form.isActive} onChange={(event) => setForm({ ...form, isActive: event.target.checked })} /> Active student
      </label>
      <TextAreaField label="Staff notes" name="notes" rows={3} value={form.notes} onChange={(notes) => setForm({ ...form, notes })} problem={problem('notes')} />
      <div className="actions">
        <button className="button" type="submit" disabled={save.isPending}>
          Save student
        </button>
        <button className="button secondary" type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
