import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { ApiError, api, call } from '../../api/client';
import { useSchoolZone } from '../../auth/hooks';
import { Card, ErrorNotice, Loading, OkNotice } from '../../ui/components';
import { dateTime } from '../../ui/format';
import { SlotPicker } from './SlotPicker';

/**
 * Moves one lesson to a free slot of its teacher (`POST /lessons/{id}/reschedule`). The server
 * applies the reschedule window and the conflicts; its refusal is shown as it words it.
 */
export function Reschedule({ lessonId }: { lessonId: number }) {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const [startsAt, setStartsAt] = useState('');
  const lesson = useQuery({ queryKey: ['lesson', lessonId], queryFn: () => call(api.GET('/api/v1/lessons/{id}', { params: { path: { id: lessonId } } })) });
  const move = useMutation({
    mutationFn: () => call(api.POST('/api/v1/lessons/{id}/reschedule', { params: { path: { id: lessonId } }, body: { scheduledAt: startsAt } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['lessons'] }),
  });
  return (
    <>
      <h1>Move a lesson</h1>
      <p>
        <Link href="/">Back to your lessons</Link>
      </p>
      {lesson.isPending && <Loading />}
      <ErrorNotice error={lesson.error} />
      {lesson.data && (
        <Card title={`${lesson.data.studentFirstName ?? 'Lesson'} · ${dateTime(lesson.data.scheduledAt, zone)}`}>
          {move.isSuccess ? (
            <OkNotice>Moved to {dateTime(move.data.lesson.scheduledAt, zone)}. The teacher has been told.</OkNotice>
          ) : (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                if (startsAt) move.mutate();
              }}
            >
              <p className="muted">Choose a free time of the teacher ({lesson.data.durationMinutes} min).</p>
              <SlotPicker teacherId={lesson.data.teacherId} durationMinutes={lesson.data.durationMinutes} zone={zone} value={startsAt} onChange={setStartsAt} />
              <ErrorNotice error={move.error} />
              <Alternatives error={move.error} zone={zone} onChoose={setStartsAt} />
              <button className="button" type="submit" disabled={!startsAt || move.isPending}>
                {startsAt ? `Move to ${dateTime(startsAt, zone)}` : 'Choose a time first'}
              </button>
            </form>
          )}
        </Card>
      )}
    </>
  );
}

/** The free times the server offers with a conflict (409 `details.alternatives`), as buttons. */
function Alternatives({ error, zone, onChoose }: { error: unknown; zone: string; onChoose: (startsAt: string) => void }) {
  const details = error instanceof ApiError ? (error.details as { alternatives?: { startsAt: string }[] } | undefined) : undefined;
  const alternatives = Array.isArray(details?.alternatives) ? details.alternatives.slice(0, 4) : [];
  if (alternatives.length === 0) return null;
  return (
    <fieldset className="actions" aria-label="Free times nearby">
      {alternatives.map((alternative) => (
        <button key={alternative.startsAt} type="button" className="button secondary" onClick={() => onChoose(alternative.startsAt)}>
          Choose {dateTime(alternative.startsAt, zone)}
        </button>
      ))}
    </fieldset>
  );
}
