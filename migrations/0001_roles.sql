-- Roles the application assumes with SET ROLE. None can log in, none bypasses row-level security, none owns a table.
-- strongroom_app: request path, reads under the access rule.
-- strongroom_ingest: document management; writes chunks, cannot read chunk text or transcripts.
-- strongroom_worker: tenant-wide jobs (purge, rewrap, key status); transcript metadata only where granted.
-- strongroom_maintenance: the only role the audit-log trigger lets change audit rows (documented break-glass).
-- Roles are cluster-wide, so creation tolerates another database having created them concurrently.
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['strongroom_app', 'strongroom_ingest', 'strongroom_worker', 'strongroom_maintenance'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN NOBYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END;
    END IF;
    -- The login role that runs the server must be able to SET ROLE to each of them.
    EXECUTE format('GRANT %I TO %I', r, current_user);
  END LOOP;
END $$;

CREATE EXTENSION IF NOT EXISTS vector;

REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO strongroom_app, strongroom_ingest, strongroom_worker, strongroom_maintenance;

-- /readyz checks from the application pool that the schema is current.
GRANT SELECT ON schema_migrations TO strongroom_app;
