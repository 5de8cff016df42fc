-- Announces every committed change to school data on the channel cedar_data_changed (payload: the
-- table's name), so each process can tell whether what it cached is still exact
-- (src/db/change-feed.ts, src/http/read-cache.ts). One notification per statement; PostgreSQL
-- folds identical ones within a transaction and delivers them at commit.
--
-- Not watched, because no cached read uses them and they change with background activity:
-- workflow_runs, workflow_steps, outbox, notifications, audit_log, refresh_tokens,
-- password_reset_tokens, sim_gateway_objects, sim_gateway_idempotency, sim_gateway_events,
-- webhook_events, lesson_reminders. A new table must be added here or to that list
-- (src/db/migrations.test.ts checks).
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
    'academic_years', 'billing_customers', 'calendar_feeds', 'closures', 'consents', 'enrollments',
    'family_flags', 'invoices', 'ledger_entries', 'lesson_subscriptions', 'lessons', 'makeup_credits',
    'notification_preferences', 'payment_attempts', 'payments', 'saved_payment_methods', 'semesters',
    'settings', 'students', 'teacher_availability', 'teacher_time_off', 'teachers', 'users'
  ] LOOP
    EXECUTE format(
      'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION notify_data_changed()',
      watched || '_data_changed', watched);
  END LOOP;
END;
$$;
