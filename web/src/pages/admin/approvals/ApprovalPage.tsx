import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, fieldProblem, Loading, OkNotice } from '../../../ui/components';
import { TextAreaField } from '../../../ui/fields';
import { dateTime } from '../../../ui/format';
import { JsonBlock } from '../../../ui/json';
import { finalRunStatuses, runPageHref } from '../workflows/types';
import { DraftPanel } from './DraftPanel';
import type { Approval, DraftChange } from './types';

/** How often the waiting run's state is read again while it is going, in ms. */
const REFRESH_MS = 2000;

/** `/approvals/:id`: the draft (editable while pending), its inputs as sent, its source and run; approve or reject. */
export function ApprovalPage({ id }: { id: number }) {
  const approval = useQuery({ queryKey: ['approvals', id], queryFn: () => call(api.GET('/api/v1/approvals/{id}', { params: { path: { id } } })) });
  if (approval.isPending) return <Loading />;
  if (approval.error) {
    return (
      <>
        <h1>Approval</h1>
        <ErrorNotice error={approval.error} />
        <Link href="/">Back to the inbox</Link>
      </>
    );
  }
  return <ApprovalDetail approval={approval.data} />;
}

function ApprovalDetail({ approval }: { approval: Approval }) {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const [change, setChange] = useState<DraftChange>({ edits: {} });
  const [reason, setReason] = useState('');
  const pending = approval.status === 'pending';
  const decided = (answer: Approval) => {
    queries.setQueryData(['approvals', approval.id], answer);
    void queries.invalidateQueries({ queryKey: ['approvals', 'list'] });
    void queries.invalidateQueries({ queryKey: ['workflows'] });
  };
  const approve = useMutation({
    mutationFn: (edits: Record<string, unknown>) => call(api.POST('/api/v1/approvals/{id}/approve', { params: { path: { id: approval.id } }, body: { edits } })),
    onSuccess: decided,
  });
  const reject = useMutation({
    mutationFn: () => call(api.POST('/api/v1/approvals/{id}/reject', { params: { path: { id: approval.id } }, body: { reason } })),
    onSuccess: decided,
  });
  const localProblem = 'problem' in change ? change.problem : undefined;
  const submitApproval = (event: FormEvent) => {
    event.preventDefault();
    if ('edits' in change) approve.mutate(change.edits);
  };
  const submitRejection = (event: FormEvent) => {
    event.preventDefault();
    reject.mutate();
  };
  const editCount = 'edits' in change ? Object.keys(change.edits).length : 0;

  return (
    <>
      <h1>{approval.title}</h1>
      <p>
        <Link href="/">Back to the inbox</Link>
      </p>
      {approval.status === 'approved' && <OkNotice>Approved{approval.decidedAt ? ` ${dateTime(approval.decidedAt, zone)}` : ''}. The run goes on.</OkNotice>}
      {approval.status === 'rejected' && <OkNotice>Rejected: {approval.reason}</OkNotice>}
      {approval.status === 'expired' && <p className="notice error">Expired without a decision; a follow-up task was created.</p>}
      <div className="grid">
        <Card title="Draft">
          <form onSubmit={submitApproval} noValidate>
            <ErrorNotice error={approve.error} />
            <DraftPanel approval={approval} editable={pending} error={approve.error} localProblem={localProblem} onChange={setChange} />
            {pending && (
              <button className="button" type="submit" disabled={approve.isPending || localProblem !== undefined}>
                {editCount > 0 ? 'Approve with my edits' : 'Approve as drafted'}
              </button>
            )}
          </form>
          {!pending && approval.edits && (
            <details>
              <summary>The approver’s edits</summary>
              <JsonBlock value={approval.edits} label="The approver’s edits" />
            </details>
          )}
        </Card>
        <Card title="Source and run">
          <dl className="pairs">
            <dt>Kind</dt>
            <dd>{approval.kind}</dd>
            <dt>Status</dt>
            <dd>
              <span className={`badge approval-${approval.status}`}>{approval.status}</span>
            </dd>
            <dt>Drafted by</dt>
            <dd>{approval.source === 'rules' ? 'rules (no AI)' : approval.source}</dd>
            <dt>Created</dt>
            <dd>{dateTime(approval.createdAt, zone)}</dd>
            {pending && (
              <>
                <dt>Expires</dt>
                <dd>{dateTime(approval.expiresAt, zone)}</dd>
              </>
            )}
            <dt>Run</dt>
            <dd>
              <RunState runId={approval.runId} />
            </dd>
            {approval.parentId !== null && (
              <>
                <dt>Parent</dt>
                <dd>#{approval.parentId}</dd>
              </>
            )}
            {approval.paymentId !== null && (
              <>
                <dt>Payment</dt>
                <dd>#{approval.paymentId}</dd>
              </>
            )}
          </dl>
          {pending && (
            <form onSubmit={submitRejection} noValidate aria-label="Reject">
              <ErrorNotice error={reject.error} />
              <TextAreaField label="Reason for rejecting" name="reason" rows={3} value={reason} onChange={setReason} problem={fieldProblem(reject.error, 'reason')} />
              <button className="button danger" type="submit" disabled={reject.isPending}>
                Reject
              </button>
            </form>
          )}
        </Card>
      </div>
      <Card title="Inputs as sent">
        <p className="muted">What the drafter saw, exactly as it was sent (private details removed).</p>
        <JsonBlock value={approval.shared} label="Inputs as sent" />
      </Card>
    </>
  );
}

/** The waiting run's status, read again while it is going; links to its page. */
function RunState({ runId }: { runId: string }) {
  const run = useQuery({
    queryKey: ['workflows', 'run', runId],
    queryFn: () => call(api.GET('/api/v1/workflows/runs/{id}', { params: { path: { id: runId } } })),
    refetchInterval: (query) => (query.state.data && finalRunStatuses.has(query.state.data.status) ? false : REFRESH_MS),
  });
  return (
    <>
      <Link href={runPageHref(runId)}>{run.data ? `${run.data.workflow} run` : 'The run'}</Link>{' '}
      {run.data && <span className={`badge run-${run.data.status}`}>{run.data.status}</span>}
      <ErrorNotice error={run.error} />
    </>
  );
}
