-- CSV imports (families, teachers, weekly hours): one row per import run. The parsed rows wait in
-- `pending_rows` for the import workflow and are cleared when it ends (they hold family data);
-- `processed_rows` is the workflow's checkpoint: rows before it are done, committed together with
-- the counts and row errors of their batch.
CREATE TABLE imports (
  id serial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('families', 'teachers', 'weekly-hours')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'completed', 'failed')),
  file_name text,
  invite boolean NOT NULL DEFAULT false,
  -- Canonical field -> the header the file used for it (row errors name the file's column).
  columns jsonb NOT NULL DEFAULT '{}',
  pending_rows jsonb NOT NULL DEFAULT '[]',
  run_id uuid,
  total_rows integer NOT NULL CHECK (total_rows >= 0),
  processed_rows integer NOT NULL DEFAULT 0 CHECK (processed_rows >= 0),
  created_count integer NOT NULL DEFAULT 0,
  updated_count integer NOT NULL DEFAULT 0,
  skipped_count integer NOT NULL DEFAULT 0,
  error_count integer NOT NULL DEFAULT 0,
  -- [{row, errors: [{column, message}]}], row = line of the file (the header is row 1).
  row_errors jsonb NOT NULL DEFAULT '[]',
  failure text,
  created_by integer REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX imports_created_at_idx ON imports (created_at DESC);

GRANT SELECT, INSERT, UPDATE, DELETE ON imports TO cedar_app;
GRANT USAGE, SELECT ON SEQUENCE imports_id_seq TO cedar_app;
ALTER TABLE imports ENABLE ROW LEVEL SECURITY;
CREATE POLICY imports_admin ON imports FOR ALL USING ((SELECT app.is_admin())) WITH CHECK ((SELECT app.is_admin()));
