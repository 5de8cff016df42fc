import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useParams } from 'wouter';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading, OkNotice } from '../../../ui/components';
import { saveDownload } from '../../../ui/download';
import { dateTime, day, money } from '../../../ui/format';
import { Adjustments, MarkPaid } from './RunForms';
import { RunLines, TeacherTotals } from './RunTables';
import type { RunDetail } from './types';

/** `/payroll/<id>`: one run; a draft can be recalculated, adjusted, deleted or approved, an approved run marked paid. */
export function RunPage() {
  const id = Number(useParams<{ id: string }>().id);
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const [, navigate] = useLocation();
  const key = ['payroll', 'run', id];
  const run = useQuery({ queryKey: key, queryFn: () => call(api.GET('/api/v1/payroll/runs/{id}', { params: { path: { id } } })) });
  const changed = (updated: RunDetail) => {
    queries.setQueryData(key, updated);
    void queries.invalidateQueries({ queryKey: ['payroll', 'runs'] });
  };
  const path = { params: { path: { id } } };
  const approve = useMutation({ mutationFn: () => call(api.POST('/api/v1/payroll/runs/{id}/approve', path)), onSuccess: changed });
  const recalculate = useMutation({ mutationFn: () => call(api.POST('/api/v1/payroll/runs/{id}/recalculate', path)), onSuccess: changed });
  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/v1/payroll/runs/{id}', path)),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['payroll', 'runs'] });
      navigate('/');
    },
  });
  const download = useMutation({
    mutationFn: () => saveDownload(api.GET('/api/v1/payroll/runs/{id}', { params: { path: { id }, query: { format: 'csv' } }, parseAs: 'text' }), `payroll-run-${id}.csv`),
  });
  const data = run.data;
  const busy = approve.isPending || recalculate.isPending || remove.isPending;
  return (
    <>
      <p>
        <Link href="/">All payroll runs</Link>
      </p>
      <h1>Payroll run {data ? `${data.from} to ${data.to}` : id}</h1>
      {run.isPending && <Loading />}
      <ErrorNotice error={run.error ?? approve.error ?? recalculate.error ?? remove.error ?? download.error} />
      {download.isSuccess && <OkNotice>Saved {download.data}</OkNotice>}
      {data && (
        <>
          <Card>
            <dl className="pairs">
              <dt>Status</dt>
              <dd>
                <span className="badge">{data.status}</span>
              </dd>
              <dt>Total</dt>
              <dd>{money(data.totalCents)}</dd>
              <dt>Calculated</dt>
              <dd>{dateTime(data.calculatedAt, zone)}</dd>
              {data.approvedAt && (
                <>
                  <dt>Approved</dt>
                  <dd>{dateTime(data.approvedAt, zone)}</dd>
                </>
              )}
              {data.paidOn && (
                <>
                  <dt>Paid on</dt>
                  <dd>
                    {day(data.paidOn, zone)}
                    {data.reference ? ` (${data.reference})` : ''}
                  </dd>
                </>
              )}
            </dl>
            {data.unrecordedLessonIds.length > 0 && (
              <p className="muted">{data.unrecordedLessonIds.length} lessons of the period have no attendance recorded and are not paid; record it, then recalculate.</p>
            )}
            <div className="actions">
              {data.status === 'draft' && (
                <>
                  <button className="button" type="button" disabled={busy} onClick={() => approve.mutate()}>
                    Approve
                  </button>
                  <button className="button secondary" type="button" disabled={busy} onClick={() => recalculate.mutate()}>
                    Recalculate
                  </button>
                  <button className="button danger" type="button" disabled={busy} onClick={() => remove.mutate()}>
                    Delete draft
                  </button>
                </>
              )}
              <button className="button secondary" type="button" disabled={download.isPending} onClick={() => download.mutate()}>
                Download CSV
              </button>
            </div>
          </Card>
          {data.status === 'approved' && <MarkPaid run={data} onChanged={changed} />}
          <TeacherTotals run={data} />
          <RunLines run={data} zone={zone} />
          <Adjustments run={data} zone={zone} onChanged={changed} />
        </>
      )}
    </>
  );
}
