import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../api/client';
import { useSchoolZone } from '../../auth/hooks';
import { Card, ErrorNotice, Loading, OkNotice } from '../../ui/components';
import { dateTime } from '../../ui/format';
import type { Lesson, Me } from '../types';
import { LessonNotes } from './LessonNotes';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const attendanceChoices = [
  { value: 'present', label: 'Present' },
  { value: 'late', label: 'Late' },
  { value: 'absent', label: 'Absent' },
  { value: 'excused', label: 'Excused' },
] as const;
type Attendance = (typeof attendanceChoices)[number]['value'];

/** The teacher's lessons of the past and the coming week; a scheduled lesson that has begun can be marked. */
export function TeacherWeek({ me }: { me: Me }) {
  const zone = useSchoolZone();
  const [range] = useState(() => ({ from: new Date(Date.now() - WEEK_MS).toISOString(), to: new Date(Date.now() + WEEK_MS).toISOString() }));
  const lessons = useQuery({
    queryKey: ['lessons', 'teacher-week', range.from],
    queryFn: () => call(api.GET('/api/v1/lessons', { params: { query: { teacherId: me.teacherId ?? undefined, from: range.from, to: range.to, pageSize: 100 } } })),
  });
  return (
    <>
      <h1>Your week</h1>
      <Card title="Lessons">
        {lessons.isPending && <Loading />}
        <ErrorNotice error={lessons.error} />
        {lessons.data && lessons.data.data.length === 0 && <p className="muted">No lessons this week.</p>}
        <ul className="list">
          {lessons.data?.data.map((lesson) => (
            <TeacherLesson key={lesson.id} lesson={lesson} zone={zone} />
          ))}
        </ul>
      </Card>
    </>
  );
}

function TeacherLesson({ lesson, zone }: { lesson: Lesson; zone: string }) {
  const queries = useQueryClient();
  const [attendance, setAttendance] = useState<Attendance>('present');
  const [notes, setNotes] = useState('');
  const complete = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/lessons/{id}/complete', { params: { path: { id: lesson.id } }, body: { attendance, ...(notes.trim() ? { notes: notes.trim() } : {}) } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['lessons'] }),
  });
  const name = [lesson.studentFirstName, lesson.studentLastName].filter(Boolean).join(' ') || `Student #${lesson.studentId}`;
  const begun = new Date(lesson.scheduledAt).getTime() <= Date.now();
  return (
    <li>
      <div>
        <strong>{dateTime(lesson.scheduledAt, zone)}</strong> · <Link href={`/students/${lesson.studentId}`}>{name}</Link> · {lesson.durationMinutes} min{' '}
        <span className="badge">{lesson.status}</span>
        {lesson.attendance && <span className="muted"> · {lesson.attendance}</span>}
      </div>
      {complete.isSuccess && <OkNotice>Attendance saved for {name}.</OkNotice>}
      {lesson.status === 'completed' && <LessonNotes lesson={lesson} name={name} />}
      <ErrorNotice error={complete.error} />
      {lesson.status === 'scheduled' && begun && !complete.isSuccess && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            complete.mutate();
          }}
        >
          <fieldset className="field">
            <legend>Attendance of {name}</legend>
            <div className="actions">
              {attendanceChoices.map((choice) => (
                <label key={choice.value}>
                  <input type="radio" name={`attendance-${lesson.id}`} value={choice.value} checked={attendance === choice.value} onChange={() => setAttendance(choice.value)} />{' '}
                  {choice.label}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="field">
            <label htmlFor={`notes-${lesson.id}`}>Notes for the family</label>
            <textarea id={`notes-${lesson.id}`} rows={2} value={notes} onChange={(event) => setNotes(event.target.value)} />
          </div>
          <button className="button" type="submit" disabled={complete.isPending}>
            Save attendance
          </button>
        </form>
      )}
    </li>
  );
}
