-- strongroom_auditor: the read-only, cross-tenant role the chain verifier assumes (server/audit/verify.ts).
-- Both audit tables FORCE row-level security, so a schema owner that is not a superuser sees no audit row at all and
-- a verifier running as the owner would report an empty, "intact" log. This role reads every chain and can change
-- nothing: SELECT only, no INSERT, and the audit trigger still rejects UPDATE/DELETE from anyone but maintenance.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'strongroom_auditor') THEN
    BEGIN
      CREATE ROLE strongroom_auditor NOLOGIN NOBYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  EXECUTE format('GRANT strongroom_auditor TO %I', current_user);
END $$;

GRANT USAGE ON SCHEMA public TO strongroom_auditor;
GRANT SELECT ON audit_log, audit_checkpoints TO strongroom_auditor;
CREATE POLICY audit_log_verifier ON audit_log FOR SELECT TO strongroom_auditor USING (true);
CREATE POLICY audit_checkpoints_verifier ON audit_checkpoints FOR SELECT TO strongroom_auditor USING (true);
