-- The waitlist that moves (issue 14).
--
-- A waitlisted enrollment's run now waits durably for a place (the `waitlist` node), so one run
-- tells the whole story. `promoted_at` / `promoted_by` record who gave it a place ('admin:<user id>'
-- for POST /enrollments/{id}/promote, 'waitlist' when the waitlist moved by itself): set once, in
-- the same statement that claims the enrollment, so a family is promoted once per opening however
-- many triggers fire at the same moment.
ALTER TABLE enrollments ADD COLUMN promoted_at timestamptz;
ALTER TABLE enrollments ADD COLUMN promoted_by text;
-- The waitlist in order (first come, first served) per instrument.
CREATE INDEX enrollments_waitlist_idx ON enrollments (instrument, created_at, id) WHERE status = 'waitlisted';
