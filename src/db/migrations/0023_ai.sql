-- AI-assisted work (src/ai): every call to an AI provider, and every draft the rules drafter made
-- instead, is one row of ai_calls: what it cost, how long it took, how it ended. The row that
-- finished a task run (outcome 'ok', result set) is also that run's checkpoint: a workflow node
-- that runs again (retry, resume after a crash, after a durable wait) finds it by task_key and
-- calls no provider a second time.
--
-- provider: 'openai', 'anthropic', 'compatible' or 'rules'. outcome: 'ok', 'invalid_output' (not
-- JSON, or not the task's schema), 'timeout', 'rate_limited' (HTTP 429), 'error' (anything else).
-- attempt: 'first', or 'repair' (the same provider asked once more after an invalid output).
-- fallback: this call was made because an earlier provider failed or the budget was spent
-- (a rules draft for a family that declined AI processing, or with no provider configured, is
-- the designed path, not a fallback). reason: why the rules drafter answered ('declined',
-- 'no_provider', 'budget', 'providers_failed'). cost_microcents: millionths of a cent, from the
-- price table in src/ai/prices.ts. result: {output, source, shared} of the finishing row only.
CREATE TABLE ai_calls (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task text NOT NULL,
  task_key text,
  run_id uuid,
  provider text NOT NULL,
  model text NOT NULL,
  attempt text NOT NULL DEFAULT 'first',
  outcome text NOT NULL,
  fallback boolean NOT NULL DEFAULT false,
  reason text,
  error text,
  input_tokens integer NOT NULL DEFAULT 0,
  output_tokens integer NOT NULL DEFAULT 0,
  cost_microcents bigint NOT NULL DEFAULT 0,
  latency_ms integer NOT NULL DEFAULT 0,
  result jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ai_calls_provider_check CHECK (provider IN ('openai', 'anthropic', 'compatible', 'rules')),
  CONSTRAINT ai_calls_outcome_check CHECK (outcome IN ('ok', 'invalid_output', 'timeout', 'rate_limited', 'error')),
  CONSTRAINT ai_calls_attempt_check CHECK (attempt IN ('first', 'repair')),
  CONSTRAINT ai_calls_reason_check CHECK (reason IN ('declined', 'no_provider', 'budget', 'providers_failed')),
  CONSTRAINT ai_calls_counts_check CHECK (input_tokens >= 0 AND output_tokens >= 0 AND cost_microcents >= 0 AND latency_ms >= 0),
  CONSTRAINT ai_calls_result_check CHECK (result IS NULL OR outcome = 'ok')
);
-- One finishing row per task key: two workers racing on one node keep the first draft.
CREATE UNIQUE INDEX ai_calls_task_key_result_idx ON ai_calls (task_key) WHERE result IS NOT NULL;
-- Usage per period and the month's spending.
CREATE INDEX ai_calls_created_at_idx ON ai_calls (created_at);

-- A family (or any user) who declined AI processing: their data never goes to a provider; the
-- rules drafter answers instead. Until the consents of the privacy work record it, a flag.
ALTER TABLE users ADD COLUMN ai_processing_declined boolean NOT NULL DEFAULT false;

GRANT SELECT, INSERT, UPDATE, DELETE ON ai_calls TO cedar_app;
ALTER TABLE ai_calls ENABLE ROW LEVEL SECURITY;
CREATE POLICY ai_calls_admin ON ai_calls FOR ALL USING ((SELECT app.is_admin())) WITH CHECK ((SELECT app.is_admin()));
