-- Append-only, hash-chained audit log (server/audit). One chain per tenant; events without a tenant use '_system'.
-- Application roles may INSERT and SELECT only; a trigger rejects UPDATE, DELETE and TRUNCATE for every role but
-- strongroom_maintenance, which no application code assumes (README: "Audit log maintenance").

CREATE TABLE audit_log (
  tenant_id    text NOT NULL,
  seq          bigint NOT NULL CHECK (seq > 0),
  occurred_at  timestamptz NOT NULL,
  type         text NOT NULL,
  actor        text NOT NULL,
  outcome      text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  data         jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash    bytea NOT NULL,
  hash         bytea NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_log_time_idx ON audit_log (tenant_id, occurred_at);
CREATE INDEX audit_log_type_idx ON audit_log (tenant_id, type, occurred_at);

CREATE TABLE audit_checkpoints (
  tenant_id   text NOT NULL,
  seq         bigint NOT NULL,
  hash        bytea NOT NULL,
  signature   bytea NOT NULL,
  key_id      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, seq)
);

CREATE FUNCTION audit_log_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_user <> 'strongroom_maintenance' THEN
    RAISE EXCEPTION 'audit log is append-only (% by %)', TG_OP, current_user USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_reject_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject_change();
CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_log_reject_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject_change();

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;         ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_checkpoints ENABLE ROW LEVEL SECURITY; ALTER TABLE audit_checkpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_log_tenant ON audit_log
  TO strongroom_app, strongroom_ingest, strongroom_worker, strongroom_maintenance
  USING (tenant_id = current_setting('strongroom.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('strongroom.tenant_id', true));
CREATE POLICY audit_checkpoints_tenant ON audit_checkpoints
  TO strongroom_app, strongroom_ingest, strongroom_worker, strongroom_maintenance
  USING (tenant_id = current_setting('strongroom.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('strongroom.tenant_id', true));

REVOKE ALL ON audit_log, audit_checkpoints FROM PUBLIC;
GRANT SELECT, INSERT ON audit_log, audit_checkpoints TO strongroom_app, strongroom_ingest, strongroom_worker;
GRANT SELECT, UPDATE, DELETE ON audit_log, audit_checkpoints TO strongroom_maintenance;
