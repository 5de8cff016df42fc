import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Field, Loading } from '../../../ui/components';
import { SelectField } from '../../../ui/fields';
import { dateTime } from '../../../ui/format';
import { BulkApprove } from './BulkApprove';
import { type ApprovalStatus, approvalStatuses } from './types';

const statusOptions = [...approvalStatuses.map((s) => [s, s] as const), ['', 'any status'] as const];

/** The approvals, pending first by default, filtered by status and kind; pending ones can be approved together. */
export function Inbox() {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const [status, setStatus] = useState<ApprovalStatus | ''>('pending');
  const [kindText, setKindText] = useState('');
  const [kind, setKind] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const list = useQuery({
    queryKey: ['approvals', 'list', status, kind],
    queryFn: () => call(api.GET('/api/v1/approvals', { params: { query: { pageSize: 100, ...(status ? { status } : {}), ...(kind ? { kind } : {}) } } })),
  });
  const applyKind = (event: FormEvent) => {
    event.preventDefault();
    setKind(kindText.trim());
  };
  const toggle = (id: number) =>
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const rows = list.data?.data ?? [];
  const chosen = rows.filter((row) => row.status === 'pending' && selected.has(row.id));

  return (
    <Card title="Inbox">
      <form className="filters" onSubmit={applyKind} aria-label="Filter approvals">
        <SelectField label="Status" name="status" value={status} options={statusOptions} onChange={(value) => setStatus(value as ApprovalStatus | '')} />
        <Field label="Kind" name="kind" value={kindText} onChange={setKindText} hint="e.g. payment_issue.reply; empty for every kind" />
        <div className="filter-apply">
          <button className="button secondary" type="submit">
            Filter
          </button>
        </div>
      </form>
      {list.isPending && <Loading />}
      <ErrorNotice error={list.error} />
      {list.data && rows.length === 0 && <p className="muted">Nothing here{status === 'pending' ? ': no draft waits for a decision' : ''}.</p>}
      {rows.length > 0 && (
        <ul className="list approval-list" aria-label="Approvals">
          {rows.map((row) => (
            <li key={row.id}>
              {row.status === 'pending' && <input type="checkbox" aria-label={`Select ${row.title}`} checked={selected.has(row.id)} onChange={() => toggle(row.id)} />}
              <div>
                <Link href={`/${row.id}`}>{row.title}</Link>
                <div className="muted">
                  <span className="badge">{row.kind}</span> <span className={`badge approval-${row.status}`}>{row.status}</span> {row.source === 'rules' ? 'rules' : row.source} ·{' '}
                  {dateTime(row.createdAt, zone)}
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
      <BulkApprove
        chosen={chosen}
        onDone={() => {
          setSelected(new Set());
          void queries.invalidateQueries({ queryKey: ['approvals'] });
        }}
      />
    </Card>
  );
}
