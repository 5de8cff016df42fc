import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, Loading, OkNotice } from '../../../ui/components';
import { money } from '../../../ui/format';
import { runPageHref } from '../workflows/types';
import type { Period } from './period';

/** Runs the AI schedule review now for a period (`POST /ai/schedule-review`); `initial` is the period proposed. */
export function ScheduleReviewNow({ initial }: { initial: Period }) {
  const [period, setPeriod] = useState(initial);
  const review = useMutation({ mutationFn: () => call(api.POST('/api/v1/ai/schedule-review', { body: period })) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    review.mutate();
  };
  return (
    <Card title="Schedule review">
      <form onSubmit={submit} noValidate aria-label="Run a schedule review">
        <p className="muted">Teachers’ use of their hours, gaps, clashes and waitlist fits, with suggestions; e-mailed to the school.</p>
        <ErrorNotice error={review.error} />
        <div className="period-fields">
          <Field
            label="Review from"
            name="reviewFrom"
            type="date"
            value={period.from}
            onChange={(from) => setPeriod({ ...period, from })}
            problem={fieldProblem(review.error, 'body.from')}
          />
          <Field label="Review to" name="reviewTo" type="date" value={period.to} onChange={(to) => setPeriod({ ...period, to })} problem={fieldProblem(review.error, 'body.to')} />
        </div>
        <button className="button secondary" type="submit" disabled={review.isPending}>
          Run a schedule review now
        </button>
      </form>
      {review.data && (
        <OkNotice>
          Schedule review started. <Link href={runPageHref(review.data.runId)}>The run</Link>
        </OkNotice>
      )}
    </Card>
  );
}

/** This month's AI use per provider and model (`GET /ai/usage`): calls, tokens, cost, fallbacks; the budget. */
export function AiUsage() {
  const usage = useQuery({ queryKey: ['ai', 'usage'], queryFn: () => call(api.GET('/api/v1/ai/usage')) });
  const u = usage.data;
  return (
    <Card title="AI usage this month">
      {usage.isPending && <Loading />}
      <ErrorNotice error={usage.error} />
      {u && (
        <>
          <p className="muted">
            {u.from} to {u.to}. Providers:{' '}
            {u.configuredProviders.length === 0 ? 'none configured (the rules draft everything)' : u.configuredProviders.map((p) => `${p.provider}/${p.model}`).join(', ')}. Budget:{' '}
            {u.budget.monthlyBudgetCents === null
              ? 'none'
              : `${money(u.budget.spentThisMonthCents)} of ${money(u.budget.monthlyBudgetCents)}${u.budget.reached ? ' (reached)' : ''}`}
            .
          </p>
          {u.providers.length === 0 ? (
            <p className="muted">No AI task ran this month.</p>
          ) : (
            <table className="data usage-table" aria-label="AI usage per provider">
              <thead>
                <tr>
                  <th scope="col">Provider</th>
                  <th scope="col">Calls</th>
                  <th scope="col">Tokens in / out</th>
                  <th scope="col">Cost</th>
                  <th scope="col">Fallbacks</th>
                </tr>
              </thead>
              <tbody>
                {u.providers.map((p) => (
                  <tr key={`${p.provider}/${p.model}`}>
                    <th scope="row" data-label="Provider">
                      {p.provider === 'rules' ? 'rules (no AI)' : `${p.provider}/${p.model}`}
                    </th>
                    <td data-label="Calls">
                      {p.calls}
                      {p.failed > 0 ? ` (${p.failed} failed)` : ''}
                    </td>
                    <td data-label="Tokens in / out">
                      {p.inputTokens} / {p.outputTokens}
                    </td>
                    <td data-label="Cost">{money(p.costCents)}</td>
                    <td data-label="Fallbacks">{p.fallbacks}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" data-label="Provider">
                    Total
                  </th>
                  <td data-label="Calls">{u.totals.calls}</td>
                  <td data-label="Tokens in / out">
                    {u.totals.inputTokens} / {u.totals.outputTokens}
                  </td>
                  <td data-label="Cost">{money(u.totals.costCents)}</td>
                  <td data-label="Fallbacks">{u.totals.fallbacks}</td>
                </tr>
              </tfoot>
            </table>
          )}
        </>
      )}
    </Card>
  );
}
