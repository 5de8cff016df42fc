import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AiRunner } from '../../src/ai/index.js';
import { asCaller } from '../../src/modules/auth/scoped.js';
import { createUser, testConfig } from '../helpers/app.js';
import { startAiStandIn, type AiStandIn } from '../helpers/ai-stand-in.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { goodAnswer, registryWithProbe, triageCase, triageTask, type TriageInput } from './fixture.js';

/**
 * The monthly budget, Anthropic's forced-tool structured output (older models), and a local model
 * behind the OpenAI-compatible provider (Chat Completions, free, still asked once the budget is spent).
 */
describe('AI budget and the compatible provider', () => {
  let anthropic: AiStandIn;
  let local: AiStandIn;
  let stack: TestStack;
  let admin: { authorization: string };
  let parentId: number;

  beforeAll(async () => {
    anthropic = await startAiStandIn();
    local = await startAiStandIn();
    stack = await createTestStack({
      env: {
        AI_PROVIDERS: 'anthropic,compatible',
        ANTHROPIC_API_KEY: 'sk-ant-test-key',
        ANTHROPIC_BASE_URL: anthropic.url,
        ANTHROPIC_MODEL: 'claude-3-5-haiku-20241022',
        AI_COMPATIBLE_BASE_URL: local.url,
        AI_COMPATIBLE_MODEL: 'llama-3.2-3b-instruct',
        AI_MONTHLY_BUDGET_CENTS: '1',
        AI_TIMEOUT_MS: '5000',
      },
      registry: registryWithProbe,
      ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    });
    admin = (await createUser(stack.database.db, 'admin')).headers;
    parentId = (await createUser(stack.database.db, 'parent')).id;
  });
  afterAll(async () => {
    await stack?.close();
    await anthropic?.close();
    await local?.close();
  });
  beforeEach(() => {
    anthropic.requests.length = 0;
    local.requests.length = 0;
  });

  async function runProbe(input: TriageInput) {
    const started = await stack.app.inject({ method: 'POST', url: '/api/v1/workflows/ai_probe/runs', headers: admin, payload: { event: { input } } });
    expect(started.statusCode).toBe(202);
    const { runId } = started.json() as { runId: string };
    await stack.engine.waitFor(runId, 20_000);
    const run = (await stack.app.inject({ method: 'GET', url: `/api/v1/workflows/runs/${runId}`, headers: admin })).json();
    expect(run.status).toBe('succeeded');
    return run.nodes.find((n: { nodeId: string }) => n.nodeId === 'triage').output as { source: string; rulesReason: string | null; output: unknown };
  }

  it('answers through the forced json tool, then skips the paid provider once the month’s budget is spent', async () => {
    // claude-3-5-haiku: 80 and 400 cents per million tokens → 1000 × 80 + 5000 × 400 = 2,080,000 microcents (2.08 cents > 1).
    anthropic.plan({ kind: 'json', value: goodAnswer, inputTokens: 1000, outputTokens: 5000 });
    const first = await runProbe(triageCase(parentId));
    expect(first).toMatchObject({ source: 'ai:anthropic/claude-3-5-haiku-20241022', output: goodAnswer });
    // This older model has no native structured output: the SDK forces its one tool, `json`.
    const body = anthropic.requests[0]?.body as { tools: Array<{ name: string }>; tool_choice: { type: string }; output_config?: unknown };
    expect(body.tools.map((t) => t.name)).toEqual(['json']);
    expect(body.tool_choice.type).toBe('any');
    expect(body.output_config).toBeUndefined();

    local.plan({ kind: 'json', value: goodAnswer, inputTokens: 900, outputTokens: 300 });
    const second = await runProbe(triageCase(parentId));
    expect(second.source).toBe('ai:compatible/llama-3.2-3b-instruct');
    expect(anthropic.requests).toHaveLength(1);
    expect(local.requests).toHaveLength(1);
    expect(local.requests[0]?.path).toBe('/v1/chat/completions');
    expect((local.requests[0]!.body.response_format as { type: string }).type).toBe('json_schema');

    local.plan({ kind: 'status', status: 500 });
    const third = await runProbe(triageCase(parentId));
    expect(third).toMatchObject({ source: 'rules', rulesReason: 'budget' });
    expect(anthropic.requests).toHaveLength(1);

    const [rows] = await stack.database.db.sql.query<{ local_cost: number; rules_fallbacks: number }>(
      `SELECT (sum(cost_microcents) FILTER (WHERE provider = 'compatible'))::int AS local_cost,
              (count(*) FILTER (WHERE provider = 'rules' AND fallback AND reason = 'budget'))::int AS rules_fallbacks FROM ai_calls`,
    );
    expect(rows).toEqual({ local_cost: 0, rules_fallbacks: 1 });

    const usage = (await stack.app.inject({ method: 'GET', url: '/api/v1/ai/usage', headers: admin })).json();
    expect(usage.budget).toEqual({ monthlyBudgetCents: 1, spentThisMonthMicrocents: 2_080_000, spentThisMonthCents: 3, reached: true });
    expect(usage.providers.find((l: { provider: string }) => l.provider === 'anthropic')).toMatchObject({
      calls: 1,
      inputTokens: 1000,
      outputTokens: 5000,
      costMicrocents: 2_080_000,
      costCents: 3,
    });
  });

  it('with only paid providers and the budget spent, drafts with the rules and calls nothing', async () => {
    const config = testConfig({ AI_PROVIDERS: 'anthropic', ANTHROPIC_API_KEY: 'sk-ant-test-key', ANTHROPIC_BASE_URL: anthropic.url, AI_MONTHLY_BUDGET_CENTS: '1' });
    const runner = new AiRunner(config.ai, stack.database.db.sql, async () => 'America/Halifax');
    expect(await runner.budgetSpent()).toBe(true);
    const result = await runner.run(triageTask, triageCase(parentId));
    expect(result).toMatchObject({ source: 'rules', rulesReason: 'budget' });
    expect(anthropic.requests).toHaveLength(0);
  });

  it('with no provider configured, drafts with the rules', async () => {
    const runner = new AiRunner(testConfig().ai, stack.database.db.sql, async () => 'America/Halifax');
    expect(runner.providers).toHaveLength(0);
    const result = await runner.run(triageTask, triageCase(parentId));
    expect(result).toMatchObject({ source: 'rules', rulesReason: 'no_provider', output: { category: 'card_expired' } });
    expect(anthropic.requests).toHaveLength(0);
    expect(local.requests).toHaveLength(0);
  });

  it('lets only admins read ai_calls under row-level security', async () => {
    const count = async (userId: number, role: 'admin' | 'parent' | 'teacher') => {
      const result = await asCaller(stack.database.db, { userId, role }, (tx) => tx.execute(sql`SELECT count(*)::int AS n FROM ai_calls`));
      return (result as unknown as { rows: Array<{ n: number }> }).rows[0]?.n;
    };
    const [all] = await stack.database.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM ai_calls');
    expect(all?.n).toBeGreaterThan(0);
    const adminUser = await createUser(stack.database.db, 'admin');
    const teacher = await createUser(stack.database.db, 'teacher');
    expect(await count(adminUser.id, 'admin')).toBe(all?.n);
    expect(await count(parentId, 'parent')).toBe(0);
    expect(await count(teacher.id, 'teacher')).toBe(0);
  });

  it('refuses an input that does not match the task, naming the field', async () => {
    const runner = new AiRunner(testConfig().ai, stack.database.db.sql, async () => 'America/Halifax');
    const bad = { ...triageCase(parentId), payment: { amountCents: 'lots', currency: 'CAD', failedOn: '2027-01-04', failureCode: 'x' } };
    await expect(runner.run(triageTask, bad as unknown as TriageInput)).rejects.toThrow(/payment\.amountCents/);
  });
});
