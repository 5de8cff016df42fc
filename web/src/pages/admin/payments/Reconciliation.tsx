import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Field, fieldProblem, Loading } from '../../../ui/components';
import { money } from '../../../ui/format';

/** This month as [first day, first day of next month) in the school's zone, as YYYY-MM-DD. */
function thisMonth(zone: string): { from: string; to: string } {
  const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit' }).format(new Date()).split('-').map(Number) as [number, number];
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  const pad = (n: number) => String(n).padStart(2, '0');
  return { from: `${year}-${pad(month)}-01`, to: `${next.year}-${pad(next.month)}-01` };
}

/** The ledger against the gateway's records (`GET /payments/reconciliation`) for a period: totals and every difference. */
export function Reconciliation() {
  const zone = useSchoolZone();
  const [draft, setDraft] = useState(() => thisMonth(zone));
  const [period, setPeriod] = useState(draft);
  const report = useQuery({
    queryKey: ['reconciliation', period],
    queryFn: () => call(api.GET('/api/v1/payments/reconciliation', { params: { query: period } })),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setPeriod(draft);
  };
  const r = report.data;
  return (
    <Card title="Reconciliation">
      <form onSubmit={submit} noValidate aria-label="Reconciliation period" className="payment-filters">
        <Field label="From" name="from" type="date" value={draft.from} onChange={(from) => setDraft({ ...draft, from })} problem={fieldProblem(report.error, 'from')} />
        <Field label="Before" name="to" type="date" value={draft.to} onChange={(to) => setDraft({ ...draft, to })} hint="Not included" problem={fieldProblem(report.error, 'to')} />
        <div className="field">
          <button type="submit" className="button secondary">
            Compare
          </button>
        </div>
      </form>
      {report.isPending && <Loading />}
      <ErrorNotice error={report.error} />
      {r && (
        <>
          <dl className="pairs">
            <dt>Ledger</dt>
            <dd>
              {money(r.ledger.netCents, r.currency)} net · {r.ledger.payments} payments, {r.ledger.refunds} refunds
            </dd>
            <dt>Gateway ({r.gateway})</dt>
            <dd>
              {money(r.gatewayTotals.netCents, r.currency)} net · {r.gatewayTotals.payments} payments, {r.gatewayTotals.refunds} refunds
            </dd>
            <dt>Matched</dt>
            <dd>{r.matched}</dd>
          </dl>
          {r.differences.length === 0 ? (
            <p className="muted">No differences.</p>
          ) : (
            <ul className="list" aria-label="Differences">
              {r.differences.map((d) => (
                <li key={`${d.object}-${d.gatewayId}-${d.kind}`}>
                  <span className="badge">{d.kind.replaceAll('_', ' ')}</span> {d.object} {d.gatewayId}
                  {d.paymentId !== null && ` · payment ${d.paymentId}`}
                  <div className="muted">{d.detail}</div>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Card>
  );
}
