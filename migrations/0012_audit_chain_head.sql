-- The chain lock and the read of the chain head in one call, so an append costs one round trip fewer while the
-- tenant's appends are serialized (server/audit/audit.repo.ts lockedHead).
--
-- Why this is as safe as the two statements it replaces:
-- * The lock comes first; the head is read by a later statement of a VOLATILE function, which at READ COMMITTED
--   takes a new snapshot, so it sees the entry the previous lock holder committed. (One plain SELECT doing both would
--   read with a snapshot taken before it waited for the lock, and could fork the chain.)
-- * SECURITY INVOKER (the default): row-level security applies to the caller as before, so a transaction scoped to
--   one tenant cannot read another tenant's head through it.
-- * The lock key is the one audit.repo.ts used before (class 'AUDT' = 0x41554454, hashtext of the tenant id), so
--   instances running the previous code during a rolling upgrade still exclude each other.
CREATE FUNCTION audit_chain_head(p_tenant_id text)
RETURNS TABLE (seq bigint, hash bytea)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path = pg_catalog, public
AS $fn$
BEGIN
  PERFORM pg_catalog.pg_advisory_xact_lock(1096107092, pg_catalog.hashtext(p_tenant_id));
  RETURN QUERY SELECT a.seq, a.hash FROM public.audit_log a WHERE a.tenant_id = p_tenant_id ORDER BY a.seq DESC LIMIT 1;
END
$fn$;
