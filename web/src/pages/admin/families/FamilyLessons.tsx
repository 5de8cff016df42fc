import { useQueries } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { dateTime, day } from '../../../ui/format';

/** Upcoming lessons listed per child. */
const LESSONS_PER_CHILD = 10;

/** The children's next scheduled lessons (`GET /lessons?studentId&from=now`) and their make-up credits (`GET /makeup-credits?studentId`). */
export function FamilyLessons({ studentIds }: { studentIds: number[] | undefined }) {
  const zone = useSchoolZone();
  const [from] = useState(() => new Date().toISOString());
  const ids = studentIds ?? [];
  const lessons = useQueries({
    queries: ids.map((studentId) => ({
      queryKey: ['lessons', 'upcoming', studentId, from],
      queryFn: () => call(api.GET('/api/v1/lessons', { params: { query: { studentId, from, status: 'scheduled', pageSize: LESSONS_PER_CHILD } } })),
    })),
  });
  const credits = useQueries({
    queries: ids.map((studentId) => ({
      queryKey: ['makeup-credits', studentId],
      queryFn: () => call(api.GET('/api/v1/makeup-credits', { params: { query: { studentId, pageSize: 50 } } })),
    })),
  });
  const upcoming = lessons.flatMap((result) => result.data?.data ?? []).sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
  const allCredits = credits.flatMap((result) => result.data?.data ?? []);
  const loading = !studentIds || lessons.some((result) => result.isPending) || credits.some((result) => result.isPending);
  const error = [...lessons, ...credits].find((result) => result.error)?.error;
  return (
    <>
      <Card title="Upcoming lessons">
        {loading && <Loading />}
        <ErrorNotice error={error} />
        {!loading && upcoming.length === 0 && <p className="muted">No lessons scheduled.</p>}
        <ul className="list" aria-label="Upcoming lessons">
          {upcoming.map((lesson) => (
            <li key={lesson.id}>
              <strong>{dateTime(lesson.scheduledAt, zone)}</strong> · {lesson.durationMinutes} min · {lesson.studentFirstName} {lesson.studentLastName}
              {lesson.lessonType !== 'regular' && <span className="badge">{lesson.lessonType}</span>}
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Make-up credits">
        {!loading && allCredits.length === 0 && <p className="muted">No make-up credits.</p>}
        <ul className="list" aria-label="Make-up credits">
          {allCredits.map((credit) => (
            <li key={credit.id}>
              <strong>{credit.studentName}</strong> <span className="badge">{credit.status}</span>
              <div className="muted">
                Granted {day(credit.grantedAt, zone)}
                {credit.expiresOn ? ` · usable until ${day(credit.expiresOn, zone)}` : ''}
                {credit.reason ? ` · ${credit.reason}` : ''}
              </div>
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
