-- Announces changes to what authentication reads from a user row (role, e-mail, active flag,
-- session version), so every process can drop its cached copy at once
-- (src/modules/auth/user-cache.ts). Payload: the user's id.
CREATE OR REPLACE FUNCTION notify_user_auth_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('cedar_user_auth', OLD.id::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER users_auth_changed_update
  AFTER UPDATE ON users
  FOR EACH ROW
  WHEN (OLD.role IS DISTINCT FROM NEW.role
     OR OLD.email IS DISTINCT FROM NEW.email
     OR OLD.is_active IS DISTINCT FROM NEW.is_active
     OR OLD.tokens_valid_after IS DISTINCT FROM NEW.tokens_valid_after
     OR OLD.supabase_user_id IS DISTINCT FROM NEW.supabase_user_id)
  EXECUTE FUNCTION notify_user_auth_changed();

CREATE TRIGGER users_auth_changed_delete
  AFTER DELETE ON users
  FOR EACH ROW
  EXECUTE FUNCTION notify_user_auth_changed();
