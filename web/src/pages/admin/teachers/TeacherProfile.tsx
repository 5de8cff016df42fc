import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { useInstruments } from '../choices';
import type { TeacherDetail } from './types';

/** The teacher's contact, instruments and load; instruments, capacity and availability edited with `PATCH /teachers/{id}`. */
export function TeacherProfile({ teacher }: { teacher: TeacherDetail }) {
  const [editing, setEditing] = useState(false);
  return (
    <Card title="Profile">
      {editing ? (
        <ProfileForm teacher={teacher} onDone={() => setEditing(false)} />
      ) : (
        <>
          <dl className="pairs">
            <dt>E-mail</dt>
            <dd className="breakable">{teacher.email ?? '—'}</dd>
            <dt>Phone</dt>
            <dd>{teacher.phone ?? '—'}</dd>
            <dt>Instruments</dt>
            <dd>
              {teacher.instruments.map((instrument) => (
                <span key={instrument} className="badge">
                  {instrument}
                </span>
              ))}
            </dd>
            <dt>Students</dt>
            <dd>
              <Link href={`~/app/students?teacher=${teacher.id}`}>
                {teacher.studentCount ?? 0} of {teacher.maxStudents ?? '?'}
              </Link>
            </dd>
            <dt>New students</dt>
            <dd>{teacher.acceptingStudents ? 'Accepting' : 'Not accepting'}</dd>
            <dt>Account</dt>
            <dd>{teacher.isActive === false ? 'Inactive' : 'Active'}</dd>
          </dl>
          <button type="button" className="button secondary" onClick={() => setEditing(true)}>
            Edit profile
          </button>
        </>
      )}
    </Card>
  );
}

function ProfileForm({ teacher, onDone }: { teacher: TeacherDetail; onDone: () => void }) {
  const queries = useQueryClient();
  const offered = useInstruments();
  const [instruments, setInstruments] = useState(teacher.instruments);
  const [maxStudents, setMaxStudents] = useState(String(teacher.maxStudents ?? 30));
  const [isAvailable, setAvailable] = useState(teacher.isAvailable);
  const toggle = (instrument: string) => setInstruments((current) => (current.includes(instrument) ? current.filter((i) => i !== instrument) : [...current, instrument]));
  const save = useMutation({
    mutationFn: () => call(api.PATCH('/api/v1/teachers/{id}', { params: { path: { id: teacher.id } }, body: { instruments, maxStudents: Number(maxStudents), isAvailable } })),
    onSuccess: (saved) => {
      queries.setQueryData(['teacher', teacher.id], saved);
      void queries.invalidateQueries({ queryKey: ['teachers'] });
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const choices = [...new Set([...(offered.data ?? []), ...teacher.instruments])];
  return (
    <form onSubmit={submit} noValidate aria-label="Edit the profile">
      <ErrorNotice error={save.error} />
      <fieldset className="field">
        <legend>Instruments</legend>
        <div className="actions">
          {choices.map((instrument) => (
            <label key={instrument}>
              <input type="checkbox" checked={instruments.includes(instrument)} onChange={() => toggle(instrument)} /> {instrument}
            </label>
          ))}
        </div>
        {fieldProblem(save.error, 'instruments') && <span className="problem">{fieldProblem(save.error, 'instruments')}</span>}
      </fieldset>
      <Field
        label="Most students"
        name="maxStudents"
        type="number"
        value={maxStudents}
        onChange={setMaxStudents}
        problem={fieldProblem(save.error, 'maxStudents')}
        hint="1 to 50"
      />
      <label className="choice">
        <input type="checkbox" checked={isAvailable} onChange={(event) => setAvailable(event.target.checked)} /> Takes new students
      </label>
      {save.isSuccess && <OkNotice>Profile saved.</OkNotice>}
      <div className="actions">
        <button className="button" type="submit" disabled={save.isPending}>
          Save profile
        </button>
        <button className="button secondary" type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
