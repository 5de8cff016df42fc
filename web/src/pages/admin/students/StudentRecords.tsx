import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { day } from '../../../ui/format';

/** Records listed per kind (the first page of each). */
const PAGE_SIZE = 50;

/** The student's goals, repertoire and assessments (`GET /students/{id}/goals|repertoire|assessments`), read-only for the office. */
export function StudentRecords({ studentId }: { studentId: number }) {
  const path = { path: { id: studentId }, query: { pageSize: PAGE_SIZE } };
  const goals = useQuery({ queryKey: ['goals', studentId], queryFn: () => call(api.GET('/api/v1/students/{id}/goals', { params: path })) });
  const pieces = useQuery({ queryKey: ['repertoire', studentId], queryFn: () => call(api.GET('/api/v1/students/{id}/repertoire', { params: path })) });
  const assessments = useQuery({ queryKey: ['assessments', studentId], queryFn: () => call(api.GET('/api/v1/students/{id}/assessments', { params: path })) });
  return (
    <div className="grid">
      <Card title="Goals">
        {goals.isPending && <Loading />}
        <ErrorNotice error={goals.error} />
        {goals.data?.data.length === 0 && <p className="muted">No goals yet.</p>}
        <ul className="list" aria-label="Goals">
          {goals.data?.data.map((goal) => (
            <li key={goal.id}>
              <strong>{goal.title}</strong> <span className="badge">{goal.status}</span>
              <div className="muted">
                Set {day(goal.setOn, 'UTC')}
                {goal.targetDate ? ` · target ${day(goal.targetDate, 'UTC')}` : ''}
                {goal.achievedOn ? ` · achieved ${day(goal.achievedOn, 'UTC')}` : ''}
              </div>
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Repertoire">
        {pieces.isPending && <Loading />}
        <ErrorNotice error={pieces.error} />
        {pieces.data?.data.length === 0 && <p className="muted">No pieces yet.</p>}
        <ul className="list" aria-label="Repertoire">
          {pieces.data?.data.map((piece) => (
            <li key={piece.id}>
              <strong>{piece.title}</strong>
              {piece.composer && ` (${piece.composer})`} <span className="badge">{piece.status}</span>
              <div className="muted">
                Started {day(piece.startedOn, 'UTC')}
                {piece.performedOn ? ` · performed ${day(piece.performedOn, 'UTC')}${piece.performedWhere ? ` at ${piece.performedWhere}` : ''}` : ''}
              </div>
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Assessments">
        {assessments.isPending && <Loading />}
        <ErrorNotice error={assessments.error} />
        {assessments.data?.data.length === 0 && <p className="muted">No assessments yet.</p>}
        <ul className="list" aria-label="Assessments">
          {assessments.data?.data.map((assessment) => (
            <li key={assessment.id}>
              <strong>
                {assessment.examBody} {assessment.level}
              </strong>{' '}
              <span className="badge">{assessment.result.replaceAll('_', ' ')}</span>
              <div className="muted">
                {day(assessment.assessedOn, 'UTC')}
                {assessment.mark === null ? '' : ` · mark ${assessment.mark}`}
              </div>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
