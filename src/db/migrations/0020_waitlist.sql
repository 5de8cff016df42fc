-- The waitlist that moves (issue 14) and duplicate students.
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

-- Duplicate students: one active student per parent, normalised name (trimmed, inner spaces
-- collapsed, case-insensitive) and date of birth. The students module answers 409 before it gets
-- here; the index settles two requests at the same moment. A school whose data already holds such
-- duplicates keeps them: the index is then not made (the module's check still refuses new ones);
-- once they are merged, the statement below can be run by hand.
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM students WHERE is_active
    GROUP BY parent_id, lower(regexp_replace(btrim(first_name) || ' ' || btrim(last_name), '\s+', ' ', 'g')), date_of_birth
    HAVING count(*) > 1
  ) THEN
    CREATE UNIQUE INDEX students_family_name_dob_key ON students (
      parent_id,
      lower(regexp_replace(btrim(first_name) || ' ' || btrim(last_name), '\s+', ' ', 'g')),
      date_of_birth
    ) WHERE is_active;
  END IF;
END
$$;
