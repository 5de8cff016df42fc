import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, Loading } from '../../../ui/components';
import { saveDownload } from '../../../ui/download';
import { SelectField } from '../../../ui/SelectField';
import { type ReportKind, columnTitle } from './catalogue';
import { ReportChart } from './ReportChart';
import { ReportTable } from './ReportTable';

/** The period and grouping asked for; empty dates leave the server's defaults (the year to today). */
interface Period {
  from: string;
  to: string;
  groupBy: string;
}

const queryOf = (period: Period) => ({
  ...(period.from ? { from: period.from } : {}),
  ...(period.to ? { to: period.to } : {}),
  groupBy: period.groupBy,
});

/** One report: a period picker, the chart, the same figures as a table, and the CSV of them. */
export function ReportView({ kind }: { kind: ReportKind }) {
  const [form, setForm] = useState<Period>({ from: '', to: '', groupBy: kind.groupings[0] });
  const [asked, setAsked] = useState<Period>(form);
  const set = (key: keyof Period) => (value: string) => setForm((current) => ({ ...current, [key]: value }));
  const report = useQuery({
    queryKey: ['report', kind.name, asked],
    queryFn: () => call(api.GET('/api/v1/reports/{report}', { params: { path: { report: kind.name }, query: queryOf(asked) } })),
    retry: false,
  });
  const download = useMutation({
    mutationFn: () =>
      saveDownload(
        api.GET('/api/v1/reports/{report}', { params: { path: { report: kind.name }, query: { ...queryOf(asked), format: 'csv' } }, parseAs: 'text' }),
        `${kind.name}.csv`,
      ),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAsked(form);
    download.reset();
  };
  const problem = (field: string) => fieldProblem(report.error, `querystring.${field}`);
  return (
    <>
      <h2>{kind.title}</h2>
      <p className="muted">{kind.description}</p>
      <Card>
        <form className="period-form" onSubmit={submit} noValidate aria-label={`${kind.title} period`}>
          <Field label="From" name="from" type="date" value={form.from} hint="Empty: a year before To." onChange={set('from')} problem={problem('from')} />
          <Field label="To" name="to" type="date" value={form.to} hint="Empty: today." onChange={set('to')} problem={problem('to')} />
          <SelectField
            label="Group by"
            name="groupBy"
            value={form.groupBy}
            options={kind.groupings.map((grouping) => ({ value: grouping, label: columnTitle(grouping) }))}
            onChange={set('groupBy')}
            problem={problem('groupBy')}
          />
          <div className="actions">
            <button className="button" type="submit">
              Show
            </button>
            <button className="button secondary" type="button" disabled={download.isPending || !report.data} onClick={() => download.mutate()}>
              Download CSV
            </button>
          </div>
        </form>
        <ErrorNotice error={report.error ?? download.error} />
        {download.isSuccess && (
          <p className="muted" role="status">
            Saved {download.data}
          </p>
        )}
      </Card>
      {report.isPending && <Loading />}
      {report.data && (
        <Card>
          <ReportChart kind={kind} answer={report.data} />
          <ReportTable title={kind.title} answer={report.data} />
        </Card>
      )}
    </>
  );
}
