import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { SelectField } from '../../../ui/fields';
import { day } from '../../../ui/format';
import { runPageHref } from '../workflows/types';
import { approvalPageHref } from '../approvals/types';
import { type Task, type TaskStatus, taskStatuses, todayIn } from './types';

const statusOptions = [...taskStatuses.map((value) => ({ value })), { value: '', label: 'any status' }];

/** The tasks of one status (open by default), with what each is about and a button to mark it done or open it again. */
export function TaskList() {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const [status, setStatus] = useState<TaskStatus | ''>('open');
  const tasks = useQuery({
    queryKey: ['tasks', status],
    queryFn: () => call(api.GET('/api/v1/tasks', { params: { query: { pageSize: 100, ...(status ? { status } : {}) } } })),
  });
  const change = useMutation({
    mutationFn: ({ id, to }: { id: number; to: TaskStatus }) => call(api.PATCH('/api/v1/tasks/{id}', { params: { path: { id } }, body: { status: to } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['tasks'] }),
  });
  const today = todayIn(zone);
  return (
    <Card title="Follow-up tasks">
      <div className="filters">
        <SelectField label="Show" name="status" value={status} options={statusOptions} onChange={(value) => setStatus(value as TaskStatus | '')} />
      </div>
      {tasks.isPending && <Loading />}
      <ErrorNotice error={tasks.error ?? change.error} />
      {tasks.data && tasks.data.data.length === 0 && <p className="muted">No {status} tasks.</p>}
      <ul className="list" aria-label="Tasks">
        {tasks.data?.data.map((task) => (
          <li key={task.id}>
            <strong>{task.title}</strong> <span className={`badge task-${task.status}`}>{task.status}</span>
            {task.dueOn && (
              <span className={task.status === 'open' && task.dueOn < today ? 'due overdue' : 'due'}>
                {' '}
                due {day(task.dueOn, zone)}
                {task.status === 'open' && task.dueOn < today ? ' (overdue)' : ''}
              </span>
            )}
            {task.details && <p className="message-body">{task.details}</p>}
            <TaskLinks task={task} />
            <div className="actions">
              {task.status === 'open' ? (
                <button type="button" className="button secondary" disabled={change.isPending} onClick={() => change.mutate({ id: task.id, to: 'done' })}>
                  Mark “{task.title}” done
                </button>
              ) : (
                <button type="button" className="button secondary" disabled={change.isPending} onClick={() => change.mutate({ id: task.id, to: 'open' })}>
                  Open “{task.title}” again
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** What a task is about, each a link to its page: the family (parent), student, payment, run and approval. */
function TaskLinks({ task }: { task: Task }) {
  const parts = [
    task.userId !== null && (
      <Link key="user" href={`~/app/families/${task.userId}`}>
        Family #{task.userId}
      </Link>
    ),
    task.studentId !== null && (
      <Link key="student" href={`~/app/students/${task.studentId}`}>
        Student #{task.studentId}
      </Link>
    ),
    task.paymentId !== null && (
      <Link key="payment" href={`~/app/payments/${task.paymentId}`}>
        Payment #{task.paymentId}
      </Link>
    ),
    task.runId !== null && (
      <Link key="run" href={runPageHref(task.runId)}>
        Workflow run
      </Link>
    ),
    task.approvalId !== null && (
      <Link key="approval" href={approvalPageHref(task.approvalId)}>
        Approval #{task.approvalId}
      </Link>
    ),
  ].filter(Boolean);
  return parts.length > 0 ? <p className="task-links">{parts}</p> : null;
}
