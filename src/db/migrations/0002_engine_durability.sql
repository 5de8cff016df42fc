-- Durable workflow execution: cancellation requests seen by whichever worker holds the lease,
-- and the stop reason of a checkpoint (a node that stopped the run on purpose).
ALTER TABLE workflow_runs ADD COLUMN cancel_requested_at timestamptz;
ALTER TABLE workflow_runs ADD COLUMN result jsonb;
ALTER TABLE workflow_steps ADD COLUMN stop_reason text;
CREATE INDEX workflow_steps_run_idx ON workflow_steps (run_id, id);
