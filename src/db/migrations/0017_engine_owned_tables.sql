-- The workflow engine migrates its own tables (src/engine/durable/schema.ts) before these
-- migrations run, so on a new database 0003's grants to every table reached them too. Requests run
-- as cedar_app see runs and steps under 0003's admin-only policies, and the engine's run view;
-- none of its other tables.
REVOKE ALL ON workflow_signals, workflow_waits, workflow_transactions, workflow_schema_migrations FROM cedar_app;
REVOKE ALL ON SEQUENCE workflow_signals_id_seq, workflow_waits_id_seq, workflow_transactions_id_seq FROM cedar_app;
REVOKE ALL ON workflow_run_states FROM cedar_app;
GRANT SELECT ON workflow_run_states TO cedar_app;
