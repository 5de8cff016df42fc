import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { money } from '../../../ui/format';

/** The AI providers as configured (environment, read-only) and this month's use of them (`GET /ai/usage`). */
export function AiUsage() {
  const usage = useQuery({ queryKey: ['ai-usage'], queryFn: () => call(api.GET('/api/v1/ai/usage')) });
  const u = usage.data;
  return (
    <Card title="AI providers">
      {usage.isPending && <Loading />}
      <ErrorNotice error={usage.error} />
      {u && (
        <>
          <p>
            {u.configuredProviders.length === 0
              ? 'No AI provider is configured: drafts come from the rules drafter.'
              : `Tried in order: ${u.configuredProviders.map((p) => `${p.provider} (${p.model})`).join(', ')}.`}{' '}
            <span className="muted">Set in the server's environment (AI_PROVIDERS).</span>
          </p>
          <dl className="pairs">
            <dt>This month</dt>
            <dd>
              {u.totals.calls} calls, {u.totals.failed} failed, {u.totals.fallbacks} fallbacks
            </dd>
            <dt>Tokens</dt>
            <dd>
              {u.totals.inputTokens} in, {u.totals.outputTokens} out
            </dd>
            <dt>Spent</dt>
            <dd>
              {money(u.budget.spentThisMonthCents)}
              {u.budget.monthlyBudgetCents === null ? ' (no monthly cap)' : ` of ${money(u.budget.monthlyBudgetCents)}`}
              {u.budget.reached ? ' · budget reached: the rules drafter answers' : ''}
            </dd>
          </dl>
          {u.providers.length > 0 && (
            <ul className="list" aria-label="Use by provider">
              {u.providers.map((p) => (
                <li key={`${p.provider}-${p.model}`}>
                  <strong>{p.provider}</strong> {p.model} · {p.calls} calls · {money(p.costCents)}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Card>
  );
}
