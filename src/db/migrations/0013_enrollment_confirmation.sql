-- A public enrollment whose parent e-mail belongs to an existing account waits for proof of
-- ownership (a signed link e-mailed to that address, valid 72 h) or an admin's approval before
-- anything of the family changes: status 'awaiting_confirmation'. confirmed_by is 'email' or
-- 'admin:<user id>'; an unconfirmed one ends 'rejected' (code confirmation_expired). Only the
-- SHA-256 of the link's token is kept.

ALTER TABLE enrollments DROP CONSTRAINT enrollments_status_check;
ALTER TABLE enrollments ADD CONSTRAINT enrollments_status_check
  CHECK (status IN ('pending', 'awaiting_confirmation', 'completed', 'waitlisted', 'rejected', 'failed'));
ALTER TABLE enrollments ADD COLUMN confirmation_token_hash text;
ALTER TABLE enrollments ADD COLUMN confirmation_sent_at timestamptz;
ALTER TABLE enrollments ADD COLUMN confirmation_expires_at timestamptz;
ALTER TABLE enrollments ADD COLUMN confirmed_at timestamptz;
ALTER TABLE enrollments ADD COLUMN confirmed_by text;

DROP INDEX enrollments_dedupe_key;
CREATE UNIQUE INDEX enrollments_dedupe_key ON enrollments (
  lower(parent_email),
  lower(regexp_replace(btrim(student_first_name) || ' ' || btrim(student_last_name), '\s+', ' ', 'g')),
  student_date_of_birth
) WHERE status IN ('pending', 'awaiting_confirmation', 'completed', 'waitlisted');
CREATE UNIQUE INDEX enrollments_confirmation_token_idx ON enrollments (confirmation_token_hash) WHERE confirmation_token_hash IS NOT NULL;
