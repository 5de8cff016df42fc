import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../api/client';
import { useSchoolZone } from '../../auth/hooks';
import { Card, ErrorNotice, Loading, OkNotice } from '../../ui/components';
import { dateTime } from '../../ui/format';
import type { Lesson } from '../types';

/** The family's scheduled lessons from now on, each with a cancel button (the server applies the policy). */
export function UpcomingLessons() {
  const zone = useSchoolZone();
  const [from] = useState(() => new Date().toISOString());
  const lessons = useQuery({
    queryKey: ['lessons', 'upcoming', from],
    queryFn: () => call(api.GET('/api/v1/lessons', { params: { query: { from, status: 'scheduled', pageSize: 50 } } })),
  });
  return (
    <Card title="Upcoming lessons">
      {lessons.isPending && <Loading />}
      <ErrorNotice error={lessons.error} />
      {lessons.data && lessons.data.data.length === 0 && <p className="muted">No lessons scheduled.</p>}
      <ul className="list">
        {lessons.data?.data.map((lesson) => (
          <UpcomingLesson key={lesson.id} lesson={lesson} zone={zone} />
        ))}
      </ul>
    </Card>
  );
}

function UpcomingLesson({ lesson, zone }: { lesson: Lesson; zone: string }) {
  const queries = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const cancel = useMutation({
    mutationFn: () => call(api.POST('/api/v1/lessons/{id}/cancel', { params: { path: { id: lesson.id } }, body: { reason: 'Cancelled by the family in the portal' } })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['makeup-credits'] });
    },
  });
  const when = dateTime(lesson.scheduledAt, zone);
  return (
    <li>
      <div>
        <strong>{when}</strong> · {lesson.durationMinutes} min {lesson.studentFirstName ? `· ${lesson.studentFirstName}` : ''}
      </div>
      {cancel.isSuccess ? (
        <OkNotice>Cancelled. {cancel.data.makeupCreditId ? 'A make-up credit was added.' : 'No make-up credit for this one.'}</OkNotice>
      ) : (
        <>
          <ErrorNotice error={cancel.error} />
          {confirming ? (
            <div className="actions">
              <button type="button" className="button danger" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
                Yes, cancel the lesson of {when}
              </button>
              <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </div>
          ) : (
            <div className="actions">
              <Link className="button secondary" href={`/lessons/${lesson.id}/move`}>
                Move this lesson
              </Link>
              <button type="button" className="button secondary" onClick={() => setConfirming(true)}>
                Cancel this lesson
              </button>
            </div>
          )}
        </>
      )}
    </li>
  );
}
