-- Closures and time off act on lessons: a lesson may be taught by a substitute teacher, and
-- make-up credits expire.

-- The teacher who covers the lesson while its own teacher is away (time off). The lesson keeps its
-- teacher (payroll and reports still see whose lesson it is); the substitute is busy at that time.
ALTER TABLE lessons ADD COLUMN substitute_teacher_id integer REFERENCES teachers (id) ON DELETE NO ACTION;
ALTER TABLE lessons ADD CONSTRAINT lessons_substitute_check CHECK (substitute_teacher_id IS DISTINCT FROM teacher_id);

-- No double booking of the teacher who actually teaches: the substitute when there is one, else the
-- lesson's own teacher. Together with lessons_no_teacher_overlap (on teacher_id) a substitute can
-- neither cover two lessons at once nor cover a lesson while teaching one of their own.
ALTER TABLE lessons ADD CONSTRAINT lessons_no_substitute_overlap EXCLUDE USING gist (
  (coalesce(substitute_teacher_id, teacher_id)) WITH =,
  tstzrange(scheduled_at, ends_at, '[)') WITH &&
) WHERE (status IN ('scheduled', 'completed'));

-- The lessons a teacher covers, read with the teacher's own lessons by the scheduling checks.
CREATE INDEX lessons_substitute_idx ON lessons (substitute_teacher_id, scheduled_at) WHERE substitute_teacher_id IS NOT NULL;

-- The booking lock (0001) now also takes the substitute's teacher lock, teachers in id order so two
-- transactions locking the same pair never wait on each other in opposite orders.
CREATE OR REPLACE FUNCTION lessons_lock_booking() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  may_overlap boolean;
BEGIN
  IF NEW.status NOT IN ('scheduled', 'completed') THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    may_overlap := true;
  ELSE
    may_overlap := OLD.status NOT IN ('scheduled', 'completed')
      OR NEW.teacher_id IS DISTINCT FROM OLD.teacher_id
      OR NEW.substitute_teacher_id IS DISTINCT FROM OLD.substitute_teacher_id
      OR NEW.student_id IS DISTINCT FROM OLD.student_id
      OR NEW.scheduled_at IS DISTINCT FROM OLD.scheduled_at
      OR NEW.ends_at IS DISTINCT FROM OLD.ends_at;
  END IF;
  IF may_overlap THEN
    IF NEW.substitute_teacher_id IS NULL THEN
      PERFORM pg_advisory_xact_lock(727364101, NEW.teacher_id);
    ELSE
      PERFORM pg_advisory_xact_lock(727364101, least(NEW.teacher_id, NEW.substitute_teacher_id));
      PERFORM pg_advisory_xact_lock(727364101, greatest(NEW.teacher_id, NEW.substitute_teacher_id));
    END IF;
    PERFORM pg_advisory_xact_lock(727364102, NEW.student_id);
  END IF;
  RETURN NEW;
END;
$$;

-- Make-up credits expire: `expires_on` is the last local day (school's zone) a credit can be used.
-- New credits get it from the makeupCreditExpiryDays setting (default 90); unused credits granted
-- before this migration get the default, counted from the day they were granted.
UPDATE makeup_credits
SET expires_on = (granted_at AT TIME ZONE coalesce((SELECT value #>> '{}' FROM settings WHERE key = 'timezone'), 'America/Halifax'))::date + 90
WHERE expires_on IS NULL AND used_lesson_id IS NULL;
CREATE INDEX makeup_credits_open_idx ON makeup_credits (student_id, expires_on) WHERE used_lesson_id IS NULL;
