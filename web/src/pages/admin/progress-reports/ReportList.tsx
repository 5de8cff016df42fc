import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { Card, ErrorNotice, Field, Loading } from '../../../ui/components';
import { SelectField } from '../../../ui/fields';
import { BulkApprove } from '../approvals/BulkApprove';
import { approvalPageHref } from '../approvals/types';
import type { Period } from './period';

type Report = paths['/api/v1/reports/progress-reports']['get']['responses'][200]['content']['application/json']['data'][number];
type ReportStatus = Report['status'];

/** How each status reads: a report waiting for its approval is a draft. */
const statusLabels: Record<ReportStatus, string> = { pending: 'drafted', approved: 'approved', sent: 'sent', rejected: 'rejected', expired: 'expired' };
const statusOptions = [{ value: '', label: 'any status' }, ...Object.entries(statusLabels).map(([value, label]) => ({ value, label }))];

/** How often the list is read again after reports were started here (their drafts come in one by one), in ms. */
const REFRESH_MS = 3000;

/** Students needing attention first; otherwise the server's order (newest period first). */
const flaggedFirst = (reports: readonly Report[]): Report[] => [...reports.filter((r) => r.flags.length > 0), ...reports.filter((r) => r.flags.length === 0)];

const reportTitle = (r: Report): string => `${r.studentName}, ${r.from} to ${r.to}`;

/**
 * The progress reports of a period (`GET /reports/progress-reports`): status, flags with their
 * reasons, the draft (or the text sent) and a link to the approval; drafted ones can be approved
 * together (`POST /approvals/approve`). `watching` makes the list read itself again every few
 * seconds (after reports were started).
 */
export function ReportList({ period, onPeriod, watching }: { period: Period; onPeriod: (period: Period) => void; watching: boolean }) {
  const queries = useQueryClient();
  const [status, setStatus] = useState<ReportStatus | ''>('');
  const [flaggedOnly, setFlaggedOnly] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const list = useQuery({
    queryKey: ['progress-reports', 'list', period, status, flaggedOnly],
    queryFn: () =>
      call(
        api.GET('/api/v1/reports/progress-reports', {
          params: { query: { pageSize: 100, from: period.from, to: period.to, ...(status ? { status } : {}), ...(flaggedOnly ? { flagged: 'true' as const } : {}) } },
        }),
      ),
    refetchInterval: watching ? REFRESH_MS : false,
  });
  const reports = flaggedFirst(list.data?.data ?? []);
  const toggle = (approvalId: number) =>
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(approvalId)) next.add(approvalId);
      return next;
    });
  const chosen = reports
    .filter((r) => r.status === 'pending' && r.approvalId !== null && selected.has(r.approvalId))
    .map((r) => ({ id: r.approvalId as number, title: reportTitle(r) }));

  return (
    <Card title="Reports">
      <form className="filters" aria-label="Filter reports" onSubmit={(event) => event.preventDefault()}>
        <Field label="Period from" name="listFrom" type="date" value={period.from} onChange={(from) => onPeriod({ ...period, from })} />
        <Field label="Period to" name="listTo" type="date" value={period.to} onChange={(to) => onPeriod({ ...period, to })} />
        <SelectField label="Status" name="status" value={status} options={statusOptions} onChange={(value) => setStatus(value as ReportStatus | '')} />
        <label className="choice filter-apply">
          <input type="checkbox" checked={flaggedOnly} onChange={(event) => setFlaggedOnly(event.target.checked)} /> Needing attention only
        </label>
      </form>
      {list.isPending && <Loading />}
      <ErrorNotice error={list.error} />
      {list.data && reports.length === 0 && <p className="muted">No report for this period{watching ? ' yet: the drafts are being written' : ''}.</p>}
      {reports.length > 0 && (
        <ul className="list report-list" aria-label="Progress reports">
          {reports.map((r) => (
            <li key={r.id} aria-label={reportTitle(r)}>
              {r.status === 'pending' && r.approvalId !== null && (
                <input type="checkbox" aria-label={`Select ${reportTitle(r)}`} checked={selected.has(r.approvalId)} onChange={() => toggle(r.approvalId as number)} />
              )}
              <div>
                <strong>{r.studentName}</strong> <span className="muted">{`${r.from} to ${r.to}`}</span>{' '}
                <span className={`badge report-${r.status}`}>{statusLabels[r.status]}</span> <span className="muted">{r.source === 'rules' ? 'rules (no AI)' : r.source}</span>
                {r.flags.length > 0 && (
                  <ul className="report-flags" aria-label={`Flags of ${r.studentName}`}>
                    {r.flags.map((flag) => (
                      <li key={flag.code}>
                        <span className="badge report-flag">{flag.code.replaceAll('_', ' ')}</span> {flag.reason}
                      </li>
                    ))}
                  </ul>
                )}
                <details>
                  <summary>{r.sentText ? 'The text sent' : 'The draft'}</summary>
                  <p>
                    <strong>{r.draft.subject}</strong>
                  </p>
                  <p className="message-body">{r.sentText ?? r.draft.message}</p>
                </details>
                {r.approvalId !== null && (
                  <Link href={approvalPageHref(r.approvalId)} aria-label={`${r.status === 'pending' ? 'Edit and approve' : 'Its approval'}: ${reportTitle(r)}`}>
                    {r.status === 'pending' ? 'Edit and approve' : 'Its approval'}
                  </Link>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      <BulkApprove
        chosen={chosen}
        label="Approve selected reports"
        onDone={() => {
          setSelected(new Set());
          void queries.invalidateQueries({ queryKey: ['progress-reports'] });
          void queries.invalidateQueries({ queryKey: ['approvals'] });
        }}
      />
    </Card>
  );
}
