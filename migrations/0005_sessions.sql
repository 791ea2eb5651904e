-- Server-side web sessions. The cookie carries the tenant id and a random secret; only the secret's SHA-256 is
-- stored, so a database reader cannot ride a session. The principal's attributes are those of the validated ID
-- token at login; the session ends on idle or absolute timeout, or at logout.
CREATE TABLE sessions (
  tenant_id      text NOT NULL REFERENCES tenants (tenant_id),
  session_hash   bytea NOT NULL,
  user_id        text NOT NULL,
  principal      jsonb NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, session_hash)
);
CREATE INDEX sessions_user_idx ON sessions (tenant_id, user_id);

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY; ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY sessions_tenant ON sessions TO strongroom_app, strongroom_worker
  USING (tenant_id = current_setting('strongroom.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('strongroom.tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO strongroom_app;
GRANT SELECT, DELETE ON sessions TO strongroom_worker;
