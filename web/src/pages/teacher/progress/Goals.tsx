import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, Loading, OkNotice } from '../../../ui/components';
import { Select } from './Select';
import { type Goal, goalStatuses, progressKey } from './types';

/** The student's goals: add one (title, target date), change a goal's status. */
export function Goals({ studentId }: { studentId: number }) {
  const queries = useQueryClient();
  const goals = useQuery({
    queryKey: [...progressKey(studentId), 'goals'],
    queryFn: () => call(api.GET('/api/v1/students/{id}/goals', { params: { path: { id: studentId }, query: { pageSize: 100 } } })),
  });
  const [title, setTitle] = useState('');
  const [targetDate, setTargetDate] = useState('');
  const add = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/students/{id}/goals', { params: { path: { id: studentId } }, body: { title, ...(targetDate ? { targetDate } : {}), status: 'active' } })),
    onSuccess: () => {
      setTitle('');
      setTargetDate('');
      void queries.invalidateQueries({ queryKey: progressKey(studentId) });
    },
  });
  return (
    <Card title="Goals">
      {goals.isPending && <Loading />}
      <ErrorNotice error={goals.error} />
      {goals.data && goals.data.data.length === 0 && <p className="muted">No goals yet.</p>}
      <ul className="list" aria-label="Goals">
        {goals.data?.data.map((goal) => (
          <GoalItem key={goal.id} goal={goal} />
        ))}
      </ul>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate();
        }}
      >
        <h3>Add a goal</h3>
        <Field label="Goal" name="title" value={title} onChange={setTitle} problem={fieldProblem(add.error, 'title')} />
        <Field label="Target date" name="targetDate" type="date" value={targetDate} onChange={setTargetDate} problem={fieldProblem(add.error, 'targetDate')} />
        <ErrorNotice error={add.error} />
        {add.isSuccess && <OkNotice>Goal added: {add.data.title}.</OkNotice>}
        <button className="button" type="submit" disabled={add.isPending}>
          Add goal
        </button>
      </form>
    </Card>
  );
}

function GoalItem({ goal }: { goal: Goal }) {
  const queries = useQueryClient();
  const [status, setStatus] = useState(goal.status);
  const save = useMutation({
    mutationFn: () => call(api.PATCH('/api/v1/students/{id}/goals/{goalId}', { params: { path: { id: goal.studentId, goalId: goal.id } }, body: { status } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: progressKey(goal.studentId) }),
  });
  return (
    <li>
      <strong>{goal.title}</strong> <span className="badge">{goal.status}</span>{' '}
      <span className="muted">
        set {goal.setOn}
        {goal.targetDate ? `, target ${goal.targetDate}` : ''}
        {goal.achievedOn ? `, achieved ${goal.achievedOn}` : ''}
      </span>
      <form
        className="inline-edit"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Select label={`Status of “${goal.title}”`} value={status} choices={goalStatuses} onChange={setStatus} />
        <button className="button secondary" type="submit" disabled={save.isPending || status === goal.status}>
          Save status
        </button>
      </form>
      <ErrorNotice error={save.error} />
    </li>
  );
}
