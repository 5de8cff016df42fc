import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { api, call } from '../../../../api/client';
import { ErrorNotice, Field, fieldProblem } from '../../../../ui/components';
import { TextAreaField } from '../../../../ui/fields';
import { changedFields, type DraftChange } from '../types';
import { type ProgressReportDraft, sharedFigures } from './progress-report';

/** A progress report as it will be mailed: subject and message. */
export function ProgressReportView({ draft }: { draft: ProgressReportDraft }) {
  return (
    <dl className="pairs draft-pairs">
      <dt>Subject</dt>
      <dd>{draft.subject}</dd>
      <dt>Message to the parent</dt>
      <dd>
        <p className="message-body">{draft.message}</p>
      </dd>
    </dl>
  );
}

/** Edits a progress report's subject and message; `error` is the last approve call's (`edits.subject`, `edits.message` are shown on their field). */
export function ProgressReportEditor({ draft, error, onChange }: { draft: ProgressReportDraft; error: unknown; onChange: (change: DraftChange) => void }) {
  const [edited, setEdited] = useState(draft);
  const set = (field: keyof ProgressReportDraft) => (value: string) => {
    const next = { ...edited, [field]: value };
    setEdited(next);
    onChange({ edits: changedFields({ ...draft }, { ...next }) });
  };
  return (
    <div className="draft-editor">
      <Field label="Subject" name="subject" value={edited.subject} onChange={set('subject')} problem={fieldProblem(error, 'edits.subject')} />
      <TextAreaField label="Message to the parent" name="message" rows={14} value={edited.message} onChange={set('message')} problem={fieldProblem(error, 'edits.message')} />
    </div>
  );
}

/**
 * What a progress report rests on: the office's flags with their reasons (from the report this
 * approval decides; never shown to the family) and the figures the drafter was given.
 */
export function ProgressReportBasis({ approvalId, studentId, shared }: { approvalId: number; studentId: number | null; shared: unknown }) {
  const reports = useQuery({
    queryKey: ['progress-reports', 'of-student', studentId],
    queryFn: () => call(api.GET('/api/v1/reports/progress-reports', { params: { query: { pageSize: 100, ...(studentId === null ? {} : { studentId }) } } })),
    enabled: studentId !== null,
  });
  const report = reports.data?.data.find((r) => r.approvalId === approvalId);
  const figures = sharedFigures(shared);
  return (
    <div className="report-basis">
      <h3>Flags</h3>
      <ErrorNotice error={reports.error} />
      {report && report.flags.length === 0 && <p className="muted">None: nothing needs the office’s attention.</p>}
      {report && report.flags.length > 0 && (
        <ul className="flags" aria-label="Flags">
          {report.flags.map((flag) => (
            <li key={flag.code}>
              <span className="badge flag">{flag.code.replaceAll('_', ' ')}</span> {flag.reason}
            </li>
          ))}
        </ul>
      )}
      <h3>Figures</h3>
      {figures.length === 0 ? (
        <p className="muted">No figures were shared.</p>
      ) : (
        <dl className="pairs" aria-label="Figures">
          {figures.map((f) => (
            <Fragment key={f.label}>
              <dt>{f.label}</dt>
              <dd>{f.value}</dd>
            </Fragment>
          ))}
        </dl>
      )}
    </div>
  );
}
