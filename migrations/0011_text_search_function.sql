-- Full-text search that can use the GIN index on chunks.tsv for the application role.
--
-- Under row-level security PostgreSQL evaluates the policy before any condition whose operator is not LEAKPROOF,
-- and tsvector @@ tsquery is not, so for strongroom_app the planner may not use chunks_tsv_idx: every full-text
-- query read all of the tenant's chunks (about 370 ms at 100k chunks). search_chunk_text() runs as a role for which
-- the chunks policy is `true`, so the index serves it, and it applies the access rule itself.
--
-- Why this does not weaken enforcement:
-- * The principal's attributes come only from the transaction-local settings that the RLS policies of 0002 read
--   (server/db/tx.ts withPrincipal). The function has no argument that names a tenant, clearance, department or
--   principal, so a caller cannot widen what it returns beyond what RLS would let the same transaction see.
--   Unset or empty settings return nothing, exactly as under RLS.
-- * The predicate is the rule of 0002 (server/policy/rule.ts canSee; the property test covers the SQL form),
--   written out with the settings bound as parameters so that the planner sees real values.
-- * The owner, strongroom_text_search, cannot log in, holds no BYPASSRLS, and may read only the columns the search
--   needs (ids, tsv and the access attributes): never text or embeddings. It is granted to nobody but the
--   migration owner, which owns the tables anyway.
-- * search_path is pinned and every object is schema-qualified; the query is a constant string with bound values.
-- * Only strongroom_app may execute it. It returns chunk ids and ranks; the caller joins them back to chunks under
--   RLS with the query-side predicate (server/retrieval/search.repo.ts), so the rule is still applied twice.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'strongroom_text_search') THEN
    BEGIN
      CREATE ROLE strongroom_text_search NOLOGIN NOBYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  -- Needed to hand the function to this role (ALTER FUNCTION ... OWNER) when migrations do not run as superuser.
  EXECUTE format('GRANT strongroom_text_search TO %I', current_user);
END $$;

GRANT USAGE ON SCHEMA public TO strongroom_text_search;
GRANT SELECT (tenant_id, chunk_id, tsv, classification, departments, allowed_principals, quarantined)
  ON chunks TO strongroom_text_search;
CREATE POLICY chunks_text_search ON chunks FOR SELECT TO strongroom_text_search USING (true);

CREATE FUNCTION search_chunk_text(p_query text, p_limit integer)
RETURNS TABLE (chunk_id uuid, rank real)
LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  -- The same settings, and the same reading of unset or empty ones, as the policies documents_read and chunks_read.
  v_tenant text := nullif(current_setting('strongroom.tenant_id', true), '');
  v_clearance integer := coalesce(nullif(current_setting('strongroom.clearance', true), '')::integer, -1);
  v_departments text[] := coalesce(nullif(current_setting('strongroom.departments', true), ''), '{}')::text[];
  v_principals text[] := coalesce(nullif(current_setting('strongroom.principals', true), ''), '{}')::text[];
BEGIN
  IF v_tenant IS NULL OR v_clearance < 0 THEN
    RETURN;
  END IF;
  -- EXECUTE plans with the actual values: a rare term goes through the GIN index, a term in most chunks through a
  -- sequential scan, which a generic plan could not tell apart.
  RETURN QUERY EXECUTE
    $q$SELECT c.chunk_id, ts_rank_cd(c.tsv, q.query) AS rank
       FROM public.chunks c, websearch_to_tsquery('english'::regconfig, $1) AS q(query)
       WHERE c.tsv @@ q.query
         AND c.tenant_id = $2
         AND c.classification <= $3
         AND (c.departments = '{}' OR c.departments && $4)
         AND (c.allowed_principals = '{}' OR c.allowed_principals && $5)
         AND NOT c.quarantined
       ORDER BY rank DESC, c.chunk_id
       LIMIT $6$q$
    USING p_query, v_tenant, v_clearance, v_departments, v_principals, greatest(0, least(p_limit, 1000));
END
$fn$;

ALTER FUNCTION search_chunk_text(text, integer) OWNER TO strongroom_text_search;
REVOKE ALL ON FUNCTION search_chunk_text(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION search_chunk_text(text, integer) TO strongroom_app;
