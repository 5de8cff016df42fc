import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, call } from '../../api/client';
import { Card, ErrorNotice, fieldProblem, OkNotice } from '../../ui/components';
import type { Me } from '../types';

/** A parent asks for the family's personal data to be erased; the office approves it (refused while money is owed). */
export function Erasure({ me }: { me: Me }) {
  const id = useId();
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const request = useMutation({ mutationFn: () => call(api.POST('/api/v1/privacy/erasures', { body: { userId: me.id, reason: reason.trim() } })) });
  const problem = fieldProblem(request.error, 'reason');
  return (
    <Card title="Erase your family’s data">
      <p>
        Erasing removes your family’s names, contact details, notes and messages for good; lessons and payments stay only as anonymous records the law asks the school to keep. The
        office reviews the request first, and cannot erase a family that still owes money.
      </p>
      {request.isSuccess ? (
        <OkNotice>
          Request #{request.data.id} sent: the office will review it ({request.data.status}).
        </OkNotice>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            request.mutate();
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-reason`}>Why do you ask for erasure?</label>
            <textarea
              id={`${id}-reason`}
              name="reason"
              rows={3}
              value={reason}
              maxLength={1000}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `${id}-problem` : undefined}
              onChange={(event) => setReason(event.target.value)}
            />
            {problem && (
              <span className="problem" id={`${id}-problem`}>
                {problem}
              </span>
            )}
          </div>
          <label className="choice">
            <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.target.checked)} /> I understand that my family’s data will be erased and cannot be
            brought back
          </label>
          <ErrorNotice error={request.error} />
          <button className="button danger" type="submit" disabled={!confirmed || request.isPending}>
            Ask to erase my family’s data
          </button>
        </form>
      )}
    </Card>
  );
}
