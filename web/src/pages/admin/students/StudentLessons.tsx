import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { dateTime } from '../../../ui/format';

/** Next lessons listed. */
const NEXT_LESSONS = 20;

/** The student's next scheduled lessons (`GET /lessons?studentId&from=now`); past ones are in the progress timeline. */
export function StudentLessons({ studentId }: { studentId: number }) {
  const zone = useSchoolZone();
  const [from] = useState(() => new Date().toISOString());
  const lessons = useQuery({
    queryKey: ['lessons', 'upcoming', studentId, from],
    queryFn: () => call(api.GET('/api/v1/lessons', { params: { query: { studentId, from, status: 'scheduled', pageSize: NEXT_LESSONS } } })),
  });
  return (
    <Card title="Upcoming lessons">
      {lessons.isPending && <Loading />}
      <ErrorNotice error={lessons.error} />
      {lessons.data && lessons.data.data.length === 0 && <p className="muted">No lessons scheduled.</p>}
      <ul className="list" aria-label="Upcoming lessons">
        {lessons.data?.data.map((lesson) => (
          <li key={lesson.id}>
            <strong>{dateTime(lesson.scheduledAt, zone)}</strong> · {lesson.durationMinutes} min
            {lesson.lessonType !== 'regular' && <span className="badge">{lesson.lessonType}</span>}
            {lesson.substituteTeacherId && <span className="badge">substitute</span>}
          </li>
        ))}
      </ul>
      {lessons.data && lessons.data.total > lessons.data.data.length && <p className="muted">{lessons.data.total - lessons.data.data.length} more after these.</p>}
    </Card>
  );
}
