-- Announces every committed change to the school data that cached reads use, on the channel
-- cedar_data_changed (payload: the table's name), so each process can tell whether what it cached
-- is still exact (src/db/change-feed.ts, src/http/read-cache.ts). Row triggers, so a statement
-- that changes nothing announces nothing; PostgreSQL folds identical notifications within a
-- transaction and delivers them at commit.
--
-- Commits that notify are serialised by PostgreSQL, so only the tables cached reads depend on are
-- watched. Not watched: billing and payments (billing_customers, saved_payment_methods,
-- lesson_subscriptions, invoices, ledger_entries, payment_attempts, payments, family_flags; a
-- lesson's payment status lives on lessons), enrollments, consents, notification_preferences,
-- calendar_feeds, and what changes with background activity (workflow_runs, workflow_steps,
-- outbox, notifications, audit_log, refresh_tokens, password_reset_tokens, sim_gateway_*,
-- webhook_events, lesson_reminders). A new table must be added to one list or the other
-- (src/db/migrations.test.ts checks), and a cached route must read watched tables only.
CREATE OR REPLACE FUNCTION notify_data_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('cedar_data_changed', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;

DO $$
DECLARE
  watched text;
BEGIN
  FOREACH watched IN ARRAY ARRAY[
    'academic_years', 'closures', 'lessons', 'makeup_credits', 'semesters', 'settings', 'students',
    'teacher_availability', 'teacher_time_off', 'teachers', 'users'
  ] LOOP
    EXECUTE format(
      'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION notify_data_changed()',
      watched || '_data_changed', watched);
    EXECUTE format(
      'CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION notify_data_changed()',
      watched || '_data_truncated', watched);
  END LOOP;
END;
$$;
