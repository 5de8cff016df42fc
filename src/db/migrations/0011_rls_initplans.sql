-- Row-level security, made cheap: the policies call app.is_admin(), app.uid(), app.teacher_id()
-- and app.role(), whose value is the same for every row of a statement. Written bare, PostgreSQL
-- evaluates them per row (app.teacher_id() is a query; the others parse the claims JSON).
-- Wrapped as (SELECT app.uid()) they become init plans, evaluated once per statement.
-- This rewrites every policy of the public schema in place (those of later migrations should be
-- written with the wrapped form directly).
DO $$
DECLARE
  p record;
  pattern constant text := '(?<!SELECT )app\.(is_admin|uid|teacher_id|role)\(\)';
  wrapped constant text := '(SELECT app.\1())';
  statement text;
BEGIN
  FOR p IN SELECT schemaname, tablename, policyname, qual, with_check FROM pg_policies WHERE schemaname = 'public' LOOP
    statement := format('ALTER POLICY %I ON %I.%I', p.policyname, p.schemaname, p.tablename);
    IF p.qual IS NOT NULL THEN
      statement := statement || format(' USING (%s)', regexp_replace(p.qual, pattern, wrapped, 'g'));
    END IF;
    IF p.with_check IS NOT NULL THEN
      statement := statement || format(' WITH CHECK (%s)', regexp_replace(p.with_check, pattern, wrapped, 'g'));
    END IF;
    IF p.qual IS NOT NULL OR p.with_check IS NOT NULL THEN
      EXECUTE statement;
    END IF;
  END LOOP;
END $$;
