import { useState } from 'react';
import { api, ApiError, call } from '../../../api/client';
import type { Approval } from './types';

interface Outcome {
  id: number;
  title: string;
  approved: boolean;
  message: string;
}

/**
 * Approves the chosen pending approvals as drafted, one request each, one after the other, and
 * lists each one's outcome (an approval decided meanwhile answers 409 and is reported, the others go on).
 */
export function BulkApprove({ chosen, onDone }: { chosen: readonly Approval[]; onDone: () => void }) {
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [working, setWorking] = useState(false);
  const approveAll = async () => {
    setWorking(true);
    const results: Outcome[] = [];
    for (const approval of chosen) {
      try {
        await call(api.POST('/api/v1/approvals/{id}/approve', { params: { path: { id: approval.id } }, body: {} }));
        results.push({ id: approval.id, title: approval.title, approved: true, message: 'approved' });
      } catch (error) {
        results.push({ id: approval.id, title: approval.title, approved: false, message: error instanceof ApiError ? error.message : 'could not be approved' });
      }
      setOutcomes([...results]);
    }
    setWorking(false);
    onDone();
  };
  return (
    <div className="bulk">
      <button className="button" type="button" disabled={chosen.length === 0 || working} onClick={() => void approveAll()}>
        Approve selected as drafted ({chosen.length})
      </button>
      {outcomes.length > 0 && (
        <ul className="list" aria-label="Outcomes" aria-live="polite">
          {outcomes.map((o) => (
            <li key={o.id} className={o.approved ? 'outcome-ok' : 'outcome-failed'}>
              {o.title}: {o.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
