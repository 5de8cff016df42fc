import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, call } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Field, fieldProblem, Loading, OkNotice } from '../../../ui/components';
import { dateTime } from '../../../ui/format';

type Periods = paths['/api/v1/privacy/retention']['get']['responses'][200]['content']['application/json'];
type DataClass = keyof Periods;

/** The data classes in the order shown, with their labels. */
const dataClasses: readonly { key: DataClass; label: string }[] = [
  { key: 'outboxBodies', label: 'E-mail and SMS bodies' },
  { key: 'notifications', label: 'In-app notifications' },
  { key: 'workflowStepOutputs', label: 'Workflow step outputs' },
  { key: 'auditRows', label: 'Audit rows' },
  { key: 'rejectedEnrollmentForms', label: 'Rejected enrollment forms' },
  { key: 'inactiveFamilies', label: 'Inactive families' },
  { key: 'aiCallLogs', label: 'AI call logs' },
];

/** Retention periods (days per data class): change them, and see what a run would purge (dry run). */
export function Retention() {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const periods = useQuery({ queryKey: ['privacy-retention'], queryFn: () => call(api.GET('/api/v1/privacy/retention')) });
  const [draft, setDraft] = useState<Record<DataClass, string> | undefined>();
  useEffect(() => {
    if (periods.data) setDraft(Object.fromEntries(dataClasses.map(({ key }) => [key, String(periods.data[key])])) as Record<DataClass, string>);
  }, [periods.data]);
  const save = useMutation({
    mutationFn: (values: Record<DataClass, string>) => {
      // Changed classes only; a field left empty or not a number goes as text, so the server names it.
      const changes = Object.fromEntries(
        dataClasses.filter(({ key }) => values[key] !== String(periods.data?.[key])).map(({ key }) => [key, /^\d+$/.test(values[key].trim()) ? Number(values[key]) : values[key]]),
      );
      return call(api.PUT('/api/v1/privacy/retention', { body: changes as Partial<Periods> }));
    },
    onSuccess: (saved) => queries.setQueryData(['privacy-retention'], saved),
  });
  const dryRun = useMutation({ mutationFn: () => call(api.POST('/api/v1/privacy/retention/run', { params: { query: { dryRun: 'true' } } })) });
  return (
    <Card title="Retention">
      {periods.isPending && <Loading />}
      <ErrorNotice error={periods.error} />
      {draft && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate(draft);
          }}
        >
          <div className="retention-fields">
            {dataClasses.map(({ key, label }) => (
              <Field
                key={key}
                label={`${label} (days)`}
                name={key}
                type="number"
                value={draft[key]}
                onChange={(value) => setDraft({ ...draft, [key]: value })}
                problem={fieldProblem(save.error, key)}
              />
            ))}
          </div>
          <ErrorNotice error={save.error} />
          {save.isSuccess && <OkNotice>Retention periods saved.</OkNotice>}
          <div className="actions">
            <button className="button" type="submit" disabled={save.isPending}>
              Save periods
            </button>
            <button className="button secondary" type="button" disabled={dryRun.isPending} onClick={() => dryRun.mutate()}>
              Dry run: what would be purged
            </button>
          </div>
        </form>
      )}
      <ErrorNotice error={dryRun.error} />
      {dryRun.data && (
        <>
          <h3 className="dry-run-title">Dry run of {dateTime(dryRun.data.ranAt, zone)}: nothing was changed</h3>
          <table className="data privacy-table" aria-label="Dry run">
            <thead>
              <tr>
                <th scope="col">Data class</th>
                <th scope="col">Older than</th>
                <th scope="col">Rows</th>
                <th scope="col">Would be</th>
              </tr>
            </thead>
            <tbody>
              {dryRun.data.classes.map((row) => (
                <tr key={row.dataClass}>
                  <td>{dataClasses.find((c) => c.key === row.dataClass)?.label ?? row.dataClass}</td>
                  <td>
                    {row.days} days ({dateTime(row.cutoff, zone)})
                  </td>
                  <td>{row.rows}</td>
                  <td>{row.action === 'counted' ? 'purged' : row.action}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Card>
  );
}
