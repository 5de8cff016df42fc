import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading, OkNotice } from '../../../ui/components';
import { dateTime } from '../../../ui/format';
import { JsonBlock } from '../../../ui/json';
import { nodeStates, stateColours } from './graph';
import { finalRunStatuses, type RunDetail } from './types';
import { WorkflowGraph } from './WorkflowGraph';

/** How often a run that is still going is read again, in ms. */
const REFRESH_MS = 2000;

/** `/workflows/runs/:id`: a run's status, its diagram with node states, each node's output or error, retry and cancel. */
export function RunPage({ runId }: { runId: string }) {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const run = useQuery({
    queryKey: ['workflows', 'run', runId],
    queryFn: () => call(api.GET('/api/v1/workflows/runs/{id}', { params: { path: { id: runId } } })),
    refetchInterval: (query) => (query.state.data && finalRunStatuses.has(query.state.data.status) ? false : REFRESH_MS),
  });
  const refresh = () => queries.invalidateQueries({ queryKey: ['workflows'] });
  const retry = useMutation({ mutationFn: () => call(api.POST('/api/v1/workflows/runs/{id}/retry', { params: { path: { id: runId } } })), onSettled: refresh });
  const cancel = useMutation({ mutationFn: () => call(api.POST('/api/v1/workflows/runs/{id}/cancel', { params: { path: { id: runId } } })), onSettled: refresh });

  if (run.isPending) return <Loading />;
  if (run.error) {
    return (
      <>
        <h1>Workflow run</h1>
        <ErrorNotice error={run.error} />
        <Link href="/">All runs</Link>
      </>
    );
  }
  const r = run.data;
  const states = new Map(r.nodes.map((node) => [node.nodeId, node.status]));
  return (
    <>
      <h1>
        Run of {r.workflow} <span className={`badge run-${r.status}`}>{r.status}</span>
      </h1>
      <p>
        <Link href="/">All runs</Link>
      </p>
      <div className="grid">
        <Card title="Status">
          <RunFacts run={r} zone={zone} />
          {retry.isSuccess && <OkNotice>Retry started.</OkNotice>}
          {cancel.isSuccess && <OkNotice>Run cancelled.</OkNotice>}
          <ErrorNotice error={retry.error ?? cancel.error} />
          <div className="actions">
            <button type="button" className="button secondary" disabled={r.status !== 'failed' || retry.isPending} onClick={() => retry.mutate()}>
              Retry the run
            </button>
            <button type="button" className="button danger" disabled={finalRunStatuses.has(r.status) || cancel.isPending} onClick={() => cancel.mutate()}>
              Cancel the run
            </button>
          </div>
        </Card>
        <Card title="Diagram">
          <WorkflowGraph name={r.workflow} states={states} />
          <ul className="state-legend" aria-label="Colours of node states">
            {nodeStates.map((state) => (
              <li key={state}>
                <span className="swatch" style={{ background: stateColours[state].fill, borderColor: stateColours[state].stroke }} /> {state}
              </li>
            ))}
          </ul>
        </Card>
      </div>
      <NodeTable run={r} zone={zone} />
    </>
  );
}

function RunFacts({ run, zone }: { run: RunDetail; zone: string }) {
  return (
    <dl className="pairs">
      <dt>Run</dt>
      <dd className="run-id">{run.id}</dd>
      <dt>Progress</dt>
      <dd>
        {run.progress.completedNodes} of {run.progress.totalNodes} nodes ({Math.round(run.progress.percent)} %)
      </dd>
      <dt>Current node</dt>
      <dd>{run.currentNode ?? '—'}</dd>
      {run.waitingFor && (
        <>
          <dt>Waiting for</dt>
          <dd>
            {run.waitingFor.join(', ')}
            {run.waitingUntil ? ` until ${dateTime(run.waitingUntil, zone)}` : ''}
          </dd>
        </>
      )}
      <dt>Started</dt>
      <dd>{run.startedAt ? dateTime(run.startedAt, zone) : '—'}</dd>
      <dt>Finished</dt>
      <dd>{run.finishedAt ? dateTime(run.finishedAt, zone) : '—'}</dd>
      {run.error && (
        <>
          <dt>Error</dt>
          <dd className="run-error">
            {run.error.nodeId ? `${run.error.nodeId}: ` : ''}
            {run.error.message}
          </dd>
        </>
      )}
    </dl>
  );
}

function NodeTable({ run, zone }: { run: RunDetail; zone: string }) {
  return (
    <Card title="Nodes">
      {run.nodes.length === 0 && <p className="muted">No node has started yet.</p>}
      {run.nodes.length > 0 && (
        <table className="data labelled" aria-label="Node states">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Finished</th>
              <th scope="col">Output or error</th>
            </tr>
          </thead>
          <tbody>
            {run.nodes.map((node) => (
              <tr key={node.nodeId}>
                <th scope="row">{node.nodeId}</th>
                <td data-label="State">
                  <span className={`badge node-${node.status}`}>{node.status}</span>
                </td>
                <td data-label="Attempts">{node.attempts}</td>
                <td data-label="Finished">{node.finishedAt ? dateTime(node.finishedAt, zone) : '—'}</td>
                <td>
                  <details>
                    <summary>{node.error ? 'Error' : 'Output'}</summary>
                    <JsonBlock value={node.error ?? node.output} label={`${node.error ? 'Error' : 'Output'} of ${node.nodeId}`} />
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
