import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { dateTime, day } from '../../../ui/format';
import { Pager } from '../../../ui/Pager';
import type { Progress } from './types';

/** Timeline entries per page. */
const PAGE_SIZE = 20;
type Entry = Progress['data'][number];

/** What one timeline entry says, in a line. */
function describe(entry: Entry): string {
  switch (entry.kind) {
    case 'lesson':
      return `Lesson, ${entry.durationMinutes} min: ${entry.status}${entry.attendance ? ` (${entry.attendance})` : ''}`;
    case 'goal_set':
      return `Goal set: ${entry.title}`;
    case 'goal_achieved':
      return `Goal achieved: ${entry.title}`;
    case 'piece_started':
      return `Started ${entry.title}${entry.composer ? ` (${entry.composer})` : ''}`;
    case 'piece_performed':
      return `Performed ${entry.title}${entry.performedWhere ? ` at ${entry.performedWhere}` : ''}`;
    case 'assessment':
      return `${entry.examBody} ${entry.level}: ${entry.result.replaceAll('_', ' ')}${entry.mark === null ? '' : ` (${entry.mark})`}`;
  }
}

/** The student's progress over the last 90 days (`GET /students/{id}/progress`): summary and timeline, read-only. */
export function StudentProgress({ studentId }: { studentId: number }) {
  const [page, setPage] = useState(1);
  const progress = useQuery({
    queryKey: ['progress', studentId, page],
    queryFn: () => call(api.GET('/api/v1/students/{id}/progress', { params: { path: { id: studentId }, query: { page, pageSize: PAGE_SIZE } } })),
  });
  const data = progress.data;
  return (
    <Card title="Progress">
      {progress.isPending && <Loading />}
      <ErrorNotice error={progress.error} />
      {data && (
        <>
          <p className="muted">
            {day(data.from, data.timezone)} to {day(data.to, data.timezone)}
          </p>
          <dl className="pairs" aria-label="Progress summary">
            <dt>Lessons</dt>
            <dd>
              {data.summary.lessons.completed} completed, {data.summary.lessons.scheduled} scheduled, {data.summary.lessons.cancelled} cancelled
            </dd>
            <dt>Attendance</dt>
            <dd>{data.summary.attendanceRate === null ? 'No lessons marked yet' : `${Math.round(data.summary.attendanceRate * 100)} %`}</dd>
            <dt>Goals</dt>
            <dd>
              {data.summary.activeGoals} active, {data.summary.goalsAchieved} achieved in the period
            </dd>
            <dt>Repertoire</dt>
            <dd>
              {data.summary.piecesByStatus.learning} learning, {data.summary.piecesByStatus.polishing} polishing, {data.summary.piecesByStatus.performed} performed
            </dd>
            <dt>Latest assessment</dt>
            <dd>
              {data.summary.latestAssessment
                ? `${data.summary.latestAssessment.examBody} ${data.summary.latestAssessment.level}, ${data.summary.latestAssessment.result.replaceAll('_', ' ')}`
                : 'None'}
            </dd>
          </dl>
          <h3>Timeline</h3>
          {data.data.length === 0 && <p className="muted">Nothing in this period.</p>}
          <ul className="list" aria-label="Progress timeline">
            {data.data.map((entry) => (
              <li
                key={`${entry.kind}-${entry.at}-${'lessonId' in entry ? entry.lessonId : ''}${'goalId' in entry ? entry.goalId : ''}${'pieceId' in entry ? entry.pieceId : ''}${'assessmentId' in entry ? entry.assessmentId : ''}`}
              >
                <strong>{entry.kind === 'lesson' ? dateTime(entry.at, data.timezone) : day(entry.date, data.timezone)}</strong> · {describe(entry)}
                {entry.kind === 'lesson' && entry.notes && <div className="muted">Notes: {entry.notes}</div>}
                {entry.kind === 'lesson' && entry.privateNotes && <div className="muted">Private notes: {entry.privateNotes}</div>}
              </li>
            ))}
          </ul>
          <Pager label="Pages of the timeline" page={data.page} pageSize={data.pageSize} total={data.total} onPage={setPage} />
        </>
      )}
    </Card>
  );
}
