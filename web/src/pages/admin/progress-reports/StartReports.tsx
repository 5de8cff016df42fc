import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { runPageHref } from '../workflows/types';
import type { Period } from './period';

/**
 * Starts progress reports for a period (`POST /ai/progress-reports`): every active student with a
 * lesson in it, or the chosen ones. `initial` is the period proposed (last month);
 * `onStarted` gets the period asked for, so the list below shows it.
 */
export function StartReports({ initial, onStarted }: { initial: Period; onStarted: (period: Period) => void }) {
  const [period, setPeriod] = useState(initial);
  const [everyone, setEveryone] = useState(true);
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const students = useQuery({
    queryKey: ['students', 'active-for-reports'],
    queryFn: () => call(api.GET('/api/v1/students', { params: { query: { pageSize: 100, active: 'true', sort: 'firstName' } } })),
    enabled: !everyone,
  });
  const start = useMutation({
    mutationFn: () => call(api.POST('/api/v1/ai/progress-reports', { body: everyone ? { all: true, period } : { studentIds: [...chosen], period } })),
    onSuccess: () => onStarted(period),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    start.mutate();
  };
  const toggle = (id: number) =>
    setChosen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <Card title="Start progress reports">
      <form onSubmit={submit} noValidate aria-label="Start progress reports">
        <ErrorNotice error={start.error} />
        <div className="period-fields">
          <Field label="From" name="from" type="date" value={period.from} onChange={(from) => setPeriod({ ...period, from })} problem={fieldProblem(start.error, 'period.from')} />
          <Field label="To" name="to" type="date" value={period.to} onChange={(to) => setPeriod({ ...period, to })} problem={fieldProblem(start.error, 'period.to')} />
        </div>
        <fieldset className="field">
          <legend>Students</legend>
          <label className="choice">
            <input type="radio" name="who" checked={everyone} onChange={() => setEveryone(true)} /> All students with a lesson in the period
          </label>
          <label className="choice">
            <input type="radio" name="who" checked={!everyone} onChange={() => setEveryone(false)} /> Chosen students
          </label>
          {!everyone && (
            <div className="student-choices">
              <ErrorNotice error={students.error} />
              {students.data?.data.map((s) => (
                <label key={s.id} className="choice">
                  <input type="checkbox" checked={chosen.has(s.id)} onChange={() => toggle(s.id)} /> {s.firstName} {s.lastName}
                </label>
              ))}
              {fieldProblem(start.error, 'studentIds') && <span className="problem">{fieldProblem(start.error, 'studentIds')}</span>}
            </div>
          )}
        </fieldset>
        <button className="button" type="submit" disabled={start.isPending}>
          Start reports
        </button>
      </form>
      {start.data && (
        <OkNotice>
          Reports started: the drafts appear below as they are written. <Link href={runPageHref(start.data.runId)}>The run</Link>
        </OkNotice>
      )}
    </Card>
  );
}
