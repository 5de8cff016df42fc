-- Notifications: channel preferences per user, delivery tracking in the outbox, idempotent in-app
-- notifications, and the one-reminder-per-lesson claim table.

-- Which channels a user accepts. No row = the defaults: e-mail and in-app on, SMS on only when the
-- user has a phone number (resolved in src/modules/notifications/preferences.ts). PUT
-- /api/v1/notifications/preferences writes a row.
CREATE TABLE notification_preferences (
  user_id    integer PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  email      boolean NOT NULL DEFAULT true,
  sms        boolean NOT NULL DEFAULT false,
  in_app     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER notification_preferences_set_updated_at BEFORE UPDATE ON notification_preferences
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Outbox delivery states:
--   pending  : queued, no attempt yet
--   sending  : an attempt is in flight (a row left here by a dead worker is re-attempted with the
--              same Message-ID)
--   retrying : the last attempt failed (last_error) and another one will follow, with backoff
--   sent     : handed to the provider (SMTP server, Twilio); provider_message_id is its id
--   kept     : no transport configured (no SMTP_URL / Twilio): rendered and kept for the admin
--   failed   : refused for good, or every attempt failed; last_error says why
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
  CHECK (status IN ('pending', 'sending', 'retrying', 'sent', 'kept', 'failed'));
-- Who delivered (or kept) it: smtp, twilio or outbox.
ALTER TABLE outbox ADD COLUMN provider text;
-- The notification run that owns the row; NULL for mail queued outside a workflow (password links),
-- which the outbox-dispatch workflow delivers.
ALTER TABLE outbox ADD COLUMN run_id uuid REFERENCES workflow_runs (id) ON DELETE SET NULL;
CREATE INDEX outbox_channel_status_idx ON outbox (channel, status, created_at DESC);
CREATE INDEX outbox_run_idx ON outbox (run_id);

-- In-app notifications written by a workflow carry its idempotency key, so a resumed run never
-- writes one twice.
ALTER TABLE notifications ADD COLUMN idempotency_key text;
ALTER TABLE notifications ADD CONSTRAINT notifications_idempotency_key_key UNIQUE (idempotency_key);
CREATE INDEX notifications_user_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- One reminder per lesson, whatever the number of workers: a reminder run claims the lesson with
-- INSERT … ON CONFLICT DO NOTHING; the notification it starts is keyed `reminder:<lesson id>`.
CREATE TABLE lesson_reminders (
  lesson_id       integer PRIMARY KEY REFERENCES lessons (id) ON DELETE CASCADE,
  -- The lesson's start when the reminder was claimed.
  lesson_starts_at timestamptz NOT NULL,
  -- The notification run sent to the parent (NULL for a moment between claim and start).
  run_id          uuid REFERENCES workflow_runs (id) ON DELETE SET NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT, UPDATE, DELETE ON notification_preferences, lesson_reminders TO cedar_app;

ALTER TABLE notification_preferences ENABLE ROW LEVEL SECURITY;
CREATE POLICY notification_preferences_own ON notification_preferences FOR ALL
  USING (app.is_admin() OR user_id = app.uid()) WITH CHECK (app.is_admin() OR user_id = app.uid());
ALTER TABLE lesson_reminders ENABLE ROW LEVEL SECURITY;
CREATE POLICY lesson_reminders_admin ON lesson_reminders FOR ALL USING (app.is_admin()) WITH CHECK (app.is_admin());
