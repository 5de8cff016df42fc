-- School records: a teacher's load for every signed-in caller.
-- The students policy (0003) lets a parent count only their own children, so "is this teacher
-- accepting students?" needs the real number of active students; this definer-rights function
-- answers only that count, never the students themselves.
CREATE FUNCTION app.active_student_count(tid integer) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT count(*)::integer FROM students s WHERE s.teacher_id = tid AND s.is_active
$$;
GRANT EXECUTE ON FUNCTION app.active_student_count(integer) TO cedar_app;

-- Every write leaves an audit row in the same transaction as the change, and teachers and parents
-- make changes too (own bio, weekly hours, time off, lessons). The admin-only policy of 0003 still
-- governs reading; any signed-in caller may add rows, but only rows that name themselves as actor.
CREATE POLICY audit_log_insert_own ON audit_log FOR INSERT
  WITH CHECK (app.uid() IS NOT NULL AND actor_id = app.uid());
