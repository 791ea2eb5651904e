-- Tenants, users, documents and chunks. Every table is keyed by (tenant_id, ...) so that it can be distributed by
-- tenant (Citus) without a redesign. Classification is a level: 0 public, 1 internal, 2 confidential, 3 restricted.

CREATE TABLE tenants (
  tenant_id   text PRIMARY KEY CHECK (tenant_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  name        text NOT NULL,
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  tenant_id     text NOT NULL REFERENCES tenants (tenant_id),
  user_id       text NOT NULL,
  attributes    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE documents (
  tenant_id           text NOT NULL REFERENCES tenants (tenant_id),
  document_id         uuid NOT NULL DEFAULT gen_random_uuid(),
  title               text NOT NULL,
  source              text NOT NULL,
  content_hash        text NOT NULL,
  format              text NOT NULL,
  byte_size           integer NOT NULL CHECK (byte_size >= 0),
  classification      smallint NOT NULL CHECK (classification BETWEEN 0 AND 3),
  departments         text[] NOT NULL DEFAULT '{}',
  allowed_principals  text[] NOT NULL DEFAULT '{}',
  quarantined         boolean NOT NULL DEFAULT false,
  findings            jsonb NOT NULL DEFAULT '{}'::jsonb,
  chunk_count         integer NOT NULL DEFAULT 0,
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, document_id),
  UNIQUE (tenant_id, source)
);

-- Access attributes are copied from the document so that retrieval filters without a join; the ingest pipeline
-- keeps them in step in the same transaction that changes the document.
CREATE TABLE chunks (
  tenant_id           text NOT NULL,
  chunk_id            uuid NOT NULL DEFAULT gen_random_uuid(),
  document_id         uuid NOT NULL,
  ordinal             integer NOT NULL,
  title               text NOT NULL,
  heading_path        text[] NOT NULL DEFAULT '{}',
  page                integer,
  text                text NOT NULL,
  embedding           vector(384) NOT NULL,
  embedding_model     text NOT NULL,
  tsv                 tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, title || ' ' || text)) STORED,
  classification      smallint NOT NULL CHECK (classification BETWEEN 0 AND 3),
  departments         text[] NOT NULL DEFAULT '{}',
  allowed_principals  text[] NOT NULL DEFAULT '{}',
  quarantined         boolean NOT NULL DEFAULT false,
  instruction_flagged boolean NOT NULL DEFAULT false,
  PRIMARY KEY (tenant_id, chunk_id),
  FOREIGN KEY (tenant_id, document_id) REFERENCES documents (tenant_id, document_id) ON DELETE CASCADE
);
CREATE INDEX chunks_document_idx ON chunks (tenant_id, document_id, ordinal);
CREATE INDEX chunks_tsv_idx ON chunks USING gin (tsv);
CREATE INDEX chunks_embedding_hnsw_idx ON chunks USING hnsw (embedding vector_cosine_ops);

-- Row-level security: enabled and forced everywhere; every policy reads transaction-local settings
-- (server/db/tx.ts). A transaction that sets none of them sees and writes nothing.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;   ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
ALTER TABLE users ENABLE ROW LEVEL SECURITY;     ALTER TABLE users FORCE ROW LEVEL SECURITY;
ALTER TABLE documents ENABLE ROW LEVEL SECURITY; ALTER TABLE documents FORCE ROW LEVEL SECURITY;
ALTER TABLE chunks ENABLE ROW LEVEL SECURITY;    ALTER TABLE chunks FORCE ROW LEVEL SECURITY;

CREATE POLICY tenants_own ON tenants TO strongroom_app, strongroom_ingest
  USING (tenant_id = current_setting('strongroom.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('strongroom.tenant_id', true));
-- The purge scheduler lists tenants to visit each one; names and settings are not user data.
CREATE POLICY tenants_worker ON tenants FOR SELECT TO strongroom_worker USING (true);

CREATE POLICY users_self ON users TO strongroom_app
  USING (tenant_id = current_setting('strongroom.tenant_id', true)
         AND user_id = current_setting('strongroom.user_id', true))
  WITH CHECK (tenant_id = current_setting('strongroom.tenant_id', true)
              AND user_id = current_setting('strongroom.user_id', true));
CREATE POLICY users_worker ON users TO strongroom_worker
  USING (tenant_id = current_setting('strongroom.tenant_id', true));

-- The access rule (server/policy/rule.ts is the same rule as a pure function; a property test keeps them equal).
CREATE POLICY documents_read ON documents FOR SELECT TO strongroom_app USING (
  tenant_id = current_setting('strongroom.tenant_id', true)
  AND classification <= coalesce(nullif(current_setting('strongroom.clearance', true), '')::int, -1)
  AND (departments = '{}' OR departments && coalesce(nullif(current_setting('strongroom.departments', true), ''), '{}')::text[])
  AND (allowed_principals = '{}' OR allowed_principals && coalesce(nullif(current_setting('strongroom.principals', true), ''), '{}')::text[])
  AND NOT quarantined);
CREATE POLICY chunks_read ON chunks FOR SELECT TO strongroom_app USING (
  tenant_id = current_setting('strongroom.tenant_id', true)
  AND classification <= coalesce(nullif(current_setting('strongroom.clearance', true), '')::int, -1)
  AND (departments = '{}' OR departments && coalesce(nullif(current_setting('strongroom.departments', true), ''), '{}')::text[])
  AND (allowed_principals = '{}' OR allowed_principals && coalesce(nullif(current_setting('strongroom.principals', true), ''), '{}')::text[])
  AND NOT quarantined);

-- Document management is tenant-bound; it grants no read of chunk text (column privileges below).
CREATE POLICY documents_manage ON documents TO strongroom_ingest
  USING (tenant_id = current_setting('strongroom.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('strongroom.tenant_id', true));
CREATE POLICY chunks_manage ON chunks TO strongroom_ingest
  USING (tenant_id = current_setting('strongroom.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('strongroom.tenant_id', true));

GRANT SELECT, INSERT ON tenants TO strongroom_app, strongroom_ingest;
GRANT SELECT ON tenants TO strongroom_worker;
GRANT SELECT, INSERT, UPDATE ON users TO strongroom_app;
GRANT SELECT, DELETE ON users TO strongroom_worker;
GRANT SELECT ON documents, chunks TO strongroom_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON documents TO strongroom_ingest;
GRANT INSERT, UPDATE, DELETE ON chunks TO strongroom_ingest;
GRANT SELECT (tenant_id, chunk_id, document_id, ordinal, classification, departments, allowed_principals,
              quarantined, instruction_flagged, embedding_model) ON chunks TO strongroom_ingest;
