-- Consents of the privacy work (PIPEDA): the four kinds the API knows (data_processing,
-- ai_processing, marketing_email, sms) beside the kinds of 0001 (terms, privacy, photo, marketing),
-- whose rows stay readable. A consent is a history: every change is a new row; the latest row per
-- user and kind is the consent in force. Each row says who recorded it (the user, an admin, or the
-- system at enrollment) and where (api, user_patch, enrollment, seed).
ALTER TABLE consents DROP CONSTRAINT consents_kind_check;
ALTER TABLE consents ADD CONSTRAINT consents_kind_check
  CHECK (kind IN ('terms', 'privacy', 'photo', 'marketing', 'data_processing', 'ai_processing', 'marketing_email', 'sms'));
ALTER TABLE consents ADD COLUMN actor_id integer REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE consents ADD COLUMN actor_role text;
ALTER TABLE consents ADD COLUMN source text;
ALTER TABLE consents ADD CONSTRAINT consents_source_check CHECK (source IN ('api', 'user_patch', 'enrollment', 'seed'));
CREATE INDEX consents_actor_idx ON consents (actor_id) WHERE actor_id IS NOT NULL;

-- A user records their own consents (the routes check it too and write as the owner).
CREATE POLICY consents_self_insert ON consents FOR INSERT WITH CHECK (user_id = (SELECT app.uid()));

-- users.ai_processing_declined (0023) is now a mirror of the latest ai_processing consent, written
-- in the same transaction as the consent row; accounts that declined before keep their refusal as a
-- consent row, so the history starts from what the flag said.
INSERT INTO consents (user_id, kind, granted, version, source, actor_role)
  SELECT id, 'ai_processing', false, 'before-consents', 'seed', 'system' FROM users WHERE ai_processing_declined;
