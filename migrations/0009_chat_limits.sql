-- Chat limits shared by every server instance (server/chat/limits.ts): a per-user daily token budget and leases
-- that cap concurrent chat requests. The per-minute request rate lives in rate_limits (0007). Rows hold counters
-- and expiry times only, keyed by tenant and user; row-level security keeps each user to their own rows.

CREATE TABLE chat_usage (
  tenant_id  text NOT NULL,
  user_id    text NOT NULL,
  day        date NOT NULL,
  tokens     bigint NOT NULL DEFAULT 0 CHECK (tokens >= 0),
  requests   integer NOT NULL DEFAULT 0 CHECK (requests >= 0),
  PRIMARY KEY (tenant_id, user_id, day)
);

-- One row per chat request in flight. A lease outlives its request only if the instance died mid-request; it then
-- stops counting at expires_at (the model deadline plus a margin) and is deleted by the next acquisition.
CREATE TABLE chat_leases (
  tenant_id   text NOT NULL,
  user_id     text NOT NULL,
  lease_id    uuid NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, user_id, lease_id)
);

ALTER TABLE chat_usage ENABLE ROW LEVEL SECURITY;  ALTER TABLE chat_usage FORCE ROW LEVEL SECURITY;
ALTER TABLE chat_leases ENABLE ROW LEVEL SECURITY; ALTER TABLE chat_leases FORCE ROW LEVEL SECURITY;

CREATE POLICY chat_usage_self ON chat_usage TO strongroom_app
  USING (tenant_id = current_setting('strongroom.tenant_id', true)
         AND user_id = current_setting('strongroom.user_id', true))
  WITH CHECK (tenant_id = current_setting('strongroom.tenant_id', true)
              AND user_id = current_setting('strongroom.user_id', true));
CREATE POLICY chat_leases_self ON chat_leases TO strongroom_app
  USING (tenant_id = current_setting('strongroom.tenant_id', true)
         AND user_id = current_setting('strongroom.user_id', true))
  WITH CHECK (tenant_id = current_setting('strongroom.tenant_id', true)
              AND user_id = current_setting('strongroom.user_id', true));
-- Tenant-wide jobs (data-subject erasure, tenant removal) clear a tenant's counters.
CREATE POLICY chat_usage_worker ON chat_usage TO strongroom_worker
  USING (tenant_id = current_setting('strongroom.tenant_id', true));
CREATE POLICY chat_leases_worker ON chat_leases TO strongroom_worker
  USING (tenant_id = current_setting('strongroom.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON chat_usage, chat_leases TO strongroom_app;
GRANT SELECT, DELETE ON chat_usage, chat_leases TO strongroom_worker;
