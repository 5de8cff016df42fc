import { useState } from 'react';
import { fieldProblem } from '../../../../ui/components';
import { SelectField, TextAreaField } from '../../../../ui/fields';
import { changedFields, type DraftChange } from '../types';
import { issueCategories, type PaymentIssueDraft, resolutionLabels } from './payment-issue';

type Resolution = PaymentIssueDraft['resolutions'][number];

/** A payment-issue draft as it reads: summary, the reply to the family and the resolutions. */
export function PaymentIssueView({ draft }: { draft: PaymentIssueDraft }) {
  return (
    <dl className="pairs draft-pairs">
      <dt>Category</dt>
      <dd>{draft.category}</dd>
      <dt>Summary</dt>
      <dd>{draft.summary}</dd>
      <dt>Reply to the family</dt>
      <dd>
        <p className="message-body">{draft.reply}</p>
      </dd>
      <dt>Resolutions</dt>
      <dd>
        {draft.resolutions.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <ul aria-label="Proposed resolutions">
            {draft.resolutions.map((r, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: resolutions have no id; their order is fixed
              <li key={index}>{describe(r)}</li>
            ))}
          </ul>
        )}
      </dd>
    </dl>
  );
}

const describe = (r: Resolution): string => [resolutionLabels[r.kind] ?? r.kind, r.date ? `on ${r.date}` : '', r.note ? `(${r.note})` : ''].filter(Boolean).join(' ');

/**
 * Edits a payment-issue draft: the category, summary and reply, and which proposed resolutions to
 * keep (a retry's date can be moved). Reports the changed top-level fields; `error` is the last
 * approve call's, whose field problems (`edits.reply`, `edits.resolutions.0.date` …) are shown here.
 */
export function PaymentIssueEditor({ draft, error, onChange }: { draft: PaymentIssueDraft; error: unknown; onChange: (change: DraftChange) => void }) {
  const [edited, setEdited] = useState(draft);
  const [kept, setKept] = useState(() => draft.resolutions.map(() => true));

  const report = (next: PaymentIssueDraft, nextKept: boolean[]) => {
    setEdited(next);
    setKept(nextKept);
    const resolutions = next.resolutions.filter((_, index) => nextKept[index]);
    onChange({ edits: changedFields({ ...draft }, { ...next, resolutions }) });
  };
  const set = (field: 'category' | 'summary' | 'reply') => (value: string) => report({ ...edited, [field]: value }, kept);
  const setDate = (index: number, date: string) => report({ ...edited, resolutions: edited.resolutions.map((r, i) => (i === index ? { ...r, date: date || null } : r)) }, kept);
  const toggle = (index: number) =>
    report(
      edited,
      kept.map((k, i) => (i === index ? !k : k)),
    );
  // The server names fields of the edited draft, whose resolutions are the kept ones, renumbered.
  const keptIndex = (index: number) => kept.slice(0, index).filter(Boolean).length;

  return (
    <div className="draft-editor">
      <SelectField
        label="Category"
        name="category"
        value={edited.category}
        options={issueCategories.map((c) => [c, c] as const)}
        onChange={set('category')}
        problem={fieldProblem(error, 'edits.category')}
      />
      <TextAreaField label="Summary for the office" name="summary" rows={3} value={edited.summary} onChange={set('summary')} problem={fieldProblem(error, 'edits.summary')} />
      <TextAreaField label="Reply to the family" name="reply" rows={8} value={edited.reply} onChange={set('reply')} problem={fieldProblem(error, 'edits.reply')} />
      <fieldset className="field">
        <legend>Resolutions to apply</legend>
        {edited.resolutions.length === 0 && <span className="muted">The draft proposes none.</span>}
        {edited.resolutions.map((r, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: resolutions have no id; their order is fixed
          <div key={index} className="resolution">
            <label className="choice">
              <input type="checkbox" checked={kept[index] ?? false} onChange={() => toggle(index)} /> {resolutionLabels[r.kind] ?? r.kind}
              {r.note ? <span className="muted"> ({r.note})</span> : null}
            </label>
            {r.kind === 'retry_on_date' && kept[index] && (
              <div className="field">
                <label htmlFor={`retry-date-${index}`}>Charge again on</label>
                <input
                  id={`retry-date-${index}`}
                  type="date"
                  value={r.date ?? ''}
                  onChange={(event) => setDate(index, event.target.value)}
                  aria-invalid={fieldProblem(error, `edits.resolutions.${keptIndex(index)}.date`) ? true : undefined}
                />
                {fieldProblem(error, `edits.resolutions.${keptIndex(index)}.date`) && (
                  <span className="problem">{fieldProblem(error, `edits.resolutions.${keptIndex(index)}.date`)}</span>
                )}
              </div>
            )}
          </div>
        ))}
      </fieldset>
    </div>
  );
}
