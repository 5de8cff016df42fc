import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, call } from '../../api/client';
import { Card, ErrorNotice, Loading } from '../../ui/components';
import { Assessments } from './progress/Assessments';
import { Goals } from './progress/Goals';
import { Repertoire } from './progress/Repertoire';
import { Timeline } from './progress/Timeline';
import { progressKey, words } from './progress/types';
import './progress/progress.css';

/** `/students/:id`: a student's progress (summary and the last 90 days' timeline), goals, repertoire and exams. */
export function StudentProgress({ studentId }: { studentId: number }) {
  const student = useQuery({ queryKey: ['student', studentId], queryFn: () => call(api.GET('/api/v1/students/{id}', { params: { path: { id: studentId } } })) });
  const progress = useQuery({
    queryKey: [...progressKey(studentId), 'timeline'],
    queryFn: () => call(api.GET('/api/v1/students/{id}/progress', { params: { path: { id: studentId }, query: { pageSize: 100 } } })),
  });
  const name = student.data ? `${student.data.firstName} ${student.data.lastName}` : `Student #${studentId}`;
  const summary = progress.data?.summary;
  return (
    <>
      <p>
        <Link href="/students">← Your students</Link>
      </p>
      <h1>{name}</h1>
      <ErrorNotice error={student.error} />
      <Card title="Progress">
        {progress.isPending && <Loading />}
        <ErrorNotice error={progress.error} />
        {summary && progress.data && (
          <>
            <dl className="pairs progress-summary">
              <dt>Period</dt>
              <dd>
                {progress.data.from} to {progress.data.to}
              </dd>
              <dt>Lessons</dt>
              <dd>
                {summary.lessons.completed} completed, {summary.lessons.scheduled} scheduled, {summary.lessons.cancelled} cancelled
              </dd>
              <dt>Attendance</dt>
              <dd>{summary.attendanceRate === null ? '—' : `${Math.round(summary.attendanceRate * 100)} %`}</dd>
              <dt>Goals</dt>
              <dd>
                {summary.activeGoals} active, {summary.goalsAchieved} achieved in the period
              </dd>
              <dt>Latest exam</dt>
              <dd>{summary.latestAssessment ? `${summary.latestAssessment.examBody} ${summary.latestAssessment.level}, ${words(summary.latestAssessment.result)}` : '—'}</dd>
            </dl>
            <h3>Timeline</h3>
            <Timeline entries={progress.data.data} />
          </>
        )}
      </Card>
      <div className="grid">
        <Goals studentId={studentId} />
        <Repertoire studentId={studentId} />
        <Assessments studentId={studentId} />
      </div>
    </>
  );
}
