import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import { ErrorNotice } from '../../../ui/components';

/** One approval to approve, and how the outcome names it. */
export interface BulkChoice {
  id: number;
  title: string;
}

/** The outcome of one approval of a bulk approval: `approved`, or the server's reason it was not (conflict, not found). */
const outcomeText = (outcome: { status: string | null; error: { message: string } | null }): string => (outcome.error ? outcome.error.message : 'approved');

/**
 * Approves the chosen pending approvals as drafted in one request (`POST /approvals/approve {ids}`)
 * and lists each one's outcome: an approval decided meanwhile is reported, the others go on.
 * `label` is the button's text before the count (default "Approve selected as drafted").
 */
export function BulkApprove({ chosen, onDone, label = 'Approve selected as drafted' }: { chosen: readonly BulkChoice[]; onDone: () => void; label?: string }) {
  const approve = useMutation({
    mutationFn: (ids: number[]) => call(api.POST('/api/v1/approvals/approve', { body: { ids } })),
    onSuccess: onDone,
  });
  // The titles of the last request's approvals, kept once the chosen ones are cleared.
  const [titles, setTitles] = useState<ReadonlyMap<number, string>>(new Map());
  const approveChosen = () => {
    setTitles(new Map(chosen.map((c) => [c.id, c.title])));
    approve.mutate(chosen.map((c) => c.id));
  };
  return (
    <div className="bulk">
      <button className="button" type="button" disabled={chosen.length === 0 || approve.isPending} onClick={approveChosen}>
        {label} ({chosen.length})
      </button>
      <ErrorNotice error={approve.error} />
      {approve.data && (
        <ul className="list" aria-label="Outcomes" aria-live="polite">
          {approve.data.data.map((o) => (
            <li key={o.id} className={o.error ? 'outcome-failed' : 'outcome-ok'}>
              {titles.get(o.id) ?? `#${o.id}`}: {outcomeText(o)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
