import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import { ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { dateTime } from '../../../ui/format';
import { localInput } from './dates';
import { type CalendarLesson, studentOf } from './types';

interface Props {
  lesson: CalendarLesson;
  teacherName: (id: number) => string;
  zone: string;
  onClose: () => void;
}

/** One lesson: what it is, and for a scheduled one cancelling (reason, who asked) and moving it. */
export function LessonDetails({ lesson, teacherName, zone, onClose }: Props) {
  const title = `${studentOf(lesson)} · ${dateTime(lesson.scheduledAt, zone)}`;
  return (
    <section className="card" aria-label="Lesson details">
      <h2 tabIndex={-1}>{title}</h2>
      <dl className="pairs">
        <dt>Teacher</dt>
        <dd>
          {teacherName(lesson.teacherId)}
          {lesson.substituteTeacherId ? ` (covered by ${teacherName(lesson.substituteTeacherId)})` : ''}
        </dd>
        <dt>Length</dt>
        <dd>{lesson.durationMinutes} min</dd>
        <dt>Type</dt>
        <dd>{lesson.lessonType}</dd>
        <dt>Status</dt>
        <dd>
          <span className="badge">{lesson.status}</span>
          {lesson.cancellationReason ? ` ${lesson.cancellationReason}` : ''}
        </dd>
        {lesson.notes && (
          <>
            <dt>Notes</dt>
            <dd>{lesson.notes}</dd>
          </>
        )}
      </dl>
      <CancelLesson lesson={lesson} />
      <RescheduleLesson lesson={lesson} zone={zone} />
      <p>
        <button type="button" className="link" onClick={onClose}>
          Close the details
        </button>
      </p>
    </section>
  );
}

/** `POST /lessons/{id}/cancel`: the school's cancellation always grants a make-up credit; the family's only in time. */
function CancelLesson({ lesson }: { lesson: CalendarLesson }) {
  const queries = useQueryClient();
  const [reason, setReason] = useState('');
  const [initiatedBy, setInitiatedBy] = useState<'school' | 'family'>('school');
  const cancel = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/lessons/{id}/cancel', { params: { path: { id: lesson.id } }, body: { initiatedBy, ...(reason.trim() ? { reason: reason.trim() } : {}) } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['lessons'] }),
  });
  if (cancel.data) {
    return (
      <OkNotice>
        Lesson cancelled. {cancel.data.makeupCreditId ? `Make-up credit #${cancel.data.makeupCreditId} granted.` : 'No make-up credit (the family cancelled late).'} The family and
        the teacher are told.
      </OkNotice>
    );
  }
  if (lesson.status !== 'scheduled') return null;
  return (
    <form
      className="calendar-action"
      onSubmit={(event) => {
        event.preventDefault();
        cancel.mutate();
      }}
    >
      <h3>Cancel the lesson</h3>
      <ErrorNotice error={cancel.error} />
      <Field label="Reason" name="reason" value={reason} onChange={setReason} hint="Told to the family (optional)" problem={fieldProblem(cancel.error, 'reason')} />
      <fieldset className="field">
        <legend>Who asked for it</legend>
        <label className="choice">
          <input type="radio" name={`initiated-${lesson.id}`} checked={initiatedBy === 'school'} onChange={() => setInitiatedBy('school')} /> The school (a make-up credit)
        </label>
        <label className="choice">
          <input type="radio" name={`initiated-${lesson.id}`} checked={initiatedBy === 'family'} onChange={() => setInitiatedBy('family')} /> The family (a credit only when in
          time)
        </label>
      </fieldset>
      <button type="submit" className="button danger" disabled={cancel.isPending}>
        {cancel.isPending ? 'Cancelling…' : 'Cancel the lesson'}
      </button>
    </form>
  );
}

/** `POST /lessons/{id}/reschedule` to a wall time in the school's zone (the server reads it there and checks conflicts). */
function RescheduleLesson({ lesson, zone }: { lesson: CalendarLesson; zone: string }) {
  const queries = useQueryClient();
  const [startsAt, setStartsAt] = useState(() => localInput(lesson.scheduledAt, zone));
  const move = useMutation({
    mutationFn: () => call(api.POST('/api/v1/lessons/{id}/reschedule', { params: { path: { id: lesson.id } }, body: { scheduledAt: startsAt } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['lessons'] }),
  });
  if (move.data) return <OkNotice>Moved to {dateTime(move.data.lesson.scheduledAt, zone)}. The family and the teacher are told.</OkNotice>;
  if (lesson.status !== 'scheduled') return null;
  return (
    <form
      className="calendar-action"
      onSubmit={(event) => {
        event.preventDefault();
        move.mutate();
      }}
    >
      <h3>Reschedule</h3>
      <ErrorNotice error={move.error} />
      <Field
        label="New time"
        name="scheduledAt"
        type="datetime-local"
        value={startsAt}
        onChange={setStartsAt}
        hint="In the school's time zone"
        problem={fieldProblem(move.error, 'scheduledAt')}
        required
      />
      <button type="submit" className="button secondary" disabled={move.isPending}>
        {move.isPending ? 'Moving…' : 'Reschedule'}
      </button>
    </form>
  );
}
