-- Approvals applied by the approve request itself (kinds with an `apply` step, e.g. the schedule
-- review's `schedule-suggestion`; src/modules/approvals/decide.ts).
-- claimed_at: set while an approve request applies the draft (a second decision meanwhile is a
-- 409); a claim older than 10 minutes (its process died) no longer holds. outcome: what applying
-- did, kept with the approval once approved.
ALTER TABLE approvals ADD COLUMN claimed_at timestamptz;
ALTER TABLE approvals ADD COLUMN outcome text;
ALTER TABLE approvals ADD CONSTRAINT approvals_outcome_check CHECK (outcome IS NULL OR char_length(outcome) <= 2000);
