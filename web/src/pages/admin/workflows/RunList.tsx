import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { SelectField } from '../../../ui/fields';
import { dateTime } from '../../../ui/format';
import { type RunStatus, runStatuses } from './types';

const statusOptions = [['', 'Any status'] as const, ...runStatuses.map((status) => [status, status] as const)];

/** The latest runs (50, newest first), filtered by workflow and status; each links to its page. */
export function RunList() {
  const zone = useSchoolZone();
  const [workflow, setWorkflow] = useState('');
  const [status, setStatus] = useState<RunStatus | ''>('');
  const workflows = useQuery({ queryKey: ['workflows'], queryFn: () => call(api.GET('/api/v1/workflows')) });
  const runs = useQuery({
    queryKey: ['workflows', 'runs', workflow, status],
    queryFn: () => call(api.GET('/api/v1/workflows/runs', { params: { query: { pageSize: 50, ...(workflow ? { workflow } : {}), ...(status ? { status } : {}) } } })),
  });
  const workflowOptions = [['', 'Every workflow'] as const, ...(workflows.data?.data.map((w) => [w.name, w.name] as const) ?? [])];
  return (
    <Card title="Runs">
      <div className="filters">
        <SelectField label="Workflow" name="workflow" value={workflow} options={workflowOptions} onChange={setWorkflow} />
        <SelectField label="Status" name="status" value={status} options={statusOptions} onChange={(value) => setStatus(value as RunStatus | '')} />
      </div>
      {runs.isPending && <Loading />}
      <ErrorNotice error={runs.error} />
      {runs.data && runs.data.data.length === 0 && <p className="muted">No runs match.</p>}
      {runs.data && runs.data.data.length > 0 && (
        <table className="data labelled" aria-label="Runs">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Workflow</th>
              <th scope="col">Status</th>
              <th scope="col">Node</th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.data.map((run) => (
              <tr key={run.id}>
                <td>
                  <Link href={`/runs/${run.id}`} className="run-id">
                    {run.id.slice(0, 8)}
                  </Link>
                </td>
                <td data-label="Workflow">{run.workflow}</td>
                <td data-label="Status">
                  <span className={`badge run-${run.status}`}>{run.status}</span>
                </td>
                <td data-label="Node">{run.currentNode ?? '—'}</td>
                <td data-label="Started">{dateTime(run.createdAt, zone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {runs.data && runs.data.total > runs.data.data.length && (
        <p className="muted">
          Showing the latest {runs.data.data.length} of {runs.data.total}.
        </p>
      )}
    </Card>
  );
}
