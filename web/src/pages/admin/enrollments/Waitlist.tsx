import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, fieldProblem, Loading, OkNotice } from '../../../ui/components';
import { dateTime } from '../../../ui/format';
import { type Teacher, useTeachers } from '../choices';
import type { WaitlistEntry } from './types';

/** `GET /waitlist`: waitlisted families in line order, what each waits for and why, and promoting one. */
export function Waitlist() {
  const zone = useSchoolZone();
  const teachers = useTeachers();
  const waitlist = useQuery({ queryKey: ['waitlist'], queryFn: () => call(api.GET('/api/v1/waitlist', { params: { query: { pageSize: 200 } } })) });
  const entries = waitlist.data?.data ?? [];
  // Kept here, not in the entry: a promoted entry leaves the list once its run has gone on.
  const [promoted, setPromoted] = useState<string[]>([]);
  return (
    <Card title="Waitlist">
      {promoted.map((name) => (
        <OkNotice key={name}>{name} has a place: the enrollment goes on.</OkNotice>
      ))}
      {waitlist.isPending && <Loading />}
      <ErrorNotice error={waitlist.error} />
      {waitlist.data && entries.length === 0 && <p className="muted">Nobody is waiting.</p>}
      <ol className="list" aria-label="Waitlist">
        {entries.map((entry) => (
          <li key={entry.enrollmentId}>
            <strong>
              #{entry.position} {entry.studentName}
            </strong>{' '}
            <span className="badge">{entry.instrument}</span>
            <p className="muted">
              Waits for {wants(entry, teachers.nameOf)}. Since {dateTime(entry.waitingSince, zone)} · {entry.parentEmail}
            </p>
            <p>{entry.reason.message}</p>
            {entry.promotedAt ? (
              <p className="muted">Place given {dateTime(entry.promotedAt, zone)}; the enrollment is going on.</p>
            ) : (
              entry.runWaiting && (
                <Promote
                  entry={entry}
                  onPromoted={() => setPromoted((names) => [...names, entry.studentName])}
                  teachers={teachers.list.filter((t) => t.instruments.includes(entry.instrument))}
                />
              )
            )}
          </li>
        ))}
      </ol>
    </Card>
  );
}

/** "piano, 30 min lessons, on tuesday evenings, with Ana Ruiz". */
function wants(entry: WaitlistEntry, nameOf: (id: number) => string): string {
  const parts = [`${entry.instrument}, ${entry.lessonDuration} min lessons`];
  if (entry.preferredLessonDay || entry.preferredLessonTime)
    parts.push(`on ${entry.preferredLessonDay ?? 'any day'}${entry.preferredLessonTime ? ` ${entry.preferredLessonTime}s` : ''}`);
  if (entry.preferredTeacherId) parts.push(`with ${nameOf(entry.preferredTeacherId)}`);
  return parts.join(', ');
}

/** `POST /enrollments/{id}/promote`: the chosen teacher of the instrument, or the best free one. */
function Promote({ entry, teachers, onPromoted }: { entry: WaitlistEntry; teachers: Teacher[]; onPromoted: () => void }) {
  const queries = useQueryClient();
  const [teacherId, setTeacherId] = useState('');
  const promote = useMutation({
    mutationFn: () => call(api.POST('/api/v1/enrollments/{id}/promote', { params: { path: { id: entry.enrollmentId } }, body: teacherId ? { teacherId: Number(teacherId) } : {} })),
    onSuccess: () => {
      onPromoted();
      void queries.invalidateQueries({ queryKey: ['waitlist'] });
      void queries.invalidateQueries({ queryKey: ['enrollments'] });
    },
  });
  const id = `promote-teacher-${entry.enrollmentId}`;
  const problem = fieldProblem(promote.error, 'teacherId');
  return (
    <form
      className="promote"
      onSubmit={(event) => {
        event.preventDefault();
        promote.mutate();
      }}
    >
      <ErrorNotice error={promote.error} />
      <div className="field">
        <label htmlFor={id}>Teacher for {entry.studentName}</label>
        <select id={id} value={teacherId} onChange={(event) => setTeacherId(event.target.value)} aria-invalid={problem ? true : undefined}>
          <option value="">The best free teacher</option>
          {teachers.map((teacher) => (
            <option key={teacher.id} value={teacher.id}>
              {teacher.firstName} {teacher.lastName}
            </option>
          ))}
        </select>
        {problem && <span className="problem">{problem}</span>}
      </div>
      <button type="submit" className="button" disabled={promote.isPending}>
        Promote
      </button>
    </form>
  );
}
