-- Transcripts hold ciphertext only (server/crypto): titles, message text, citations and model output. What stays
-- plaintext is listed in README.md ("What is encrypted") with the reason for each column.

CREATE TABLE tenant_keys (
  tenant_id     text NOT NULL REFERENCES tenants (tenant_id),
  version       integer NOT NULL CHECK (version > 0),
  wrapped_key   bytea,                      -- NULL once destroyed (crypto-shredding)
  root_key_id   text NOT NULL,
  state         text NOT NULL CHECK (state IN ('active', 'retired', 'destroyed')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  retired_at    timestamptz,
  destroyed_at  timestamptz,
  PRIMARY KEY (tenant_id, version),
  CHECK ((state = 'destroyed') = (wrapped_key IS NULL))
);
CREATE UNIQUE INDEX tenant_keys_one_active ON tenant_keys (tenant_id) WHERE state = 'active';

CREATE TABLE conversations (
  tenant_id        text NOT NULL REFERENCES tenants (tenant_id),
  conversation_id  uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id          text NOT NULL,
  title_ct         bytea,
  key_version      integer NOT NULL,
  classification   smallint NOT NULL DEFAULT 0 CHECK (classification BETWEEN 0 AND 3),
  message_count    integer NOT NULL DEFAULT 0,
  byte_size        bigint NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  last_message_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, conversation_id)
);
CREATE INDEX conversations_user_idx ON conversations (tenant_id, user_id, last_message_at DESC);
CREATE INDEX conversations_age_idx ON conversations (tenant_id, classification, last_message_at);

CREATE TABLE messages (
  tenant_id        text NOT NULL,
  message_id       uuid NOT NULL DEFAULT gen_random_uuid(),
  conversation_id  uuid NOT NULL,
  user_id          text NOT NULL,
  role             text NOT NULL CHECK (role IN ('user', 'assistant')),
  body_ct          bytea NOT NULL,
  citations_ct     bytea,
  key_version      integer NOT NULL,
  classification   smallint NOT NULL DEFAULT 0 CHECK (classification BETWEEN 0 AND 3),
  prompt_version   text,
  prompt_hash      text,
  provider         text,
  model            text,
  byte_size        integer NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, message_id),
  FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, conversation_id) ON DELETE CASCADE
);
CREATE INDEX messages_conversation_idx ON messages (tenant_id, conversation_id, created_at);
CREATE INDEX messages_key_version_idx ON messages (tenant_id, key_version);

CREATE TABLE retention_rules (
  tenant_id       text NOT NULL REFERENCES tenants (tenant_id),
  classification  smallint NOT NULL CHECK (classification BETWEEN 0 AND 3),
  retain_days     integer NOT NULL CHECK (retain_days BETWEEN 1 AND 36500),
  updated_by      text NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, classification)
);

CREATE TABLE legal_holds (
  tenant_id    text NOT NULL REFERENCES tenants (tenant_id),
  hold_id      uuid NOT NULL DEFAULT gen_random_uuid(),
  scope        text NOT NULL CHECK (scope IN ('conversation', 'user')),
  target_id    text NOT NULL,
  case_ref     text NOT NULL CHECK (length(case_ref) <= 120),
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  released_by  text,
  released_at  timestamptz,
  PRIMARY KEY (tenant_id, hold_id)
);
CREATE INDEX legal_holds_active_idx ON legal_holds (tenant_id, scope, target_id) WHERE released_at IS NULL;

ALTER TABLE tenant_keys ENABLE ROW LEVEL SECURITY;     ALTER TABLE tenant_keys FORCE ROW LEVEL SECURITY;
ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;   ALTER TABLE conversations FORCE ROW LEVEL SECURITY;
ALTER TABLE messages ENABLE ROW LEVEL SECURITY;        ALTER TABLE messages FORCE ROW LEVEL SECURITY;
ALTER TABLE retention_rules ENABLE ROW LEVEL SECURITY; ALTER TABLE retention_rules FORCE ROW LEVEL SECURITY;
ALTER TABLE legal_holds ENABLE ROW LEVEL SECURITY;     ALTER TABLE legal_holds FORCE ROW LEVEL SECURITY;

-- Transcripts belong to their owner: no role on the request path reads another user's conversation.
CREATE POLICY conversations_owner ON conversations TO strongroom_app
  USING (tenant_id = current_setting('strongroom.tenant_id', true)
         AND user_id = current_setting('strongroom.user_id', true))
  WITH CHECK (tenant_id = current_setting('strongroom.tenant_id', true)
              AND user_id = current_setting('strongroom.user_id', true));
CREATE POLICY messages_owner ON messages TO strongroom_app
  USING (tenant_id = current_setting('strongroom.tenant_id', true)
         AND user_id = current_setting('strongroom.user_id', true))
  WITH CHECK (tenant_id = current_setting('strongroom.tenant_id', true)
              AND user_id = current_setting('strongroom.user_id', true));

CREATE POLICY tenant_keys_tenant ON tenant_keys TO strongroom_app, strongroom_worker
  USING (tenant_id = current_setting('strongroom.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('strongroom.tenant_id', true));
CREATE POLICY retention_rules_tenant ON retention_rules TO strongroom_app, strongroom_worker
  USING (tenant_id = current_setting('strongroom.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('strongroom.tenant_id', true));
CREATE POLICY legal_holds_tenant ON legal_holds TO strongroom_app, strongroom_worker
  USING (tenant_id = current_setting('strongroom.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('strongroom.tenant_id', true));
CREATE POLICY conversations_worker ON conversations TO strongroom_worker
  USING (tenant_id = current_setting('strongroom.tenant_id', true));
CREATE POLICY messages_worker ON messages TO strongroom_worker
  USING (tenant_id = current_setting('strongroom.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON conversations, messages TO strongroom_app;
GRANT SELECT, UPDATE, DELETE ON conversations, messages TO strongroom_worker;
GRANT SELECT, INSERT ON tenant_keys TO strongroom_app;
GRANT SELECT, INSERT, UPDATE ON tenant_keys TO strongroom_worker;
GRANT SELECT, INSERT, UPDATE ON retention_rules, legal_holds TO strongroom_app;
GRANT SELECT ON retention_rules, legal_holds TO strongroom_worker;
