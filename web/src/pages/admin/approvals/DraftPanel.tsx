import { ApiError } from '../../../api/client';
import { JsonBlock } from '../../../ui/json';
import { JsonDraftEditor } from './drafts/JsonDraft';
import { asPaymentIssueDraft, paymentIssueKind } from './drafts/payment-issue';
import { PaymentIssueEditor, PaymentIssueView } from './drafts/PaymentIssueDraft';
import { asProgressReportDraft, progressReportKind } from './drafts/progress-report';
import { ProgressReportBasis, ProgressReportEditor, ProgressReportView } from './drafts/ProgressReportDraft';
import { type Approval, type DraftChange, isRecord } from './types';

/** Every field problem the server named under `body.edits`, as one line (for the JSON editor). */
function editProblems(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return undefined;
  const named = (error.details as { field?: string; message?: string }[]).filter((d) => d.field?.startsWith('body.edits'));
  return named.length > 0 ? named.map((d) => `${(d.field ?? '').replace(/^body\.edits\./, '')}: ${d.message ?? 'is invalid'}`).join('; ') : undefined;
}

/**
 * The draft of an approval, by kind: a form for the kinds this page knows (payment-issue replies,
 * progress reports with the flags and figures they rest on), JSON for any other kind. Pending
 * approvals are editable (`onChange` gets the edits); decided ones show the draft with the
 * approver's edits applied. `localProblem` is the editor's own complaint (bad JSON); `error` the
 * last approve call's.
 */
export function DraftPanel(props: { approval: Approval; editable: boolean; error: unknown; localProblem: string | undefined; onChange: (change: DraftChange) => void }) {
  const { approval } = props;
  const shown = !props.editable && isRecord(approval.draft) && approval.edits ? { ...approval.draft, ...approval.edits } : approval.draft;
  const paymentIssue = approval.kind === paymentIssueKind ? asPaymentIssueDraft(shown) : null;
  if (paymentIssue) {
    return props.editable ? <PaymentIssueEditor draft={paymentIssue} error={props.error} onChange={props.onChange} /> : <PaymentIssueView draft={paymentIssue} />;
  }
  const progressReport = approval.kind === progressReportKind ? asProgressReportDraft(shown) : null;
  if (progressReport) {
    return (
      <>
        {props.editable ? <ProgressReportEditor draft={progressReport} error={props.error} onChange={props.onChange} /> : <ProgressReportView draft={progressReport} />}
        <ProgressReportBasis approvalId={approval.id} studentId={approval.studentId} shared={approval.shared} />
      </>
    );
  }
  if (props.editable) return <JsonDraftEditor draft={approval.draft} problem={props.localProblem ?? editProblems(props.error)} onChange={props.onChange} />;
  return <JsonBlock value={shown} label="Draft" />;
}
