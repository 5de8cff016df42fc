import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Field, fieldProblem, Loading, OkNotice } from '../../../ui/components';
import { dateTime } from '../../../ui/format';
import { type EnrollmentRow, type EnrollmentState, enrollmentStates } from './types';

/** `GET /enrollments` (newest first), filtered by status; those awaiting confirmation can be approved or declined. */
export function EnrollmentList() {
  const zone = useSchoolZone();
  const [status, setStatus] = useState<EnrollmentState | ''>('');
  const list = useQuery({
    queryKey: ['enrollments', status],
    queryFn: () => call(api.GET('/api/v1/enrollments', { params: { query: { pageSize: 50, ...(status ? { status } : {}) } } })),
  });
  const rows = list.data?.data ?? [];
  // Kept here, not in the row: an answered row changes status and may leave the filtered list.
  const [answered, setAnswered] = useState<string[]>([]);
  return (
    <Card title="Enrollments">
      {answered.map((message) => (
        <OkNotice key={message}>{message}</OkNotice>
      ))}
      <div className="field status-filter">
        <label htmlFor="enrollment-status">Status</label>
        <select id="enrollment-status" value={status} onChange={(event) => setStatus(event.target.value as EnrollmentState | '')}>
          <option value="">All</option>
          {enrollmentStates.map((state) => (
            <option key={state.value} value={state.value}>
              {state.label}
            </option>
          ))}
        </select>
      </div>
      {list.isPending && <Loading />}
      <ErrorNotice error={list.error} />
      {list.data && rows.length === 0 && <p className="muted">No enrollments{status ? ' with this status' : ''}.</p>}
      {rows.length > 0 && (
        <table className="data enrollments-table">
          <thead>
            <tr>
              <th scope="col">Student</th>
              <th scope="col">Instrument</th>
              <th scope="col">Parent</th>
              <th scope="col">Submitted</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.enrollmentId}>
                <td>
                  <strong>{row.studentName}</strong>
                </td>
                <td>{row.instrument}</td>
                <td>{row.parentEmail}</td>
                <td>{dateTime(row.createdAt, zone)}</td>
                <td>
                  <span className="badge">{row.status.replace('_', ' ')}</span>
                  {row.errors?.map((error) => (
                    <span key={error.code} className="muted">
                      {' '}
                      {error.message}
                    </span>
                  ))}
                  {row.status === 'awaiting_confirmation' && <Decide row={row} onAnswered={(message) => setAnswered((messages) => [...messages, message])} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data && list.data.total > rows.length && (
        <p className="muted">
          The {rows.length} newest of {list.data.total}.
        </p>
      )}
    </Card>
  );
}

/** Approve (`/approve`) or decline with a reason (`/decline`) an enrollment awaiting the account owner's confirmation. */
function Decide({ row, onAnswered }: { row: EnrollmentRow; onAnswered: (message: string) => void }) {
  const queries = useQueryClient();
  const [reason, setReason] = useState('');
  const path = { params: { path: { id: row.enrollmentId } } };
  const answered = (message: string) => () => {
    onAnswered(message);
    void queries.invalidateQueries({ queryKey: ['enrollments'] });
  };
  const approve = useMutation({
    mutationFn: () => call(api.POST('/api/v1/enrollments/{id}/approve', path)),
    onSuccess: answered(`Approved the enrollment of ${row.studentName}: it goes on.`),
  });
  const decline = useMutation({
    mutationFn: () => call(api.POST('/api/v1/enrollments/{id}/decline', { ...path, body: { reason } })),
    onSuccess: answered(`Declined the enrollment of ${row.studentName}.`),
  });
  if (approve.isSuccess || decline.isSuccess) return null;
  return (
    <div className="decide">
      <ErrorNotice error={approve.error ?? decline.error} />
      <button type="button" className="button" disabled={approve.isPending} onClick={() => approve.mutate()}>
        Approve {row.studentName}
      </button>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          decline.mutate();
        }}
      >
        <Field label={`Reason for declining ${row.studentName}`} name="reason" value={reason} onChange={setReason} problem={fieldProblem(decline.error, 'reason')} />
        <button type="submit" className="button danger" disabled={decline.isPending}>
          Decline
        </button>
      </form>
    </div>
  );
}
