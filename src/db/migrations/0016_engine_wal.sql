-- Cheaper checkpoints. Every node's checkpoint updates its run row and extends the lease; with
-- `lease_expires_at` in an index each update wrote a new row version and an entry in every index of
-- workflow_runs. Indexed on status alone (the lease is checked on the few running rows) and with
-- room left in each page, the update stays on its page (a HOT update): about 2.4 KiB less WAL per
-- six-node run. workflow_steps_run_idx duplicated the leading column of workflow_steps_attempt_key.
DROP INDEX workflow_runs_status_lease_idx;
CREATE INDEX workflow_runs_status_idx ON workflow_runs (status);
ALTER TABLE workflow_runs SET (fillfactor = 50);
DROP INDEX workflow_steps_run_idx;
